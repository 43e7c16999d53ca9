import { z } from 'zod';
import { DataUnavailableError, type DataKind } from '@tradingfloor/shared';
import type { DataTool } from '../data-tool.js';
import { resolveVendor } from '../routing-vendor.js';
import { isVendorChain, type VendorChain } from '../vendor-chain.js';
import type { MarketDataVendor } from '../vendor.js';
import { answerKey, cachedAnswer, storeAnswer, type CachedAnswer } from './answer-cache.js';
import { summariseAnswerObject } from './answer-summary.js';
import { parseArgs } from './parse-args.js';

/** What every tool of one analyst is bound to. */
export interface ToolContext {
  vendor: MarketDataVendor;
  ticker: string;
  tradeDate: string;
}

/** What a tool body gets: the vendor that really holds the ticker (never the demo market for a real ticker's news). */
interface ToolScope {
  vendor: MarketDataVendor;
  ticker: string;
  tradeDate: string;
  signal: AbortSignal;
}

export interface ToolDefinition<S extends z.ZodType> {
  name: string;
  description: string;
  args: S;
  /** Returns the answer object (sent as JSON, with `data_source` added); throws `DataUnavailableError` for missing data. */
  run(args: z.output<S>, scope: ToolScope): Promise<object>;
}

/** Prefix of the answer for data that does not exist; the model reads it and says so. */
const DATA_UNAVAILABLE = 'DATA UNAVAILABLE';
/** Prefix of the answer for arguments that fail validation. */
const INVALID_ARGUMENTS = 'INVALID ARGUMENTS';

/** An integer argument that also accepts a numeric string, as models sometimes send ("30"). */
export function intArg(min: number, max: number, fallback: number, description: string) {
  const numeric = (v: unknown) => (typeof v === 'string' && /^\s*-?\d+\s*$/.test(v) ? Number(v) : v);
  return z.preprocess(numeric, z.number().int().min(min).max(max)).default(fallback).describe(description);
}

function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => (i.path.length > 0 ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ');
}

const parameterSchemas = new WeakMap<z.ZodType, Record<string, unknown>>();

/**
 * The JSON Schema of a tool's arguments as the model sees it, derived once per zod schema (the schemas are
 * module constants, and every run builds its tools anew). Shared between tools: read only.
 */
function parametersOf(args: z.ZodType): Record<string, unknown> {
  let parameters = parameterSchemas.get(args);
  if (!parameters) {
    const { $schema: _ignored, ...rest } = z.toJSONSchema(args, { io: 'input' }) as Record<string, unknown>;
    parameterSchemas.set(args, (parameters = rest));
  }
  return parameters;
}

/**
 * Builds a `DataTool`: validates the arguments with the zod schema (the JSON Schema the model sees is
 * derived from it), and turns missing data into a `DATA UNAVAILABLE: …` answer and bad arguments into
 * `INVALID ARGUMENTS: …` (the tool loop logs the call, once, with its answer). Cancellation and real faults still throw. The answer of a
 * vendor that declares its data settled for the trade date (`settledThrough`, the demo market) is cached per
 * thread by vendor, tool, ticker, trade date and validated arguments, so the runs of a batch or a backtest
 * compute and serialise it once (`answer-cache.ts`).
 */
export function defineTool<S extends z.ZodType>(ctx: ToolContext, def: ToolDefinition<S>): DataTool {
  const parameters = parametersOf(def.args);
  let routed: Promise<MarketDataVendor> | undefined;
  return {
    spec: { name: def.name, description: def.description, parameters },
    async run(raw, signal, served) {
      signal.throwIfAborted();
      const args = normaliseArgs(raw, ctx.ticker);
      if (typeof args === 'string') return `${INVALID_ARGUMENTS}: ${args}`;
      const parsed = parseArgs(def.args, args);
      if (!parsed.success) return `${INVALID_ARGUMENTS}: ${describeIssues(parsed.error)}`;
      try {
        routed ??= resolveVendor(ctx.vendor, ctx.ticker, signal).catch((error: unknown) => {
          routed = undefined; // a cancelled or failed lookup is retried on the next call
          throw error;
        });
        const vendor = await routed;
        // A settled vendor's answer for this ticker, date and arguments is shared by every run of the thread.
        const key = isVendorChain(vendor) ? null : answerKey(vendor, def.name, ctx.ticker, ctx.tradeDate, parsed.data);
        const hit = key === null ? undefined : cachedAnswer(key);
        if (hit) {
          served?.(hit.served, hit.summary);
          return hit.text;
        }
        const used = new Set<string>();
        const scoped = isVendorChain(vendor) ? trackServing(vendor, used) : vendor;
        const answer = await def.run(parsed.data, { vendor: scoped, ticker: ctx.ticker, tradeDate: ctx.tradeDate, signal });
        signal.throwIfAborted();
        // Every answer says where its numbers come from, so demo data is never taken for market data.
        const labelled = { ...answer, data_source: vendor.label };
        const text = JSON.stringify(labelled);
        // The summary comes from the object at hand: parsing the text back only to describe it cost more than the tool.
        const answered: CachedAnswer = {
          text,
          served: used.size > 0 ? [...used].join('+') : vendor.name,
          summary: summariseAnswerObject(labelled, text.length),
        };
        if (key !== null) storeAnswer(key, answered);
        served?.(answered.served, answered.summary);
        return text;
      } catch (error) {
        if (error instanceof DataUnavailableError && !signal.aborted) return `${DATA_UNAVAILABLE}: ${error.message}`;
        throw error;
      }
    },
  };
}

/** The data kind each vendor method reads (how a fallback chain files who served it). */
const KIND_OF: Partial<Record<PropertyKey, DataKind>> = { bars: 'prices', fundamentals: 'fundamentals', news: 'news', instrument: 'instrument' };

/**
 * A fallback chain that notes, in `used`, which of its vendors served each call made through it, so a tool
 * call can name its vendor. Read right after the call returns: the chain records the serving vendor of the
 * kind just before it answers.
 */
function trackServing(chain: VendorChain, used: Set<string>): MarketDataVendor {
  return new Proxy(chain, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      const kind = KIND_OF[prop];
      if (kind === undefined || typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        const result: unknown = await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        const name = target.servedBy()[kind];
        if (name) used.add(name);
        return result;
      };
    },
  });
}

/**
 * Arguments as the schema should see them: null fields dropped (some models send null for "not set"), and a
 * `ticker` field accepted only when it names the run's own ticker (each tool answers for that ticker alone).
 * Returns a reason string when the arguments cannot be used.
 */
function normaliseArgs(raw: unknown, ticker: string): Record<string, unknown> | string {
  if (raw === null || raw === undefined) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) return 'arguments must be a JSON object';
  // Null prototype: the keys are the model's; a `__proto__` key must stay a (rejected) field, not a prototype.
  const args = Object.create(null) as Record<string, unknown>;
  for (const [key, value] of Object.entries(raw)) if (value !== null) args[key] = value;
  if (Object.hasOwn(args, 'ticker')) {
    if (typeof args.ticker !== 'string' || args.ticker.trim().toUpperCase() !== ticker) {
      return `this tool answers for ${ticker} only (got ticker ${JSON.stringify(args.ticker)})`;
    }
    delete args.ticker;
  }
  return args;
}
