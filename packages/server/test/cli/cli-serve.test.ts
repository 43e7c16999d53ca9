import { rm } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { captureIo } from './support/capture.js';
import { cleanEnv, tempResultsDir } from './support/paths.js';

const cleanup: string[] = [];
afterEach(async () => {
  for (const dir of cleanup.splice(0)) await rm(dir, { recursive: true, force: true });
});

describe('tradingfloor serve, in-process with the real server', () => {
  it('listens on the given port and host, answers REST, and closes cleanly on SIGINT', { timeout: 30_000 }, async () => {
    const results = await tempResultsDir();
    cleanup.push(results);
    const { io, stdout, stderr, signals } = captureIo({ env: cleanEnv({ RESULTS_DIR: results }), cwd: results });
    const done = main(['serve', '--port', '0', '--host', '127.0.0.1'], io);
    await stdout.waitFor(/listening on http:\/\/127\.0\.0\.1:\d+/);
    const url = /listening on (http:\/\/\S+)/.exec(stdout.text)![1]!;
    const res = await fetch(`${url}/runs`);
    expect(res.status).toBe(200);
    signals.emit('SIGINT');
    expect(await done).toBe(0);
    expect(stdout.text).toContain('server closed');
    expect(stderr.text).toBe('');
    await expect(fetch(`${url}/runs`)).rejects.toThrow();
  });

  it('exits 2 when the environment is invalid', { timeout: 30_000 }, async () => {
    const { io, stderr } = captureIo({ env: cleanEnv({ MAX_PARALLEL_RUNS: 'lots' }) });
    expect(await main(['serve', '--port', '0'], io)).toBe(2);
    expect(stderr.text).toContain('MAX_PARALLEL_RUNS');
  });
});
