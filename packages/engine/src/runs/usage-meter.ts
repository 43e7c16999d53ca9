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

/** A `Map` of usage records from a stored record object (own keys only: a model may be named `__proto__`). */
function mapOf(byKey: Record<string, Usage> | undefined): Map<string, Usage> {
  return new Map(Object.entries(byKey ?? {}).map(([key, usage]) => [key, { ...usage }]));
}

/**
 * A null-prototype copy of usage records: model names and agent ids come from outside (a provider may
 * answer `"model": "__proto__"`), so they must land as own keys, never as the object's prototype.
 */
function recordOf(byKey: Map<string, Usage>): Record<string, Usage> {
  const out = Object.create(null) as Record<string, Usage>;
  for (const [key, usage] of byKey) out[key] = { ...usage };
  return out;
}

/** Counts a run's token usage and cost, in total, per agent node id and per model. */
export class UsageMeter {
  private readonly sum: Usage;
  // Maps, not objects: the keys are names from outside (model names, agent ids).
  private readonly byAgent: Map<string, Usage>;
  private readonly byModel: Map<string, Usage>;
  /** `priceOf` by model name, looked up once per model (a run asks for the same one or two models every call). */
  private readonly prices = new Map<string, { input: number; output: number } | null>();
  /** The last `snapshot()`, until the next call is recorded (each one is asked for by the host and the checkpoint). */
  private shot: RunUsage | null = null;

  /** `initial`: the usage counted before (a resumed run keeps counting from it). */
  constructor(
    private readonly priceOf: PriceOf = () => null,
    initial?: RunUsage,
  ) {
    this.sum = initial ? { ...initial.total } : zero();
    this.byAgent = mapOf(initial?.by_agent);
    this.byModel = mapOf(initial?.by_model);
  }

  /** Records one model answer. */
  record(agentId: string, model: string, tokens: TokenUsage): void {
    let price = this.prices.get(model);
    if (price === undefined) this.prices.set(model, (price = this.priceOf(model)));
    const cost = price ? (tokens.input_tokens * price.input + tokens.output_tokens * price.output) / 1_000_000 : null;
    add(this.sum, tokens, cost);
    add(entryOf(this.byAgent, agentId), tokens, cost);
    add(entryOf(this.byModel, model), tokens, cost);
    this.shot = null;
  }

  /** The run's total so far (the board's tokens and cost), live: read it, do not keep or mutate it. */
  total(): Readonly<Usage> {
    return this.sum;
  }

  /**
   * A copy of the usage so far, the same object until the next call is recorded: shared, so never mutate it.
   */
  snapshot(): RunUsage {
    // A plain copy of the flat records (much cheaper than structuredClone), made once per recorded call.
    return (this.shot ??= { total: { ...this.sum }, by_agent: recordOf(this.byAgent), by_model: recordOf(this.byModel) });
  }
}

function entryOf(byKey: Map<string, Usage>, key: string): Usage {
  let usage = byKey.get(key);
  if (!usage) byKey.set(key, (usage = zero()));
  return usage;
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
