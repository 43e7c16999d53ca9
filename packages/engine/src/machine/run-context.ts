import type { AgentRole, AnalystKind, Decision, NodeStatus, RunConfig } from '@tradingfloor/shared';
import type { DebateTurn, Reports } from '../agents/agent-context.js';
import type { AgentToolCalls, ToolCallChange } from './tool-call-records.js';

/** Timing and outcome of one tree node (phase or agent), keyed by node id in the run context. */
export interface NodeRecord {
  status: NodeStatus;
  /** Epoch ms from the run's injected clock. */
  started_at: number | null;
  ended_at: number | null;
}

/**
 * Everything a run has produced so far. Plain JSON on purpose: it is persisted with the actor snapshot in
 * `state.json`, derived into the execution tree, and a later resume restores it as is.
 */
export interface RunContext {
  config: RunConfig;
  /** Set by a graceful `CANCEL`; every phase boundary checks it (the seed's cooperative checkpoints). */
  cancelRequested: boolean;
  reports: Reports;
  /** 1-based number of the research debate round in progress (0 before the debate). */
  researchRound: number;
  researchDebate: DebateTurn[];
  investmentPlan: string | null;
  traderPlan: string | null;
  riskRound: number;
  riskDebate: DebateTurn[];
  /** The portfolio manager's text, from which the decision is parsed. */
  finalText: string | null;
  decision: Decision | null;
  error: string | null;
  /** Node id of the step that failed, when one did. */
  errorNode: string | null;
  nodes: Record<string, NodeRecord>;
  /**
   * Each agent's data tool calls, by agent node id (bounded, see `tool-call-records.ts`). Absent in a
   * `state.json` saved before tool calls were recorded; such runs show no tool-call nodes.
   */
  toolCalls?: Record<string, AgentToolCalls>;
}

/** What a run actor is created with. */
export interface RunMachineInput {
  config: RunConfig;
}

/**
 * Events a run accepts. `START` leaves `pending`. `CANCEL` stops the run at once (invoked steps are stopped
 * and their signals abort); with `graceful: true` it only raises the cancel flag, so the step in flight
 * finishes and the run stops at the next phase or turn boundary. `TOOL_CALLS` brings the starts and ends of
 * data tool calls made since the previous one (in order, each timed when it happened): the run sends them
 * once per turn of its event loop, and before a step ends.
 */
export type RunMachineEvent =
  | { type: 'START' }
  | { type: 'CANCEL'; graceful?: boolean }
  | { type: 'TOOL_CALLS'; changes: ToolCallChange[] };

/** Input of an analyst step. */
export interface AnalystStepInput {
  kind: AnalystKind;
  agentId: string;
}
/** Input of a bull/bear turn. */
export interface ResearcherStepInput {
  side: 'bull' | 'bear';
  agentId: string;
  round: number;
  reports: Reports;
  debate: DebateTurn[];
}
export interface ResearchManagerStepInput {
  agentId: string;
  reports: Reports;
  debate: DebateTurn[];
}
export interface TraderStepInput {
  agentId: string;
  reports: Reports;
  investmentPlan: string;
}
/** Input of an aggressive/conservative/neutral turn. */
export interface RiskStepInput {
  stance: 'aggressive' | 'conservative' | 'neutral';
  agentId: string;
  round: number;
  reports: Reports;
  traderPlan: string;
  debate: DebateTurn[];
}
export interface PortfolioManagerStepInput {
  agentId: string;
  reports: Reports;
  investmentPlan: string;
  traderPlan: string;
  riskDebate: DebateTurn[];
}
/** Input of the final decision extraction. */
export interface DecisionStepInput {
  text: string;
}

/** Speaker role of each debate side / stance, for the turns stored in context. */
export const SPEAKER: Record<ResearcherStepInput['side'] | RiskStepInput['stance'], AgentRole> = {
  bull: 'bull_researcher',
  bear: 'bear_researcher',
  aggressive: 'aggressive_analyst',
  conservative: 'conservative_analyst',
  neutral: 'neutral_analyst',
};

/** The context a run starts with. */
export function initialRunContext(config: RunConfig): RunContext {
  return {
    config,
    cancelRequested: false,
    reports: {},
    researchRound: 0,
    researchDebate: [],
    investmentPlan: null,
    traderPlan: null,
    riskRound: 0,
    riskDebate: [],
    finalText: null,
    decision: null,
    error: null,
    errorNode: null,
    nodes: {},
    toolCalls: {},
  };
}
