import type { RunUsage, Usage } from '@tradingfloor/shared';
import type { ChatRequest, LlmProvider, TokenUsage } from '../providers/provider.js';

/** USD per million tokens, or null when unknown. */
export type PriceOf = (model: string) => { input: number; output: number } | null;

const zero = (): Usage => ({ calls: 0, input_tokens: 0, output_tokens: 0, cost_usd: 0 });

/** Adds one call to a usage record; an unknown cost makes the sum unknown (null), never wrongly low. */
function add(into: Usage, tokens: TokenUsage, cost: number | null): void {
  into.calls += 1;
  into.input_tokens += tokens.input_tokens;
  into.output_tokens += tokens.output_tokens;
  into.cost_usd = into.cost_usd === null || cost === null ? null : into.cost_usd + cost;
}

/** Counts a run's token usage and cost, in total, per agent node id and per model. */
export class UsageMeter {
  private readonly usage: RunUsage;

  /** `initial`: the usage counted before (a resumed run keeps counting from it). */
  constructor(
    private readonly priceOf: PriceOf = () => null,
    initial?: RunUsage,
  ) {
    this.usage = initial ? structuredClone(initial) : { total: zero(), by_agent: {}, by_model: {} };
  }

  /** Records one model answer. */
  record(agentId: string, model: string, tokens: TokenUsage): void {
    const price = this.priceOf(model);
    const cost = price ? (tokens.input_tokens * price.input + tokens.output_tokens * price.output) / 1_000_000 : null;
    add(this.usage.total, tokens, cost);
    add((this.usage.by_agent[agentId] ??= zero()), tokens, cost);
    add((this.usage.by_model[model] ??= zero()), tokens, cost);
  }

  /** A copy of the run's total so far (the board's tokens and cost). */
  total(): Usage {
    return { ...this.usage.total };
  }

  /** A copy of the usage so far. */
  snapshot(): RunUsage {
    // Called at every checkpoint and view: a plain copy of the flat records, much cheaper than structuredClone.
    const copy = (byKey: Record<string, Usage>) => {
      const out: Record<string, Usage> = {};
      for (const key of Object.keys(byKey)) out[key] = { ...byKey[key]! };
      return out;
    };
    return { total: { ...this.usage.total }, by_agent: copy(this.usage.by_agent), by_model: copy(this.usage.by_model) };
  }
}

/** Wraps a provider so that every answer it returns is recorded in `meter` under the asking agent. */
export function meteredProvider(inner: LlmProvider, meter: UsageMeter, onRecord: () => void = () => {}): LlmProvider {
  return {
    name: inner.name,
    label: inner.label,
    async chat(request: ChatRequest, signal: AbortSignal) {
      const response = await inner.chat(request, signal);
      meter.record(request.meta.agentId, response.model || request.model, response.usage);
      onRecord();
      return response;
    },
  };
}
