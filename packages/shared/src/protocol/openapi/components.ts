import type { z } from 'zod';
import { BacktestCellSchema, BacktestSummarySchema, EquityRowSchema, TradeRowSchema } from '../../schemas/backtest.js';
import { DecisionSchema } from '../../schemas/decision.js';
import { InspectionRecordSchema, MachineStateValueSchema } from '../../schemas/inspection.js';
import { LessonSchema } from '../../schemas/lesson.js';
import { LogEntrySchema } from '../../schemas/log-entry.js';
import { RunStatusSchema } from '../../schemas/run-status.js';
import { RunSummarySchema } from '../../schemas/run-summary.js';
import { TreeNodeSchema } from '../../schemas/tree.js';
import { ErrorBodySchema, MachineStateNodeSchema } from '../rest.js';
import { RunListResponseSchema, RunPageResponseSchema } from '../run-query.js';

/**
 * The response parts the document names as components, so that they are written once and referenced (`$ref`)
 * wherever they appear, and a generated client gets one type for each. The recursive ones (tree nodes,
 * statechart nodes and values) must be here: a cycle can only be written as a reference to a component.
 * Every route's whole response is named too (`<RouteName>Response`), unless it is one of these.
 */
export const NAMED_RESPONSE_PARTS: ReadonlyArray<readonly [string, z.ZodType]> = [
  ['ErrorBody', ErrorBodySchema],
  ['RunStatus', RunStatusSchema],
  ['RunSummary', RunSummarySchema],
  ['RunListResponse', RunListResponseSchema],
  ['RunPageResponse', RunPageResponseSchema],
  ['Decision', DecisionSchema],
  ['TreeNode', TreeNodeSchema],
  ['LogEntry', LogEntrySchema],
  ['Lesson', LessonSchema],
  ['InspectionRecord', InspectionRecordSchema],
  ['MachineStateValue', MachineStateValueSchema],
  ['MachineStateNode', MachineStateNodeSchema],
  ['BacktestSummary', BacktestSummarySchema],
  ['BacktestCell', BacktestCellSchema],
  ['EquityRow', EquityRowSchema],
  ['TradeRow', TradeRowSchema],
];

/** The shared `{ "error": message }` answer of each error status, with what causes it. */
export const ERROR_RESPONSES: Readonly<Record<number, { name: string; description: string }>> = {
  400: {
    name: 'BadRequest',
    description:
      'Invalid input: a malformed path parameter, an unknown or bad query or body field, a ticker the data does not have. The message names every problem (the first ten and a count).',
  },
  401: { name: 'Unauthorized', description: 'The server has an API token (`TRADINGFLOOR_TOKEN`) and the request did not carry it.' },
  403: {
    name: 'Forbidden',
    description:
      'A `Host` that does not name this server (DNS rebinding guard on a loopback server), or a state-changing request from a foreign `Origin`.',
  },
  404: {
    name: 'NotFound',
    description: 'No such run or backtest, or it has nothing of this kind yet (e.g. no decision before the run ends).',
  },
  409: {
    name: 'Conflict',
    description:
      'The request conflicts with the current state, e.g. canceling a run that already ended or resuming one that is not interrupted.',
  },
  413: { name: 'PayloadTooLarge', description: 'The body is larger than `BODY_LIMIT`.' },
  429: { name: 'TooManyRuns', description: '`MAX_PARALLEL_RUNS` runs are already active.' },
  503: {
    name: 'ShuttingDown',
    description: 'The server is shutting down and starts nothing new; on `GET /healthz` of a queue-mode server: Redis does not answer.',
  },
};
