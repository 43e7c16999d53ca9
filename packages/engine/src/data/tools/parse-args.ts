import type { z } from 'zod';
import { exactJson } from './answer-cache.js';

/** Valid arguments kept per schema, by their exact JSON: models repeat the same few calls run after run. */
const PARSED_ARGS_MAX = 64;
const parsedArgs = new WeakMap<z.ZodType, Map<string, unknown>>();

/**
 * `schema.safeParse(args)`, remembered for valid arguments that are plain JSON (a parse depends on its input
 * alone). The remembered output is frozen: tool bodies share it.
 */
export function parseArgs<S extends z.ZodType>(schema: S, args: Record<string, unknown>): z.ZodSafeParseResult<z.output<S>> {
  const key = exactJson(args, false);
  let known = parsedArgs.get(schema);
  if (key !== null && known?.has(key)) return { success: true, data: known.get(key) as z.output<S> };
  const parsed = schema.safeParse(args);
  if (parsed.success && key !== null) {
    if (!known) parsedArgs.set(schema, (known = new Map()));
    if (known.size >= PARSED_ARGS_MAX) known.delete(known.keys().next().value!);
    known.set(key, deepFreeze(parsed.data));
  }
  return parsed;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}
