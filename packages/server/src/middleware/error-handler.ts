import { echoInput, listProblems, TradingFloorError } from '@tradingfloor/shared';
import type { Middleware } from 'koa';
import { ZodError } from 'zod';

/**
 * Turns a zod error into one readable line naming each bad field, e.g. `max_debate_rounds: at most 10 rounds`.
 * Long lists are cut (the first problems and a count) and field names are echoed short, so a hostile body
 * cannot make the answer larger than a few hundred bytes per problem listed.
 */
export function describeZodError(error: ZodError, what = 'request'): string {
  const parts = error.issues.map((issue) => {
    if (issue.code === 'unrecognized_keys')
      return `unknown field${issue.keys.length > 1 ? 's' : ''} ${listProblems(
        issue.keys.map((k) => echoInput(k)),
        10,
        ', ',
      )}`;
    const field = echoField(issue.path.map(String).join('.'));
    return field === '' ? issue.message : `${field}: ${issue.message}`;
  });
  return `invalid ${what}: ${listProblems(parts)}`;
}

/** A field path as messages show it: as is when short, else cut like any echoed input. */
function echoField(field: string): string {
  return field.length <= 60 ? field : echoInput(field);
}

interface HttpLikeError {
  status?: unknown;
  statusCode?: unknown;
  expose?: unknown;
  type?: unknown;
  limit?: unknown;
  message?: unknown;
}

/** Maps any thrown error to an HTTP status and a message safe to show. */
function toErrorResponse(err: unknown): { status: number; message: string } {
  if (err instanceof TradingFloorError) return { status: err.status, message: err.message };
  if (err instanceof ZodError) return { status: 400, message: describeZodError(err) };
  const e = (typeof err === 'object' && err !== null ? err : {}) as HttpLikeError;
  const status = typeof e.status === 'number' ? e.status : typeof e.statusCode === 'number' ? e.statusCode : 500;
  if (status === 413 || e.type === 'entity.too.large') {
    const limit = typeof e.limit === 'number' ? ` of ${e.limit} bytes` : '';
    return { status: 413, message: `request body is larger than the limit${limit}` };
  }
  if (status >= 400 && status < 500) {
    // Body-parser errors (bad JSON, bad encoding) are the client's; their messages are meant to be shown.
    const message = typeof e.message === 'string' && e.message !== '' ? e.message : 'bad request';
    const badJson = err instanceof SyntaxError || e.type === 'entity.parse.failed';
    return { status, message: badJson ? `request body is not valid JSON: ${message}` : message };
  }
  return { status: 500, message: 'internal server error' };
}

/**
 * The first middleware: every error below it becomes `{ "error": message }` with the error's status.
 * Unexpected errors are reported through `onUnexpected` (a 500 never leaks internals to the client).
 */
export function errorHandler(onUnexpected: (err: unknown) => void = (err) => console.error(err)): Middleware {
  return async (ctx, next) => {
    try {
      await next();
    } catch (err) {
      const { status, message } = toErrorResponse(err);
      if (status >= 500) onUnexpected(err);
      ctx.status = status;
      ctx.body = { error: message };
    }
  };
}
