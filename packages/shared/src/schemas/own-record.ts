import { z } from 'zod';
import { describedAs } from './json-stand-in.js';

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Like `z.record(z.string(), value)`, for records keyed by names from outside (model names, tickers): every
 * own key is kept, `__proto__` included, in a null-prototype object. `z.record` builds a plain object, on
 * which a `__proto__` key is silently dropped (or would set the prototype) instead of kept as data.
 */
export function ownRecord<V extends z.ZodType>(value: V) {
  const parsed = z.custom<Record<string, unknown>>(isPlainObject, { message: 'expected an object' }).transform((raw, ctx) => {
    const out = Object.create(null) as Record<string, z.output<V>>;
    for (const key of Object.keys(raw)) {
      const parsed = value.safeParse(raw[key]);
      if (parsed.success) {
        out[key] = parsed.data;
        continue;
      }
      for (const issue of parsed.error.issues) ctx.addIssue({ ...issue, path: [key, ...issue.path] } as Parameters<typeof ctx.addIssue>[0]);
    }
    return out;
  });
  // On the wire it is a plain JSON object of values.
  return describedAs(parsed, z.record(z.string(), value));
}
