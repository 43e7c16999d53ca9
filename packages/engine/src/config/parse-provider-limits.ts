import { ConfigError, PROVIDER_NAMES } from '@tradingfloor/shared';

/**
 * Parses `LLM_PROVIDER_LIMITS`, e.g. `openai:6,anthropic:3,openai:gpt-4o:2`, into a map from layer key
 * (`openai`, `openai:gpt-4o`) to its limit. The last `:` separates the limit, so a model name may itself
 * contain colons (`ollama`-style tags such as `openai:llama3.1:8b:2` → key `openai:llama3.1:8b`).
 * Whitespace around entries is ignored, empty entries are skipped. Throws `ConfigError` naming the first
 * bad entry: a missing or non-integer limit, a limit below 1, an unknown provider, an empty model, a
 * repeated key.
 */
export function parseProviderLimits(raw: string | undefined): Map<string, number> {
  const limits = new Map<string, number>();
  if (raw === undefined || raw.trim() === '') return limits;
  for (const part of raw.split(',')) {
    const entry = part.trim();
    if (entry === '') continue;
    const bad = (why: string) =>
      new ConfigError(
        `LLM_PROVIDER_LIMITS: bad entry "${entry}": ${why} (expected provider:limit or provider:model:limit, e.g. openai:6,openai:gpt-4o:2)`,
      );
    const cut = entry.lastIndexOf(':');
    if (cut < 0) throw bad('no limit given');
    const key = entry.slice(0, cut).trim();
    const limitText = entry.slice(cut + 1).trim();
    if (!/^\d+$/.test(limitText)) throw bad(`limit "${limitText}" is not a whole number`);
    const limit = Number(limitText);
    if (limit < 1) throw bad('limit must be at least 1');
    const provider = key.split(':', 1)[0]!.trim();
    if (provider === '') throw bad('provider name is empty');
    // A typo such as "opnai:6" would otherwise be a limit that silently never applies.
    if (!(PROVIDER_NAMES as readonly string[]).includes(provider))
      throw bad(`unknown provider "${provider}" (known: ${PROVIDER_NAMES.join(', ')})`);
    const model = key.slice(provider.length + 1).trim();
    if (key.includes(':') && model === '') throw bad('model name is empty');
    const normalised = model === '' ? provider : `${provider}:${model}`;
    if (limits.has(normalised)) throw bad(`"${normalised}" is given more than once`);
    limits.set(normalised, limit);
  }
  return limits;
}

/** Parses `LLM_MAX_CONCURRENCY`: unset or empty = unlimited (null); otherwise a whole number ≥ 1. */
export function parseGlobalLimit(raw: string | undefined): number | null {
  if (raw === undefined || raw.trim() === '') return null;
  const text = raw.trim();
  if (!/^\d+$/.test(text) || Number(text) < 1) {
    throw new ConfigError(`LLM_MAX_CONCURRENCY must be a whole number of at least 1 (or unset for unlimited), got "${raw}"`);
  }
  return Number(text);
}
