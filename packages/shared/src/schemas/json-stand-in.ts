import { z } from 'zod';

/**
 * Stand-ins for schemas JSON Schema cannot express: a custom check (`z.custom`) or a transform has no JSON
 * Schema, so `z.toJSONSchema` would fail on them. A generator (the OpenAPI document) looks a failing part up
 * here and writes its stand-in's JSON Schema instead. Keyed weakly by schema object.
 */
const standIns = new WeakMap<object, z.ZodType>();

/**
 * Declares that `schema` reads and writes data shaped like `standIn` (e.g. a checked, normalised ticker is a
 * string). The stand-in is registered for `schema` itself and, for a pipe, for both of its sides: the JSON
 * Schema generator reports the side it cannot express (the custom input, the transform output), not the pipe.
 */
export function describedAs<S extends z.ZodType>(schema: S, standIn: z.ZodType): S {
  standIns.set(schema, standIn);
  if (schema instanceof z.ZodPipe) {
    standIns.set(schema.in, standIn);
    standIns.set(schema.out, standIn);
  }
  return schema;
}

/** The stand-in registered for `schema` (or a side of a pipe) with `describedAs`, if any. */
export function standInOf(schema: unknown): z.ZodType | undefined {
  return typeof schema === 'object' && schema !== null ? standIns.get(schema) : undefined;
}
