/** One request the fake LLM server received, as the benchmarks read it. */
export interface LlmCallRecord {
  seq: number;
  /** Epoch ms of arrival at the fake server. */
  receivedAt: number;
  /** The first words of the system prompt: names the agent that called. */
  caller: string;
  /** Tools offered (only analysts are offered tools). */
  tools: number;
  toolResults: number;
}

/** Reduces a request the fake server recorded to what the benchmarks need. */
export function toCallRecord(req: { seq: number; receivedAt: number; system: string; tools: readonly unknown[]; toolResults: number }): LlmCallRecord {
  return {
    seq: req.seq,
    receivedAt: req.receivedAt,
    caller: req.system.slice(0, 60).replace(/\s+/g, ' '),
    tools: req.tools.length,
    toolResults: req.toolResults,
  };
}

/** The LLM calls of one run on its critical path. */
export interface CriticalPath {
  /** Calls on the critical path: the longest analyst chain plus every call after the analysts. */
  calls: number;
  /** Calls of the analyst with the most calls (its tool loop runs one call after the other). */
  longestAnalystChain: number;
  /** Calls of the agents that run one after another once the analysts are done. */
  sequentialCalls: number;
  /** Every call of the run. */
  total: number;
}

/**
 * Counts one run's critical-path calls from what the fake server received. Analysts (the only callers
 * offered tools) run in parallel, each a chain of calls; every other agent waits for the one before it.
 * So the critical path is the longest analyst chain plus all non-analyst calls.
 */
export function criticalPathOf(calls: readonly LlmCallRecord[]): CriticalPath {
  const chains = new Map<string, number>();
  let sequentialCalls = 0;
  for (const call of calls) {
    if (call.tools > 0) chains.set(call.caller, (chains.get(call.caller) ?? 0) + 1);
    else sequentialCalls++;
  }
  const longestAnalystChain = Math.max(0, ...chains.values());
  return { calls: longestAnalystChain + sequentialCalls, longestAnalystChain, sequentialCalls, total: calls.length };
}

/**
 * LLM calls per second while the limiter was saturated: calls that arrived between the first arrival and
 * the last moment the batch still had `limit` calls' worth of work queued. Measured from arrivals at the
 * server, so the drain at the end (fewer runs left than permits) does not count against the limiter.
 */
export function saturatedThroughput(calls: readonly LlmCallRecord[], limit: number): { perSecond: number; windowMs: number; calls: number } {
  const arrivals = calls.map((c) => c.receivedAt).sort((a, b) => a - b);
  if (arrivals.length <= limit) return { perSecond: 0, windowMs: 0, calls: arrivals.length };
  // The last `limit` arrivals start the drain: with nothing queued behind them, they are the tail.
  const first = arrivals[0]!;
  const end = arrivals[arrivals.length - limit]!;
  const inWindow = arrivals.length - limit;
  const windowMs = end - first;
  return { perSecond: windowMs > 0 ? (inWindow * 1000) / windowMs : 0, windowMs, calls: inWindow };
}
