/**
 * WebSocket close codes the server uses for a focused connection (`/ws?run_id=`) whose run cannot be
 * followed. They are final: reconnecting cannot help, so a client stops there.
 */
export const WS_CLOSE_CODES = {
  /** The `run_id` in the URL is not a valid run id. */
  invalidRunId: 4400,
  /** No run with that id is known. */
  runNotFound: 4404,
  /** The run was pruned while followed. */
  runRemoved: 4410,
} as const;
export type WsCloseCode = (typeof WS_CLOSE_CODES)[keyof typeof WS_CLOSE_CODES];

/** The reason sent with each final close code, in plain words. */
export const WS_CLOSE_REASONS: Readonly<Record<WsCloseCode, string>> = {
  [WS_CLOSE_CODES.invalidRunId]: 'Invalid run id',
  [WS_CLOSE_CODES.runNotFound]: 'Run not found',
  [WS_CLOSE_CODES.runRemoved]: 'Run removed',
};

/** True for a close code after which a client must not reconnect by itself. */
export function isFinalCloseCode(code: number): code is WsCloseCode {
  return Object.hasOwn(WS_CLOSE_REASONS, code);
}

/** True when a close code says the run itself is gone (not found or removed), not only this connection. */
export function isRunGoneCloseCode(code: number): boolean {
  return code === WS_CLOSE_CODES.runNotFound || code === WS_CLOSE_CODES.runRemoved;
}
