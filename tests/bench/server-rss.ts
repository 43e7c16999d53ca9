import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import type { BenchOptions } from './bench-options.js';
import { DEMO_TICKERS, fakeProviderEnv, startFakeLlm, tempDir } from './engine-fixture.js';
import { atMost, figure, type Figure } from './figures.js';
import { jsonClient, postRuns } from './server-fixture.js';
import { MIB } from './stats.js';
import { REPO_ROOT, startWorker } from './worker-rpc.js';

/** The built bin the launch scripts run (`npm run serve`). */
const CLI = path.join(REPO_ROOT, 'packages/server/dist/cli.js');

/** Resident set size now and its peak so far (`VmRSS`, `VmHWM` of `/proc/<pid>/status`), bytes; NaN off Linux. */
function processMemory(pid: number): { rss: number; peak: number } {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
    return { rss: kib('VmRSS') * 1024, peak: kib('VmHWM') * 1024 };
  } catch {
    return { rss: Number.NaN, peak: Number.NaN };
  }
}

/** Resolves with the server's URL once it prints that it listens; rejects with its output if it exits first. */
function listening(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    const onData = (chunk: string) => {
      out += chunk;
      const match = /TradingFloor listening on (http:\/\/\S+)/.exec(out);
      if (match) resolve(match[1]!);
    };
    child.stdout!.setEncoding('utf8').on('data', onData);
    child.stderr!.setEncoding('utf8').on('data', onData);
    child.once('close', (code) => reject(new Error(`the server exited (${code}) before listening:\n${out}`)));
  });
}

/**
 * Issue 8's memory figure, of the server's own process: `tradingfloor serve` started as the launch scripts start
 * it (the built bin, the shipped heap flags and environment, `ENGINE_THREADS` passed through, the built SPA
 * when there is one), the fake model at the users' latency (L = 1 s) through the real openai SDK. After 7 warm-up
 * runs (followed by clients that then leave), `loadRuns` runs are started through REST while `focusedClients`
 * focused and `aggregateClients` aggregate WebSocket clients (another process) follow them. Its RSS is read from
 * `/proc` every 25 ms and its peak as the kernel counted it (`VmHWM`). The `server-load` group runs the server
 * inside the bench's own process (its event-loop delay is read there), whose RSS also holds the bench and tsx.
 */
export async function measureServerRss(options: BenchOptions): Promise<Figure[]> {
  const L = options.userLatencyMs;
  const fake = await startFakeLlm(L);
  const resultsDir = await tempDir('tf-bench-rss-');
  const child = spawn(process.execPath, [...options.nodeFlags, CLI, 'serve', '--port', '0', '--host', '127.0.0.1', '--results-dir', resultsDir], {
    cwd: REPO_ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      NO_COLOR: '1',
      ...options.nodeEnv,
      ...fakeProviderEnv(fake),
      MAX_PARALLEL_RUNS: '1000',
      ...(process.env.ENGINE_THREADS !== undefined ? { ENGINE_THREADS: process.env.ENGINE_THREADS } : {}),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  const warmClients = await startWorker('ws-clients-worker.ts');
  const clients = await startWorker('ws-clients-worker.ts');
  let sampler: NodeJS.Timeout | undefined;
  try {
    const url = await listening(child);
    const wsUrl = `${url.replace('http', 'ws')}/ws`;
    const request = jsonClient(url, agent);
    const pid = child.pid!;
    const started = processMemory(pid);
    // Warm-up: a long-lived server has run its code before; its clients leave once the runs have ended.
    const warm = await postRuns(request, DEMO_TICKERS.length);
    await warmClients.call('follow', { wsUrl, runIds: warm });
    await warmClients.call('untilTerminal');
    await warmClients.stop();
    await clients.call('aggregate', { wsUrl, count: options.aggregateClients });
    const idle = processMemory(pid);

    let peak = idle.rss;
    sampler = setInterval(() => (peak = Math.max(peak, processMemory(pid).rss)), 25);
    const following: Array<Promise<unknown>> = [];
    let focusedLeft = options.focusedClients;
    const runIds = await postRuns(request, options.loadRuns, {}, (ids) => {
      const follow = ids.slice(0, Math.max(0, focusedLeft));
      focusedLeft -= follow.length;
      if (follow.length > 0) following.push(clients.call('follow', { wsUrl, runIds: follow }));
    });
    await Promise.all(following);
    await clients.call('untilTerminal');
    clearInterval(sampler);
    const after = processMemory(pid);
    peak = Math.max(peak, after.rss);
    const report = await clients.call<{ errors: string[] }>('report');
    if (report.errors.length > 0) throw new Error(`WebSocket clients saw errors: ${report.errors.join('; ')}`);
    const threads = process.env.ENGINE_THREADS ?? 'default';
    const at = `server process (shipped command, ENGINE_THREADS=${threads}), ${runIds.length} runs + ${options.focusedClients}+${options.aggregateClients} WS, L=${L} ms`;
    return [
      figure(`${at}: peak RSS`, peak / MIB, 'MiB', atMost(256)),
      figure(`${at}: peak RSS as the kernel counted it (VmHWM, start included)`, after.peak / MIB, 'MiB'),
      figure(`${at}: RSS after start`, started.rss / MIB, 'MiB'),
      figure(`${at}: RSS after the warm-up, before the batch`, idle.rss / MIB, 'MiB'),
      figure(`${at}: RSS after the batch`, after.rss / MIB, 'MiB'),
    ];
  } finally {
    if (sampler) clearInterval(sampler);
    agent.destroy();
    child.kill('SIGTERM');
    await exited;
    await Promise.all([warmClients.stop(), clients.stop(), fake.stop()]);
    await rm(resultsDir, { recursive: true, force: true });
  }
}
