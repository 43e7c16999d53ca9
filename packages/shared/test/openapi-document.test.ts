import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { describedAs } from '../src/schemas/json-stand-in.js';
import { API_ROUTES, type RouteSpec } from '../src/protocol/routes.js';
import { buildOpenApiDocument, type OpenApiDocument } from '../src/protocol/openapi/document.js';
import { openApiPath, tagOf } from '../src/protocol/openapi/operation.js';

const build = (routes: Record<string, RouteSpec>) => buildOpenApiDocument(routes, { version: '1.2.3' });
const op = (doc: OpenApiDocument, path: string, method: string) => doc.paths[path]![method] as Record<string, unknown>;

describe('buildOpenApiDocument', () => {
  it('writes Koa path parameters the OpenAPI way and groups routes by their first segment', () => {
    expect(openApiPath('/runs/:id/logs/download')).toBe('/runs/{id}/logs/download');
    expect(openApiPath('/runs/:id/report.md')).toBe('/runs/{id}/report.md');
    expect(tagOf(API_ROUTES.startMulti)).toBe('Runs');
    expect(tagOf({ ...API_ROUTES.healthz, path: '/schedules/:id' })).toBe('Schedules');
  });

  it('describes the table: version, bearer scheme, public routes open, every operation named after its entry', () => {
    const doc = build(API_ROUTES);
    expect(doc.info.version).toBe('1.2.3');
    expect(doc.components.securitySchemes.bearerAuth).toEqual(expect.objectContaining({ type: 'http', scheme: 'bearer' }));
    expect(op(doc, '/healthz', 'get').security).toEqual([]);
    expect(op(doc, '/openapi.json', 'get').security).toEqual([]);
    expect(op(doc, '/start-multi', 'post').security).toEqual([{ bearerAuth: [] }]);
    expect(op(doc, '/runs/{id}/logs/download', 'get').security).toEqual([{ bearerAuth: [] }, { tokenQuery: [] }]);
    expect(op(doc, '/runs/{id}/logs/download', 'get').responses).toMatchObject({
      200: { content: { 'text/plain': { schema: { type: 'string' } } } },
    });
  });

  it('documents the tag of a route with `etag`: its ETag header, the If-None-Match parameter and a 304 without a body', () => {
    const doc = build(API_ROUTES);
    const list = op(doc, '/runs', 'get');
    const responses = list.responses as Record<string, Record<string, unknown>>;
    expect(Object.keys(responses['200']!.headers as object)).toEqual(['ETag', 'Cache-Control']);
    expect(responses['304']).toEqual({ description: expect.stringMatching(/^Not modified/) });
    expect((list.parameters as Array<Record<string, unknown>>).find((p) => p.name === 'If-None-Match')).toMatchObject({ in: 'header', required: false });
    const status = op(doc, '/runs/{id}/status', 'get');
    expect(Object.keys(status.responses as object)).not.toContain('304');
    expect((status.responses as Record<string, Record<string, unknown>>)['200']!.headers).toBeUndefined();
  });

  it('reads parameters from the input side: lists as comma lists, defaulted fields optional, path ids required', () => {
    const doc = build(API_ROUTES);
    const params = op(doc, '/runs', 'get').parameters as Array<Record<string, unknown>>;
    expect(params.find((p) => p.name === 'status')).toMatchObject({
      in: 'query',
      required: false,
      style: 'form',
      explode: false,
      schema: { type: 'array' },
    });
    const logs = op(doc, '/runs/{id}/logs', 'get').parameters as Array<Record<string, unknown>>;
    expect(logs.find((p) => p.name === 'id')).toMatchObject({ in: 'path', required: true });
    expect(logs.find((p) => p.name === 'limit')).toMatchObject({
      required: false,
      schema: { type: 'integer', default: 200, maximum: 500 },
    });
    const body = (doc.components.requestBodies.StartMultiBody as { content: { 'application/json': { schema: { required?: string[] } } } })
      .content['application/json'].schema;
    expect(body.required ?? []).not.toContain('analysts');
    expect((doc.components.requestBodies.ResumeRunBody as { required: boolean }).required).toBe(false);
  });

  it('names shared and recursive response parts as components and refers to them', () => {
    const doc = build(API_ROUTES);
    const tree = JSON.stringify(doc.components.schemas.RunTreeResponse);
    expect(tree).toContain('"$ref":"#/components/schemas/TreeNode"');
    expect(JSON.stringify(doc.components.schemas.TreeNode)).toContain('"$ref":"#/components/schemas/TreeNode"');
    // A normalised ticker (a transform) is written as its stand-in, a string.
    expect(doc.components.schemas.Lesson).toMatchObject({ properties: { ticker: { type: 'string' } } });
  });

  it('refuses what it cannot describe: a schema JSON Schema cannot express without a stand-in, an error status it does not know', () => {
    const opaque: RouteSpec = {
      method: 'GET',
      path: '/opaque',
      summary: 'x',
      status: 200,
      response: z.object({ when: z.custom<Date>(() => true) }),
    };
    expect(() => build({ opaque })).toThrow(/Custom types cannot be represented.*when.*describedAs/);
    const described: RouteSpec = {
      ...opaque,
      response: z.object({
        when: describedAs(
          z.custom<Date>(() => true),
          z.string(),
        ),
      }),
    };
    expect(build({ described }).components.schemas.DescribedResponse).toMatchObject({ properties: { when: { type: 'string' } } });
    const teapot: RouteSpec = { ...described, errors: [418] };
    expect(() => build({ teapot })).toThrow(/error status 418/);
  });
});
