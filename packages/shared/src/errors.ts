/**
 * Every error a user can be shown, with a stable `code` and the HTTP status the server answers with.
 * The server's one error middleware turns them into `{ "error": message }`; the CLI prints the message
 * and exits 2 for input errors.
 */
export class TradingFloorError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Bad input: a body, a query, a flag, a ticker, a date outside the data. */
export class ValidationError extends TradingFloorError {
  constructor(message: string) {
    super('validation', 400, message);
  }
}
export class NotFoundError extends TradingFloorError {
  constructor(message: string) {
    super('not_found', 404, message);
  }
}
/** The request conflicts with the resource's state, e.g. canceling a finished run. */
export class ConflictError extends TradingFloorError {
  constructor(message: string) {
    super('conflict', 409, message);
  }
}
/** Starting these runs would exceed `MAX_PARALLEL_RUNS`. */
export class TooManyRunsError extends TradingFloorError {
  constructor(message: string) {
    super('too_many_runs', 429, message);
  }
}
export class UnauthorizedError extends TradingFloorError {
  constructor(message = 'missing or wrong API token') {
    super('unauthorized', 401, message);
  }
}
export class ForbiddenError extends TradingFloorError {
  constructor(message: string) {
    super('forbidden', 403, message);
  }
}
/** Market data that a run asked for does not exist (unknown ticker, date outside the data). */
export class DataUnavailableError extends TradingFloorError {
  constructor(message: string) {
    super('data_unavailable', 400, message);
  }
}
/** A model provider failed for good (after retries, or a non-retryable 4xx). */
export class ProviderError extends TradingFloorError {
  constructor(
    message: string,
    readonly provider: string,
    readonly httpStatus: number | null = null,
  ) {
    super('provider_error', 502, message);
  }
}
/** Work stopped because its run was canceled. */
export class RunCanceledError extends TradingFloorError {
  constructor(message = 'run canceled') {
    super('canceled', 409, message);
  }
}
/** The server is stopping (a graceful stop is under way): it takes no new work. */
export class ShuttingDownError extends TradingFloorError {
  constructor(message = 'the server is shutting down; no new work is accepted') {
    super('shutting_down', 503, message);
  }
}
/** A queue-mode server's Redis does not answer (`GET /healthz` answers 503 with why). */
export class QueueUnavailableError extends TradingFloorError {
  constructor(message: string) {
    super('queue_unavailable', 503, message);
  }
}
/** The engine could not open runs it was given (queue mode: Redis refused their jobs). */
export class EngineUnavailableError extends TradingFloorError {
  constructor(message: string) {
    super('engine_unavailable', 503, message);
  }
}
/** Configuration read at start-up is wrong (env variables, limits). */
export class ConfigError extends TradingFloorError {
  constructor(message: string) {
    super('config', 500, message);
  }
}
/** An HTTP method no route answers (TRACE, PROPFIND, an unknown verb, or a known one on the wrong path). */
export class MethodNotAllowedError extends TradingFloorError {
  constructor(message: string) {
    super('method_not_allowed', 405, message);
  }
}
/** A request body over the size limit, refused from its `Content-Length` before it is read. */
export class PayloadTooLargeError extends TradingFloorError {
  constructor(message: string) {
    super('payload_too_large', 413, message);
  }
}
