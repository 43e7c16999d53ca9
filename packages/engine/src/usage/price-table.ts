import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ConfigError, errorMessage } from '@tradingfloor/shared';
import type { TokenUsage } from '../providers/provider.js';

/** USD per million tokens. */
interface ModelPrice {
  input: number;
  output: number;
}

/** Prices of known models; unknown models (offline, local servers) have none and are counted in tokens only. */
export interface PriceTable {
  /** The file the prices came from. */
  readonly source: string;
  priceOf(model: string): ModelPrice | null;
  /** Cost in USD of one call's (or many calls') tokens; null when the model's price is unknown. */
  costOf(model: string, usage: TokenUsage): number | null;
}

/**
 * The editable default: `prices.json` beside this module. When running the build from `dist/`, tsc has
 * not copied the JSON there, so the file is read from the package's `src/` instead.
 */
function defaultPricesFile(): string {
  const candidates = [new URL('./prices.json', import.meta.url), new URL('../../src/usage/prices.json', import.meta.url)];
  const found = candidates.map((u) => fileURLToPath(u)).find((p) => existsSync(p));
  if (found === undefined) throw new ConfigError(`price table not found next to ${fileURLToPath(import.meta.url)} (set LLM_PRICES_FILE)`);
  return found;
}

/**
 * Loads a price file: `{ "models": { "<name>": { "input": 2.5, "output": 10 } }, "aliases": { "<name>": "<name>" } }`.
 * Throws `ConfigError` naming the file and the bad entry when it cannot be read or has the wrong shape.
 */
export function loadPriceTable(file: string = defaultPricesFile()): PriceTable {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConfigError(`cannot read price table ${file}: ${errorMessage(err)}`);
  }
  const root = isRecord(parsed) ? parsed : null;
  if (root === null || !isRecord(root.models)) throw new ConfigError(`price table ${file} must be an object with a "models" object`);
  const prices = new Map<string, ModelPrice>();
  for (const [name, value] of Object.entries(root.models)) {
    if (!isRecord(value) || !isPrice(value.input) || !isPrice(value.output)) {
      throw new ConfigError(
        `price table ${file}: model "${name}" needs non-negative numbers "input" and "output" (USD per million tokens)`,
      );
    }
    prices.set(name.toLowerCase(), { input: value.input, output: value.output });
  }
  const aliases = new Map<string, string>();
  if (root.aliases !== undefined) {
    if (!isRecord(root.aliases)) throw new ConfigError(`price table ${file}: "aliases" must be an object of name → model`);
    for (const [alias, target] of Object.entries(root.aliases)) {
      if (typeof target !== 'string' || !prices.has(target.toLowerCase())) {
        throw new ConfigError(`price table ${file}: alias "${alias}" must name a model listed under "models"`);
      }
      aliases.set(alias.toLowerCase(), target.toLowerCase());
    }
  }

  const lookup = (name: string) => prices.get(name) ?? prices.get(aliases.get(name) ?? '');
  const priceOf = (model: string): ModelPrice | null => {
    for (const candidate of nameCandidates(model)) {
      const price = lookup(candidate);
      if (price) return { ...price };
    }
    return null;
  };
  return {
    source: file,
    priceOf,
    costOf(model, usage) {
      const price = priceOf(model);
      if (!price) return null;
      return (usage.input_tokens * price.input + usage.output_tokens * price.output) / 1_000_000;
    },
  };
}

/**
 * Names to try, most specific first: as given; without a router prefix (`openai/gpt-4o`); without a date
 * or `-latest` suffix (`gpt-4o-2024-08-06`, `claude-sonnet-4-5-20250929`).
 */
function nameCandidates(model: string): string[] {
  const names = [model.trim().toLowerCase()];
  const bare = names[0]!.includes('/') ? names[0]!.slice(names[0]!.lastIndexOf('/') + 1) : names[0]!;
  names.push(bare);
  names.push(bare.replace(/-(\d{4}-\d{2}-\d{2}|\d{8}|latest)$/, ''));
  return [...new Set(names)];
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isPrice(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0;
}
