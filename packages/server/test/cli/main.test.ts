import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { captureIo } from './support/capture.js';

describe('main', () => {
  it('--help of run documents every option, the environment and the exit codes', async () => {
    const { io, stdout } = captureIo();
    expect(await main(['run', '--help'], io)).toBe(0);
    for (const flag of [
      '--tickers',
      '--parallel',
      '--date',
      '--analysts',
      '--rounds',
      '--risk-rounds',
      '--provider',
      '--quick-model',
      '--deep-model',
      '--offline-latency',
      '--sequential-analysts',
      '--results-dir',
      '--json',
    ]) {
      expect(stdout.text).toContain(flag);
    }
    for (const env of ['DATA_DIR', 'RESULTS_DIR', 'OPENAI_API_KEY', 'ANTHROPIC_API_KEY', 'LLM_MAX_CONCURRENCY'])
      expect(stdout.text).toContain(env);
    expect(stdout.text).toMatch(/130 +interrupted/);
  });

  it('--help lists the commands; --version prints the version', async () => {
    const help = captureIo();
    expect(await main(['--help'], help.io)).toBe(0);
    expect(help.stdout.text).toContain('run [options]');
    expect(help.stdout.text).toContain('serve [options]');
    const version = captureIo();
    expect(await main(['--version'], version.io)).toBe(0);
    expect(version.stdout.text).toMatch(/^\d+\.\d+\.\d+\n$/);
  });

  it('exits 2 with a clear message for bad input, before any engine work', async () => {
    const cases: Array<[string[], string]> = [
      [['run', '--tickers', 'AAPL,MS FT$'], 'bad ticker "FT$": "FT$" contains "$"'],
      [['run', '--tickers', 'AAPL', '--analysts', 'market,vibes'], 'unknown analyst "vibes"'],
      [['run', '--tickers', 'AAPL', '--parallel', '0'], '--parallel must be at least 1, got 0'],
      [['run', '--tickers', 'AAPL', '--rounds', 'two'], '--rounds must be a whole number, got "two"'],
      [['run', '--tickers', 'AAPL', '--date', '2999-01-01'], '--date 2999-01-01 is in the future'],
      [['run', '--tickers', 'AAPL', '--provider', 'palm'], 'unknown provider "palm"'],
      [['run'], "required option '-t, --tickers <list>' not specified"],
      [['run', '--tickers', 'AAPL', '--paralel', '2'], "unknown option '--paralel'"],
      [['launch'], "unknown command 'launch'"],
    ];
    for (const [argv, message] of cases) {
      const { io, stderr, stdout } = captureIo();
      expect(await main(argv, io), argv.join(' ')).toBe(2);
      expect(stderr.text, argv.join(' ')).toContain(message);
      expect(stdout.text).toBe('');
    }
  });
});
