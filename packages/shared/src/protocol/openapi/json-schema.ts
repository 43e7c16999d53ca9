import { z } from 'zod';
import { standInOf } from '../../schemas/json-stand-in.js';

/** A JSON Schema (draft 2020-12, the dialect of OpenAPI 3.1) as plain JSON. */
export type JsonSchema = Record<string, unknown>;

/** Which side of a schema to describe: what a client sends (`input`: defaults optional) or what it gets back (`output`). */
export type SchemaIo = 'input' | 'output';

/** Where a named schema lives in the OpenAPI document. */
export const componentRef = (id: string): string => `#/components/schemas/${id}`;

/**
 * The `unrepresentable` handler shared by every conversion: a custom check or a transform is written as its
 * registered stand-in (`describedAs`); anything else unrepresentable fails loudly, naming where it is, so a
 * new schema cannot silently become `{}` (any value) in the document.
 */
function standInHandler(io: SchemaIo) {
  return ({ zodSchema, path, message }: { zodSchema: unknown; path: Array<string | number>; message: string }): JsonSchema => {
    const standIn = standInOf(zodSchema);
    if (standIn === undefined) {
      throw new Error(`${message} (at ${path.join('.') || 'the root'}); give it a stand-in with describedAs()`);
    }
    return convertSchema(standIn, io);
  };
}

/** One schema as JSON Schema, everything inline (no `$schema` key: it sits inside a document). */
export function convertSchema(schema: z.ZodType, io: SchemaIo): JsonSchema {
  const { $schema: _dialect, ...json } = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io,
    unrepresentable: standInHandler(io),
  }) as JsonSchema;
  return json;
}

/**
 * Every schema of `named` as a component: each one's JSON Schema, where any other named schema it contains is
 * a `$ref` to that component (zod's registry conversion). Recursive schemas (the execution tree) must be named,
 * since a `$ref` to a component is the only way a cycle can be written.
 */
export function convertComponents(named: ReadonlyMap<string, z.ZodType>, io: SchemaIo): Record<string, JsonSchema> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of named) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, { target: 'draft-2020-12', io, unrepresentable: standInHandler(io), uri: componentRef });
  const out: Record<string, JsonSchema> = {};
  for (const [id, json] of Object.entries(schemas)) {
    if (id === '__shared') throw new Error('a recursive schema has no component name: add it to NAMED_RESPONSE_PARTS');
    const { $schema: _dialect, $id: _id, ...rest } = json as JsonSchema;
    out[id] = rest;
  }
  return out;
}
