import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

// Each V8 isolate that loads a package holds its code: BullMQ with ioredis and redis-semaphore, yahoo-finance2,
// the Anthropic SDK, the openai SDK and undici cost ~52 + ~23 MiB of RSS in one (measured 2026-12-08), and a
// server has two (the serving thread and an engine thread). They are imported when queue mode, a Yahoo source or
// a model provider is first used (a serving thread whose runs execute in engine threads calls no model); these
// tests keep a static import from bringing them back. Run on the built packages (`npm test` builds first), in a
// child process whose loader reports every package it resolves.

const run = promisify(execFile);
const built = (path: string) => fileURLToPath(new URL(`../../packages/${path}`, import.meta.url));
const LISTER = fileURLToPath(new URL('../support/loaded-packages.mjs', import.meta.url));
const LAZY = ['bullmq', 'ioredis', 'redis-semaphore', 'yahoo-finance2', '@anthropic-ai/sdk', 'openai', 'undici'];

async function packagesLoadedBy(...modules: string[]): Promise<string[]> {
  const { stdout } = await run(process.execPath, [LISTER, ...modules.map(built)]);
  return JSON.parse(stdout) as string[];
}

describe('packages loaded only when used', () => {
  it('a server (and the engine it imports) loads no queue-mode package, no Yahoo client, no model SDK and no undici', async () => {
    const loaded = await packagesLoadedBy('server/dist/serve.js', 'server/dist/cli/main.js');
    expect(loaded).toEqual(expect.arrayContaining(['koa', 'xstate', 'ws']));
    expect(loaded.filter((name) => LAZY.includes(name))).toEqual([]);
  });

  it('nor does what an engine thread imports to execute runs', async () => {
    const loaded = await packagesLoadedBy('engine/dist/runs/engine-deps.js', 'engine/dist/runs/run-executor.js', 'engine/dist/host/remote-limiter.js');
    expect(loaded).toContain('xstate');
    expect(loaded.filter((name) => LAZY.includes(name))).toEqual([]);
  });

  it('the lister sees them where they are imported (queue mode)', async () => {
    const loaded = await packagesLoadedBy('engine/dist/runs/queue-worker.js', 'engine/dist/runs/queue-host.js');
    expect(loaded).toEqual(expect.arrayContaining(['bullmq', 'ioredis', 'redis-semaphore']));
  });
});
