import {
  ANALYST_KINDS,
  ANALYST_ROLE,
  PHASE_LABELS,
  ROLE_LABELS,
  RUN_PHASES,
  type AgentRole,
  type AnalystKind,
  type RunPhase,
} from '@tradingfloor/shared';

/** One agent of the execution tree: its stable node id, its role and the phase it belongs to. */
export interface AgentSlot {
  /** Dotted node id, also the agent's log `agent_id` and its key in usage `by_agent`. */
  id: string;
  role: AgentRole;
  phase: RunPhase;
  name: string;
}

const slot = (phase: RunPhase, key: string, role: AgentRole): AgentSlot => ({
  id: `${phase}.${key}`,
  role,
  phase,
  name: ROLE_LABELS[role],
});

/** Agent node id of each analyst kind, e.g. `analysts.market`. */
export const ANALYST_NODE: Record<AnalystKind, string> = {
  market: 'analysts.market',
  social: 'analysts.social',
  news: 'analysts.news',
  fundamentals: 'analysts.fundamentals',
};

/** Agent node ids of every non-analyst step, named so that the machine and the tree agree. */
export const AGENT_NODE = {
  bull: 'research_debate.bull',
  bear: 'research_debate.bear',
  researchManager: 'research_manager.manager',
  trader: 'trader.trader',
  aggressive: 'risk_debate.aggressive',
  conservative: 'risk_debate.conservative',
  neutral: 'risk_debate.neutral',
  portfolioManager: 'portfolio_manager.manager',
} as const;

/**
 * The fixed shape of every run's tree: phases in pipeline order and their agents. Unselected analysts stay
 * in the tree (as `skipped`) so that the shape never depends on the config and patches only update nodes.
 */
export const TREE_LAYOUT: ReadonlyArray<{ phase: RunPhase; name: string; agents: AgentSlot[] }> = RUN_PHASES.map((phase) => ({
  phase,
  name: PHASE_LABELS[phase],
  agents: agentsOf(phase),
}));

function agentsOf(phase: RunPhase): AgentSlot[] {
  switch (phase) {
    case 'analysts':
      return ANALYST_KINDS.map((kind) => slot(phase, kind, ANALYST_ROLE[kind]));
    case 'research_debate':
      return [slot(phase, 'bull', 'bull_researcher'), slot(phase, 'bear', 'bear_researcher')];
    case 'research_manager':
      return [slot(phase, 'manager', 'research_manager')];
    case 'trader':
      return [slot(phase, 'trader', 'trader')];
    case 'risk_debate':
      return [
        slot(phase, 'aggressive', 'aggressive_analyst'),
        slot(phase, 'conservative', 'conservative_analyst'),
        slot(phase, 'neutral', 'neutral_analyst'),
      ];
    case 'portfolio_manager':
      return [slot(phase, 'manager', 'portfolio_manager')];
  }
}

/** Every agent slot in pipeline order. */
const AGENT_SLOTS: readonly AgentSlot[] = TREE_LAYOUT.flatMap((p) => p.agents);

/** The slot of an agent node id, or undefined. */
export function agentSlot(agentId: string): AgentSlot | undefined {
  return AGENT_SLOTS.find((s) => s.id === agentId);
}

/** Node id of an agent's report child. */
export const reportNodeId = (agentId: string): string => `${agentId}.report`;
/** Node id of an agent's messages child (model turns and tool calls). */
export const messagesNodeId = (agentId: string): string => `${agentId}.messages`;
/** Node id of an agent's `n`th (1-based) tool call, e.g. `analysts.market.tools.3`. */
export const toolCallNodeId = (agentId: string, n: number): string => `${agentId}.tools.${n}`;
