import type { z } from 'zod';
import type { RouteSpec } from '../routes.js';
import { ERROR_RESPONSES, NAMED_RESPONSE_PARTS } from './components.js';
import { componentRef, convertComponents, type JsonSchema } from './json-schema.js';
import { openApiPath, operation, tagOf } from './operation.js';

/** An OpenAPI 3.1 document as plain JSON (what `GET /openapi.json` answers). */
export type OpenApiDocument = {
  openapi: '3.1.0';
  info: { title: string; version: string; description: string };
  servers: Array<{ url: string }>;
  tags: Array<{ name: string }>;
  paths: Record<string, Record<string, unknown>>;
  components: {
    schemas: Record<string, JsonSchema>;
    requestBodies: Record<string, unknown>;
    responses: Record<string, unknown>;
    securitySchemes: Record<string, unknown>;
  };
};

const DESCRIPTION = `TradingFloor runs a team of LLM agents over stock tickers and turns their work into structured BUY / SELL / HOLD decisions.

**Authentication.** When the server has an API token (\`TRADINGFLOOR_TOKEN\`, required when it listens on a non-loopback address) every route except the public ones needs \`Authorization: Bearer <token>\`; GET routes also take \`?token=<token>\` (for download links). Without a token nothing is checked.

**Errors.** Every error is \`{ "error": "<message>" }\` with its HTTP status; a method no route knows gets 405.

**WebSocket.** Live updates are not REST: \`/ws\` streams every run's status (\`init_all\`, then \`status_update_aggregate\` and \`backtest_update\`), \`/ws?run_id=<id>\` one run's tree, contents and log as seq-numbered patches (\`init_run\`, \`status_patch_run\`, \`content_patch_run\`, \`log_append_run\`, \`status_update_run\`; send \`{"action":"resync"}\` or \`{"action":"log_dump"}\` after a gap). A browser passes the token as the sub-protocols \`["tradingfloor", "<token>"]\`, other clients as \`?token=\`.

The reference page of this document is \`/docs\`.`;

/** `startMulti` → `StartMulti`. */
const pascal = (name: string): string => name.charAt(0).toUpperCase() + name.slice(1);

/**
 * Names each schema once, first name wins: routes sharing a schema (`/start-multi` and `/start-process` take the
 * same body) share its component.
 */
function nameSchemas(entries: Iterable<readonly [string, z.ZodType]>): Map<z.ZodType, string> {
  const ids = new Map<z.ZodType, string>();
  for (const [id, schema] of entries) if (!ids.has(schema)) ids.set(schema, id);
  return ids;
}

const invert = (ids: Map<z.ZodType, string>): Map<string, z.ZodType> => new Map([...ids].map(([schema, id]) => [id, schema]));

/**
 * The OpenAPI 3.1 document of a route table, generated from its zod schemas: each route's path, parameters,
 * body, success response and the `{ error }` responses it can give, with the bearer token scheme. Response
 * schemas describe what the server sends (zod's output side), bodies and parameters what a client may send
 * (the input side: fields with defaults are optional). Throws when a schema cannot be written as JSON Schema.
 */
export function buildOpenApiDocument(routes: Readonly<Record<string, RouteSpec>>, options: { version: string }): OpenApiDocument {
  const entries = Object.entries(routes);
  const responseIds = nameSchemas([
    ...NAMED_RESPONSE_PARTS,
    ...entries.filter(([, r]) => r.contentType === undefined).map(([name, r]) => [`${pascal(name)}Response`, r.response] as const),
  ]);
  const bodyIds = nameSchemas(entries.flatMap(([name, r]) => (r.body ? [[`${pascal(name)}Body`, r.body] as const] : [])));
  // Bodies are request-body components, not schemas: generators then know a field with a default may be left
  // out (openapi-typescript makes a defaulted property required everywhere else, as responses always carry it).
  const bodySchemas = convertComponents(invert(bodyIds), 'input');
  const requestBodies = Object.fromEntries(
    [...bodyIds].map(([schema, id]) => [
      id,
      {
        required: !entries.some(([, r]) => r.body === schema && r.bodyOptional === true),
        content: { 'application/json': { schema: bodySchemas[id] } },
      },
    ]),
  );
  const refs = {
    responseId: (schema: z.ZodType) => responseIds.get(schema)!,
    bodyId: (schema: z.ZodType) => bodyIds.get(schema)!,
  };

  const paths: OpenApiDocument['paths'] = {};
  for (const [name, route] of entries) {
    const path = openApiPath(route.path);
    (paths[path] ??= {})[route.method.toLowerCase()] = operation(name, route, refs);
  }
  const tags = [...new Set(entries.map(([, route]) => tagOf(route)))].map((name) => ({ name }));
  const responses = Object.fromEntries(
    Object.values(ERROR_RESPONSES).map(({ name, description }) => [
      name,
      { description, content: { 'application/json': { schema: { $ref: componentRef('ErrorBody') } } } },
    ]),
  );
  return {
    openapi: '3.1.0',
    info: { title: 'TradingFloor API', version: options.version, description: DESCRIPTION },
    servers: [{ url: '/' }],
    tags,
    paths,
    components: {
      // What the server sends is zod's output side; bodies (above) the input side, where defaulted fields are optional.
      schemas: convertComponents(invert(responseIds), 'output'),
      requestBodies,
      responses,
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer', description: 'The server’s `TRADINGFLOOR_TOKEN`.' },
        tokenQuery: { type: 'apiKey', in: 'query', name: 'token', description: 'The same token as a query parameter (GET only).' },
      },
    },
  };
}
