import { EventEmitter } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bufferEarlySignals } from '../../src/cli/early-signals.js';

const tick = () => new Promise<void>((resolve) => queueMicrotask(resolve));

describe('signals caught before the CLI has loaded', () => {
  it('hands a Ctrl-C received before any command listened to the first SIGINT listener', async () => {
    const proc = new EventEmitter();
    const exits: number[] = [];
    const signals = bufferEarlySignals(proc as never, (code) => exits.push(code));
    proc.emit('SIGINT');
    const seen: string[] = [];
    signals.on('SIGTERM', () => seen.push('term'));
    signals.on('SIGINT', () => seen.push('int'));
    expect(seen).toEqual([]); // delivered after registration, not inside `on`
    await tick();
    expect(seen).toEqual(['int']);
    // Later signals go straight to the listeners; nothing is delivered twice.
    proc.emit('SIGTERM');
    expect(seen).toEqual(['int', 'term']);
    expect(exits).toEqual([]);
  });

  it('a second signal while nobody listens exits at once; dispose stops listening', async () => {
    const proc = new EventEmitter();
    const exits: number[] = [];
    const signals = bufferEarlySignals(proc as never, (code) => exits.push(code));
    proc.emit('SIGINT');
    proc.emit('SIGINT');
    expect(exits).toEqual([130]);
    signals.dispose();
    expect(proc.listenerCount('SIGINT')).toBe(0);
    expect(proc.listenerCount('SIGTERM')).toBe(0);
  });

  it('a run command interrupted before it started still prints a summary', { timeout: 30_000 }, async () => {
    const { main } = await import('../../src/cli/main.js');
    const proc = new EventEmitter();
    const signals = bufferEarlySignals(proc as never, () => {});
    proc.emit('SIGINT'); // Ctrl-C while the modules were still loading
    let out = '';
    const results = await mkdtemp(path.join(os.tmpdir(), 'tf-early-signal-'));
    const code = await main(['run', '--tickers', 'ACME', '--results-dir', results], {
      stdout: { write: (s: string) => (out += s) },
      stderr: { write: () => true },
      env: {},
      signals,
    });
    expect(code).toBe(130);
    expect(out).toMatch(/ACME/);
    expect(out).toMatch(/0\/1 runs completed · 1 canceled/);
    await rm(results, { recursive: true, force: true });
  });
});
