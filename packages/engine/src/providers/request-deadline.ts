/**
 * Runs one HTTP request under the run's signal and a per-request deadline. The request gets a signal
 * that aborts on whichever comes first; afterwards `timedOut` tells which one it was, so a timeout can be
 * retried while a cancel never is. The SDKs' own `timeout` option only covers the wait for headers; this
 * deadline also covers a body that stops arriving.
 */
export async function withRequestDeadline<T>(
  signal: AbortSignal,
  timeoutMs: number,
  request: (requestSignal: AbortSignal) => Promise<T>,
  onFailure: (err: unknown, timedOut: boolean) => unknown,
): Promise<T> {
  signal.throwIfAborted();
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new Error(`request timed out after ${timeoutMs} ms`));
  }, timeoutMs);
  const onAbort = () => controller.abort(signal.reason);
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    return await request(controller.signal);
  } catch (err) {
    throw onFailure(err, timedOut && !signal.aborted);
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', onAbort);
  }
}
