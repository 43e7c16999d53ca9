import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createEngineDeps, parseEngineEnv, RunManager } from '@tradingfloor/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { captureIo } from './support/capture.js';

// `tradingfloor export` reads a run straight from the results directory: one real offline run is made first
// (the offline model on the demo market), by a RunManager that is then shut down, so no server is involved.

let dir: string;
let runId: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'tf-export-cli-'));
  const manager = new RunManager({ deps: createEngineDeps(parseEngineEnv({})), resultsDir: dir });
  const [run] = await manager.start([{ ticker: 'WAYNE', options: { trade_date: '2024-03-28', analysts: ['market', 'fundamentals'] } }]);
  runId = run!.run_id;
  expect((await manager.whenFinished(runId)).status).toBe('completed');
  await manager.shutdown();
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('tradingfloor export', () => {
  it('prints the Markdown report to stdout by default', async () => {
    const { io, stdout, stderr } = captureIo({ cwd: dir });
    expect(await main(['export', runId, '--results-dir', dir], io)).toBe(0);
    expect(stderr.text).toBe('');
    for (const part of [
      '## Decision',
      '## Price chart',
      '## Analyst reports',
      '### Market Analyst',
      '### Fundamentals Analyst',
      '## Research debate',
      '## Risk debate',
      '## Provenance',
    ])
      expect(stdout.text).toContain(`\n${part}\n`);
    expect(stdout.text).toContain(`| Run id | ${runId} |`);
    expect(stdout.text).toContain('data:image/svg+xml;base64,');
    // The decision on disk is the one in the document.
    const decision = JSON.parse(await readFile(path.join(await findRunDir(), 'decision.json'), 'utf8')) as {
      action: string;
      rating: string;
    };
    expect(stdout.text).toContain(`| ${decision.action} | ${decision.rating} |`);
  });

  it('writes the HTML report to --out, finding the run through $RESULTS_DIR', async () => {
    const { io, stdout, stderr } = captureIo({ cwd: dir, env: { RESULTS_DIR: dir } });
    expect(await main(['export', runId, '--format', 'html', '--out', 'report.html'], io)).toBe(0);
    expect(stdout.text).toBe('');
    expect(stderr.text).toContain(`wrote ${path.join(dir, 'report.html')} (WAYNE_2024-03-28_${runId.split('--')[2]}.html)`);
    const html = await readFile(path.join(dir, 'report.html'), 'utf8');
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('<svg ');
    expect(html).not.toMatch(/<script/i);
  });

  it('exits 2 with a clear message for a bad format, a malformed id and an unknown run', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['export', runId, '--format', 'pdf', '--results-dir', dir], /--format must be md or html, got "pdf"/],
      [['export', 'not-a-run', '--results-dir', dir], /invalid run_id/],
      [['export', 'WAYNE--2020-01-01_00.00.00--abcdef', '--results-dir', dir], /no run WAYNE--2020-01-01_00\.00\.00--abcdef under /],
      [['export', runId, '--results-dir', path.join(dir, 'missing')], /no run .* under .*missing/],
    ];
    for (const [argv, message] of cases) {
      const { io, stdout, stderr } = captureIo({ cwd: dir });
      expect(await main(argv, io), argv.join(' ')).toBe(2);
      expect(stderr.text).toMatch(message);
      expect(stdout.text).toBe('');
    }
  });
});

async function findRunDir(): Promise<string> {
  const [stamp] = await readdir(path.join(dir, 'WAYNE'));
  return path.join(dir, 'WAYNE', stamp!);
}
