import type { Decision, ExecutionTree, LogEntry, NodeStatus, NodeType, TreeNode } from '@tradingfloor/shared';

export const RUN_ID = 'ACME--2025-01-31_10.00.00--a1b2c3';

export function node(id: string, nodeType: NodeType, children: TreeNode[] = [], status: NodeStatus = 'pending'): TreeNode {
  return { id, name: id.split('.').at(-1)!, node_type: nodeType, status, started_at: null, ended_at: null, duration_ms: null, children };
}

/** A small run tree: the analysts phase with the market analyst and its report/messages, and a trader phase. */
export function smallTree(): ExecutionTree {
  return [
    node('analysts', 'phase', [
      node('analysts.market', 'agent', [node('analysts.market.report', 'report'), node('analysts.market.messages', 'messages')]),
    ]),
    node('trader', 'phase', [node('trader.trader', 'agent', [node('trader.trader.report', 'report')])]),
  ];
}

export function initRun(fields: Partial<Record<string, unknown>> = {}) {
  return {
    type: 'init_run',
    run_id: RUN_ID,
    ticker: 'ACME',
    status: 'in_progress',
    overall_progress: 0,
    execution_tree: smallTree(),
    contents: {},
    seq: 0,
    content_seq: 0,
    log_seq: 0,
    ...fields,
  };
}

export function logEntry(seq: number, fields: Partial<LogEntry> = {}): LogEntry {
  return {
    seq,
    ts: 1_700_000_000_000 + seq,
    iso: new Date(1_700_000_000_000 + seq).toISOString(),
    severity: 'INFO',
    source: 'agent',
    agent_id: 'market_analyst',
    message: `line ${seq}`,
    ...fields,
  };
}

export const DECISION: Decision = {
  version: 1,
  ticker: 'ACME',
  trade_date: '2025-01-31',
  rating: 'Buy',
  action: 'BUY',
  position_action: 'open_long',
  summary: 'Trend and momentum agree.',
  confidence: 0.72,
  confidence_basis: 'stated by the model',
  rationale: ['Price above SMA 200', 'RSI 58'],
  risk_metrics: { entry_price: 100, stop_loss: 94, take_profit: 112, reward_risk: 2 },
  notes: [],
  raw_text: '**BUY** ACME',
};
