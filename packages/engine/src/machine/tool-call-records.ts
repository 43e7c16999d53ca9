import { TOOL_ARGS_MAX_CHARS, TOOL_CALLS_MAX_PER_AGENT, TOOL_SUMMARY_MAX_CHARS, type NodeStatus } from '@tradingfloor/shared';

/**
 * One data tool call of an agent, as kept in the run context (and so in `state.json`): small on purpose —
 * a truncated argument string and a one-line summary, never the answer itself.
 */
interface ToolCallRecord {
  name: string;
  /** The arguments as JSON, at most `TOOL_ARGS_MAX_CHARS`. */
  args: string;
  status: Extract<NodeStatus, 'in_progress' | 'completed' | 'error' | 'canceled'>;
  /** Epoch ms from the run's injected clock. */
  started_at: number;
  ended_at: number | null;
  /** One line about the answer (set when the call ended without an error). */
  summary: string | null;
  /** The vendor(s) that served it, e.g. `csv` or `yahoo+alphavantage`; null when no vendor was asked. */
  vendor: string | null;
  /** Why it failed: the tool's `DATA UNAVAILABLE` / `INVALID ARGUMENTS` answer, or the fault it threw. */
  error: string | null;
}

/** An agent's tool calls: the first `TOOL_CALLS_MAX_PER_AGENT`, and how many more were made but not kept. */
export interface AgentToolCalls {
  calls: ToolCallRecord[];
  omitted: number;
}

type Records = Record<string, AgentToolCalls>;

/** How a tool call ended, as the tool loop reports it. */
export interface ToolCallOutcome {
  summary: string | null;
  vendor: string | null;
  error: string | null;
}

/** A tool call's start or end, as an agent's tool loop reports it, timed by the run's clock when it happened. */
export type ToolCallChange =
  | { agentId: string; at: number; started: { name: string; args: string } }
  | { agentId: string; at: number; ended: ToolCallOutcome };

/** Records `changes` in order (see `startToolCall` and `endToolCall`). */
export function applyToolCallChanges(records: Records, changes: readonly ToolCallChange[]): Records {
  let next = records;
  for (const change of changes) {
    next =
      'started' in change
        ? startToolCall(next, change.agentId, change.started.name, change.started.args, change.at)
        : endToolCall(next, change.agentId, change.ended, change.at);
  }
  return next;
}

/** Cuts a text to one line of at most `max` characters. */
function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/**
 * Records the start of a call. An agent makes its calls one at a time, so a call of it still open is from an
 * attempt that was stopped (a resumed run redoes the step): it is closed as `canceled`. Beyond the cap the
 * call is only counted.
 */
export function startToolCall(records: Records, agentId: string, name: string, args: string, at: number): Records {
  const was = records[agentId] ?? { calls: [], omitted: 0 };
  const calls = was.calls.map((c) => (c.status === 'in_progress' ? { ...c, status: 'canceled' as const, ended_at: at } : c));
  if (calls.length >= TOOL_CALLS_MAX_PER_AGENT) return { ...records, [agentId]: { calls, omitted: was.omitted + 1 } };
  const call: ToolCallRecord = {
    name: oneLine(name, 64),
    args: oneLine(args, TOOL_ARGS_MAX_CHARS),
    status: 'in_progress',
    started_at: at,
    ended_at: null,
    summary: null,
    vendor: null,
    error: null,
  };
  return { ...records, [agentId]: { calls: [...calls, call], omitted: was.omitted } };
}

/** Records the end of the agent's open call; nothing when it has none (the call was only counted). */
export function endToolCall(records: Records, agentId: string, outcome: ToolCallOutcome, at: number): Records {
  const was = records[agentId];
  const last = was?.calls.at(-1);
  if (!was || last?.status !== 'in_progress') return records;
  const ended: ToolCallRecord = {
    ...last,
    status: outcome.error === null ? 'completed' : 'error',
    ended_at: at,
    summary: outcome.summary === null ? null : oneLine(outcome.summary, TOOL_SUMMARY_MAX_CHARS),
    vendor: outcome.vendor === null ? null : oneLine(outcome.vendor, 64),
    error: outcome.error === null ? null : oneLine(outcome.error, TOOL_SUMMARY_MAX_CHARS),
  };
  return { ...records, [agentId]: { calls: [...was.calls.slice(0, -1), ended], omitted: was.omitted } };
}

/** Closes every open call when the run stops: `canceled` (a failed step records its own call's error first). */
export function settleToolCalls(records: Records | undefined, at: number): Records | undefined {
  if (!records) return records;
  let next: Records | undefined;
  for (const [agentId, entry] of Object.entries(records)) {
    if (!entry.calls.some((c) => c.status === 'in_progress')) continue;
    next ??= { ...records };
    next[agentId] = {
      ...entry,
      calls: entry.calls.map((c) => (c.status === 'in_progress' ? { ...c, status: 'canceled', ended_at: at } : c)),
    };
  }
  return next ?? records;
}
