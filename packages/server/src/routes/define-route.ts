import type Router from '@koa/router';
import { ValidationError, type RouteBody, type RouteParams, type RouteQuery, type RouteResponse, type RouteSpec } from '@tradingfloor/shared';
import type { Context } from 'koa';
import { describeZodError } from '../middleware/error-handler.js';
import { GZIP_MIN_BYTES, gzipEtag, gzipOnce } from './gzip-once.js';
import { ifNoneMatchNames } from './if-none-match.js';

/**
 * What a handler gets: the route's params, query and body, each parsed with the route table's schema when
 * first read (a bad one throws `ValidationError`, 400), so a handler decides the order of its checks. A
 * route with `bodyOptional` reads a missing body as `{}`; a body that is not a JSON object or form is refused.
 */
export interface RouteInput<R extends RouteSpec> {
  readonly params: RouteParams<R>;
  readonly query: RouteQuery<R>;
  readonly body: RouteBody<R>;
  readonly ctx: Context;
}

function parseWith(schema: RouteSpec['query'], value: unknown, describe: (error: import('zod').ZodError) => string): unknown {
  if (schema === undefined) return {};
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new ValidationError(describe(parsed.error));
  return parsed.data;
}

/**
 * An answer already serialised as JSON (a cached list), sent as it is with the route's status. `T` is the
 * route's response type the bytes were serialised from, so a handler still cannot drift from the table. With
 * an `etag` (strong: it names exactly these bytes) the answer carries it with `Cache-Control: no-cache`, and a
 * GET whose `If-None-Match` names it is answered 304 with no body. An answer kept as bytes (`Buffer`) of at
 * least {@link GZIP_MIN_BYTES} also goes out gzip-compressed to a client that accepts gzip (browsers do),
 * compressed once per kept answer ({@link gzipOnce}); that encoding has its own tag ({@link gzipEtag}).
 */
export class JsonText<T> {
  declare private readonly of?: T;
  constructor(
    readonly json: string | Buffer,
    readonly etag?: string,
  ) {}
}

/**
 * Registers a handler for one route of the shared `API_ROUTES` table on `router`: its method and path come
 * from the table, its input is parsed with the table's schemas, and what it returns is sent with the table's
 * success status. The return type is the route's response schema, so handler and table cannot drift apart.
 */
export function defineRoute<R extends RouteSpec>(
  router: Router,
  route: R,
  handler: (input: RouteInput<R>) => RouteResponse<R> | JsonText<RouteResponse<R>> | Promise<RouteResponse<R> | JsonText<RouteResponse<R>>>,
): void {
  const method = route.method === 'GET' ? 'get' : route.method === 'DELETE' ? 'delete' : 'post';
  router[method](route.path, async (ctx) => {
    const input = {
      ctx,
      get params() {
        // A bad path parameter (a malformed run id) is named by its own message, as before the table existed.
        return parseWith(route.params, ctx.params, (e) => e.issues[0]?.message ?? 'invalid path parameter');
      },
      get query() {
        return parseWith(route.query, ctx.query, (e) => describeZodError(e, 'query'));
      },
      get body() {
        if (route.body === undefined) return undefined;
        let body: unknown = ctx.request.body;
        // An optional body left out is the empty object, so the schema's defaults and checks still apply.
        if (route.bodyOptional === true && (body === undefined || body === null)) body = {};
        if (body === undefined || body === null || typeof body !== 'object' || Array.isArray(body)) {
          throw new ValidationError(
            'send a JSON object or a form-encoded body (Content-Type application/json or application/x-www-form-urlencoded)',
          );
        }
        return parseWith(route.body, body, (e) => describeZodError(e, 'body'));
      },
    } as RouteInput<R>;
    const result = await handler(input);
    ctx.status = route.status;
    if (result instanceof JsonText) await sendJsonText(ctx, result);
    else ctx.body = result;
  });
}

async function sendJsonText(ctx: Context, result: JsonText<unknown>): Promise<void> {
  ctx.type = 'application/json';
  const { json } = result;
  const compressible = typeof json !== 'string' && json.length >= GZIP_MIN_BYTES;
  // Caches must key this answer on the request's Accept-Encoding, whichever encoding this one gets.
  if (compressible) ctx.vary('Accept-Encoding');
  const gzipped = compressible && ctx.acceptsEncodings('gzip', 'identity') === 'gzip';
  const etag = result.etag === undefined ? undefined : gzipped ? gzipEtag(result.etag) : result.etag;
  // `no-cache`: a browser may keep the answer but asks again (If-None-Match) every time; never stale.
  if (etag !== undefined) ctx.set({ ETag: etag, 'Cache-Control': 'no-cache' });
  if (etag !== undefined && (ctx.method === 'GET' || ctx.method === 'HEAD') && ifNoneMatchNames(ctx.get('If-None-Match') || undefined, etag)) {
    ctx.status = 304;
    return;
  }
  if (!gzipped) {
    ctx.body = json;
    return;
  }
  ctx.body = await gzipOnce(json);
  ctx.set('Content-Encoding', 'gzip');
}
