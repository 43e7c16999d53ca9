/**
 * A REST call that failed: the server's `{ "error": ... }` message and the HTTP status (0 when the
 * request never reached the server).
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** True for a 404, which several views treat as "not there (yet)" rather than a failure. */
  get isNotFound(): boolean {
    return this.status === 404;
  }
}
