import type { z } from 'zod';
import type { RouteSpec } from '../routes.js';
import { ERROR_RESPONSES } from './components.js';
import { componentRef, convertSchema, type JsonSchema } from './json-schema.js';

/** An OpenAPI 3.1 operation object, as plain JSON. */
export type OpenApiOperation = Record<string, unknown>;

/** `/runs/:id/logs` → `/runs/{id}/logs`: Koa's path parameters in OpenAPI's notation. */
export function openApiPath(koaPath: string): string {
  return koaPath.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, '{$1}');
}

/** First path segments and the reference-page group their routes belong to; any other segment is its own group. */
const TAG_OF_SEGMENT: Readonly<Record<string, string>> = {
  'start-multi': 'Runs',
  'start-process': 'Runs',
  runs: 'Runs',
  backtests: 'Backtests',
  memory: 'Memory',
  machine: 'Server',
  config: 'Server',
  metrics: 'Server',
  healthz: 'Server',
  'openapi.json': 'Server',
  docs: 'Server',
};

/** The reference-page group of a route, from its path's first segment (`/schedules/…` → `Schedules`). */
export function tagOf(route: RouteSpec): string {
  const segment = route.path.split('/')[1] ?? '';
  return TAG_OF_SEGMENT[segment] ?? segment.charAt(0).toUpperCase() + segment.slice(1);
}

/**
 * The error statuses a route can answer: 400 when it reads any input, 404 for a path id, 413 for a body, 401
 * unless it is public, 403 always (the Host / Origin guard), plus the route's own `errors`. Sorted.
 */
function errorStatuses(route: RouteSpec): number[] {
  const statuses = new Set<number>([403, ...(route.errors ?? [])]);
  if (route.params !== undefined || route.query !== undefined || route.body !== undefined) statuses.add(400);
  if (route.params !== undefined) statuses.add(404);
  if (route.body !== undefined) statuses.add(413);
  if (route.public !== true) statuses.add(401);
  return [...statuses].sort((a, b) => a - b);
}

/** The parameters an object schema of path parameters or query fields describes, one per property. */
function parameters(name: string, schema: z.ZodType | undefined, where: 'path' | 'query'): JsonSchema[] {
  if (schema === undefined) return [];
  const json = convertSchema(schema, 'input');
  const properties = json.properties as Record<string, JsonSchema> | undefined;
  if (properties === undefined) throw new Error(`the ${where} schema of route ${name} is not an object schema`);
  const required = new Set((json.required as string[] | undefined) ?? []);
  return Object.entries(properties).map(([field, fieldSchema]) => ({
    name: field,
    in: where,
    required: where === 'path' || required.has(field),
    schema: fieldSchema,
    // Lists travel as one comma-separated value (`status=completed,error`); the server also takes repeats.
    ...(fieldSchema.type === 'array' ? { style: 'form', explode: false } : {}),
  }));
}

/** The headers of an answer that may carry a tag (`RouteSpec.etag`). */
const ETAG_HEADERS = {
  ETag: { description: 'A strong tag of this answer, when the server keeps one for it; send it back in `If-None-Match`.', schema: { type: 'string' } },
  'Cache-Control': { description: '`no-cache` with a tag: a cache may keep the answer but asks again every time.', schema: { type: 'string' } },
};

/** The request header of a route with tags: revalidate a kept answer. */
const IF_NONE_MATCH: JsonSchema = {
  name: 'If-None-Match',
  in: 'header',
  required: false,
  description: 'A tag (or a comma-separated list of tags, or `*`) of an answer kept from before: 304 when it is still the answer.',
  schema: { type: 'string' },
};

/** The 304 of a route with tags: no body. */
const NOT_MODIFIED = { description: 'Not modified: the answer the `If-None-Match` tag names is still the answer (no body).' };

/** What `operation` needs besides the route: the component ids of its body and response schemas. */
export interface OperationRefs {
  bodyId: (schema: z.ZodType) => string;
  responseId: (schema: z.ZodType) => string;
}

/** Security of an operation: none on public routes; GETs also take the token as `?token=` (download links). */
function security(route: RouteSpec): Array<Record<string, string[]>> {
  if (route.public === true) return [];
  return route.method === 'GET' ? [{ bearerAuth: [] }, { tokenQuery: [] }] : [{ bearerAuth: [] }];
}

/** The OpenAPI operation of one route of the table: parameters, body, success and error responses, security. */
export function operation(name: string, route: RouteSpec, refs: OperationRefs): OpenApiOperation {
  const success =
    route.contentType === undefined
      ? { 'application/json': { schema: { $ref: componentRef(refs.responseId(route.response)) } } }
      : { [route.contentType]: { schema: { type: 'string' } } };
  const responses: Record<string, unknown> = {
    [String(route.status)]: { description: route.summary, content: success, ...(route.etag === true ? { headers: ETAG_HEADERS } : {}) },
  };
  if (route.etag === true) responses['304'] = NOT_MODIFIED;
  for (const status of errorStatuses(route)) {
    const known = ERROR_RESPONSES[status];
    if (known === undefined) throw new Error(`route ${name} lists error status ${status}, which has no description in ERROR_RESPONSES`);
    responses[String(status)] = { $ref: `#/components/responses/${known.name}` };
  }
  const params = [...parameters(name, route.params, 'path'), ...parameters(name, route.query, 'query'), ...(route.etag === true ? [IF_NONE_MATCH] : [])];
  return {
    operationId: name,
    summary: route.summary,
    ...(route.description !== undefined ? { description: route.description } : {}),
    tags: [tagOf(route)],
    ...(params.length > 0 ? { parameters: params } : {}),
    ...(route.body !== undefined ? { requestBody: { $ref: `#/components/requestBodies/${refs.bodyId(route.body)}` } } : {}),
    responses,
    security: security(route),
  };
}
