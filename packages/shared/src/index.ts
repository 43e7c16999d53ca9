export { checkTicker, parseTickerList, TickerSchema, type Ticker, type TickerCheck } from './schemas/ticker.js';
export { formatRunId, formatRunTimestamp, parseRunId, RunIdSchema, type RunId, type RunIdParts } from './schemas/run-id.js';
export {
  AGENT_ROLES,
  ANALYST_KINDS,
  ANALYST_ROLE,
  AgentRoleSchema,
  AnalystKindSchema,
  PHASE_LABELS,
  ROLE_LABELS,
  RUN_PHASES,
  RunPhaseSchema,
  type AgentRole,
  type AnalystKind,
  type RunPhase,
} from './schemas/roles.js';
export { FLAT_POSITION, PositionSchema, type Position } from './schemas/position.js';
export {
  IsoDateSchema,
  PROVIDER_NAMES,
  ProviderNameSchema,
  RunConfigSchema,
  RunOptionsSchema,
  type IsoDate,
  type ProviderName,
  type RunConfig,
  type RunConfigInput,
  type RunOptions,
  type RunOptionsInput,
} from './schemas/run-config.js';
export {
  DATA_KINDS,
  DATA_VENDOR_NAMES,
  parseDataVendorSpec,
  type DataKind,
  type DataVendorName,
  type DataVendorPlan,
} from './schemas/data-vendors.js';
export { isActiveStatus, isTerminalStatus, RUN_STATUSES, RunStatusSchema, TERMINAL_STATUSES, type RunStatus } from './schemas/run-status.js';
export {
  ExecutionTreeSchema,
  NODE_STATUSES,
  NODE_TYPES,
  NodeStatusSchema,
  NodeTypeSchema,
  TreeNodeFieldsSchema,
  TreeNodeSchema,
  type ExecutionTree,
  type NodeStatus,
  type NodeType,
  type TreeNode,
  type TreeNodeFields,
} from './schemas/tree.js';
export {
  ACTIONS,
  ActionSchema,
  DECISION_VERSION,
  DecisionSchema,
  POSITION_ACTIONS,
  PositionActionSchema,
  RATINGS,
  RatingSchema,
  RiskMetricsSchema,
  type Action,
  type Decision,
  type PositionAction,
  type Rating,
  type RiskMetrics,
} from './schemas/decision.js';
export { LogEntrySchema, SEVERITIES, SeveritySchema, severityRank, type LogEntry, type Severity } from './schemas/log-entry.js';
export { EMPTY_USAGE, RunUsageSchema, UsageSchema, type RunUsage, type Usage } from './schemas/usage.js';
export { RunSummarySchema, type RunSummary } from './schemas/run-summary.js';
export {
  InspectionRecordSchema,
  MachineStateValueSchema,
  type InspectionRecord,
  type MachineStateValue,
} from './schemas/inspection.js';
export {
  CHART_SERIES,
  ChartDataSchema,
  type ChartData,
  ConcurrencyMetricsSchema,
  ErrorBodySchema,
  InspectQuerySchema,
  InspectResponseSchema,
  MachineDefinitionSchema,
  MachineStateNodeSchema,
  MachineTransitionSchema,
  ResumeResponseSchema,
  type InspectQuery,
  type InspectResponse,
  type MachineDefinition,
  type MachineStateNode,
  type MachineTransition,
  type ResumeResponse,
  LimiterLayerSchema,
  LogsQuerySchema,
  LogsResponseSchema,
  PhaseMetricsSchema,
  ProviderInfoSchema,
  DataVendorInfoSchema,
  type DataVendorInfoBody,
  ProvidersResponseSchema,
  RunListQuerySchema,
  RunListResponseSchema,
  StartRunsBodySchema,
  StartRunsResponseSchema,
  type ConcurrencyMetrics,
  type ErrorBody,
  type LimiterLayer,
  type LogsQuery,
  type LogsResponse,
  type PhaseMetrics,
  type ProvidersResponse,
  type RunListResponse,
  type StartRunsBody,
  type StartRunsResponse,
} from './protocol/rest.js';
export {
  ChangedNodeSchema,
  ClientMessageSchema,
  ContentPatchSchema,
  ServerMessageSchema,
  type ChangedNode,
  type ClientMessage,
  type ContentPatch,
  type ServerMessage,
  type ServerMessageOf,
} from './protocol/ws.js';
export {
  ConfigError,
  ConflictError,
  DataUnavailableError,
  ForbiddenError,
  NotFoundError,
  ProviderError,
  RunCanceledError,
  TooManyRunsError,
  TradingFloorError,
  UnauthorizedError,
  ValidationError,
} from './errors.js';
export { applyContentPatches, applyStatusPatch, findNode } from './protocol/apply-patches.js';

// Small pure helpers both sides use
export { deferred, type Deferred } from './util/deferred.js';
export { errorMessage } from './util/error-message.js';
