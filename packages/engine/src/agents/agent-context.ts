import type { AgentRole, Position, RunConfig } from '@tradingfloor/shared';
import type { DataTool } from '../data/data-tool.js';
import type { InstrumentContext } from '../data/vendor.js';
import type { LogSink } from '../logs/log-sink.js';
import type { LlmProvider } from '../providers/provider.js';

/**
 * Everything an agent step needs. The provider it gets is already wrapped with the limiter, retries and
 * usage accounting; the agent only builds messages, runs its tool loop and returns its text.
 */
export interface AgentContext {
  runId: string;
  config: RunConfig;
  instrument: InstrumentContext;
  position: Position;
  provider: LlmProvider;
  /** Model names per tier, resolved from the config. */
  models: { quick: string; deep: string };
  /** Tools this agent may call (analysts only; empty for the others). */
  tools: DataTool[];
  /** Model turns with tools an analyst gets (`LLM_MAX_TOOL_TURNS`); absent = `DEFAULT_MAX_TOOL_ROUNDS`. */
  maxToolTurns?: number;
  signal: AbortSignal;
  log: LogSink;
  /** Node id of this agent in the execution tree, e.g. `analysts.market`; also the log `agent_id`. */
  agentId: string;
  role: AgentRole;
  /** Appends a line to the agent's `messages` node (model turns and tool calls, as a person would read them). */
  appendMessage(text: string): void;
  /** Reports each tool call's start and end, for the agent's `tool_call` nodes (absent: not recorded). */
  toolCalls?: ToolCallReporter;
}

/** Where the tool loop reports its calls (the run turns them into `tool_call` tree nodes). */
export interface ToolCallReporter {
  started(name: string, args: string): void;
  ended(outcome: { summary: string | null; vendor: string | null; error: string | null }): void;
}

/** What an agent returns: its report / argument / plan text. */
export interface AgentResult {
  text: string;
}

/** Analyst reports of a run, by analyst kind (only the selected analysts have one). */
export type Reports = Partial<Record<import('@tradingfloor/shared').AnalystKind, string>>;

/** One turn of a debate (research: bull/bear; risk: aggressive/conservative/neutral). */
export interface DebateTurn {
  speaker: AgentRole;
  /** 1-based round number. */
  round: number;
  text: string;
}
