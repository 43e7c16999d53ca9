/** Test code reads arbitrary JSON bodies; each assertion states the shape it expects. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyJson = any;

/** One REST call to a server under test (its base URL, or anything with a `url`), answering the status and the parsed JSON body. */
export async function api(target: string | { url: string }, method: string, urlPath: string, json?: unknown): Promise<{ status: number; json: AnyJson }> {
  const base = typeof target === 'string' ? target : target.url;
  const res = await fetch(`${base}${urlPath}`, {
    method,
    ...(json === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(json) }),
  });
  return { status: res.status, json: await res.json() };
}

/**
 * The environments of a queue-mode test cluster: the workers' provider is the fake model server, the server's
 * own provider points at a closed port, so a run that completes proves a worker made its model calls.
 */
export function queueClusterEnv(o: { redisUrl: string; fakeBaseUrl: string; resultsDir: string }): {
  /** The fake provider alone (a local-mode server to compare with). */
  provider: Record<string, string>;
  server: Record<string, string>;
  worker: Record<string, string>;
} {
  const provider = { OPENAI_BASE_URL: o.fakeBaseUrl, OPENAI_API_KEY: 'sk-fake-test', LLM_MAX_CONCURRENCY: '16' };
  const shared = { REDIS_URL: o.redisUrl, RESULTS_DIR: o.resultsDir };
  return { provider, server: { ...provider, OPENAI_BASE_URL: 'http://127.0.0.1:9/v1', ...shared }, worker: { ...provider, ...shared } };
}
