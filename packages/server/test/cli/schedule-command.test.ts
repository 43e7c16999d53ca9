import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { Schedule } from '@tradingfloor/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { startServer, type RunningServer } from '../../src/serve.js';
import { ManualClock } from '../support/manual-clock.js';
import { captureIo } from './support/capture.js';
import { builtCli, cleanEnv, repoRoot, tempResultsDir } from './support/paths.js';

const TOKEN = 'schedule-cli-token';
let server: RunningServer;
let results: string;

/** Runs the built bin to its end and gives its exit code and output. */
function runBin(args: string[], env: Record<string, string | undefined>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [builtCli, ...args], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

beforeAll(async () => {
  if (!existsSync(builtCli)) throw new Error(`${path.relative(repoRoot, builtCli)} is missing: run npm run build first`);
  results = await tempResultsDir();
  server = await startServer(
    { TRADINGFLOOR_TOKEN: TOKEN },
    { port: 0, host: '127.0.0.1', resultsDir: results, webDist: path.join(results, 'no-web'), log: () => {}, scheduleClock: new ManualClock(Date.UTC(2026, 11, 7, 12, 0)) },
  );
});
afterAll(async () => {
  await server?.close();
  if (results) await rm(results, { recursive: true, force: true });
});

describe('tradingfloor schedule add|list|rm against a real server', () => {
  it('the built bin adds, lists and removes a schedule over REST with the token from the environment', { timeout: 60_000 }, async () => {
    const env = cleanEnv({ TRADINGFLOOR_URL: server.url, TRADINGFLOOR_TOKEN: TOKEN });
    const added = await runBin(['schedule', 'add', '-t', 'ACME,globex', '--cron', '30 8 * * 1-5', '--timezone', 'Europe/Paris', '--name', 'open', '--rounds', '2', '--memory', 'on'], env);
    expect(added.stderr).toBe('');
    expect(added.code).toBe(0);
    const id = /Schedule (sch-[0-9a-f]{10}) created: ACME, GLOBEX on "30 8 \* \* 1-5" \(Europe\/Paris\)\./.exec(added.stdout)?.[1];
    expect(id, added.stdout).toBeDefined();
    expect(added.stdout).toContain('Tue, 8 Dec 2026, 08:30 (Europe/Paris)  2026-12-08T07:30:00.000Z');
    const stored = server.scheduler.get(id!)!;
    expect(stored).toMatchObject({ name: 'open', tickers: ['ACME', 'GLOBEX'], options: { max_debate_rounds: 2, memory: true } });

    const listed = await runBin(['schedule', 'list'], env);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(new RegExp(`${id}.*open.*ACME,GLOBEX.*30 8 \\* \\* 1-5.*Europe/Paris.*Tue, 8 Dec 2026, 08:30`));
    const json = await runBin(['schedule', 'list', '--json'], env);
    expect((JSON.parse(json.stdout) as { schedules: Schedule[] }).schedules.map((s) => s.schedule_id)).toEqual([id]);

    const removed = await runBin(['schedule', 'rm', id!], env);
    expect(removed.code).toBe(0);
    expect(removed.stdout).toBe(`Schedule ${id} deleted.\n`);
    const again = await runBin(['schedule', 'rm', id!], env);
    expect(again.code).toBe(2);
    expect(again.stderr).toBe(`tradingfloor schedule rm: Schedule not found: ${id}\n`);
    expect(server.scheduler.list()).toEqual([]);
  });

  it('bad input exits 2 with the reason, an unreachable server exits 1', { timeout: 30_000 }, async () => {
    const cases: Array<[string[], Record<string, string>, number, RegExp]> = [
      [['schedule', 'add', '-t', 'ACME', '--cron', '0 9 * *'], { TRADINGFLOOR_TOKEN: TOKEN }, 2, /invalid cron expression "0 9 \* \*"/],
      [['schedule', 'add', '-t', 'NOPE', '--cron', '0 9 * * *', '--timezone', 'UTC'], { TRADINGFLOOR_TOKEN: TOKEN }, 2, /no market data for NOPE/],
      [['schedule', 'add', '-t', 'ACME', '--cron', '0 9 * * *', '--timezone', 'Atlantis/Capital'], { TRADINGFLOOR_TOKEN: TOKEN }, 2, /unknown time zone "Atlantis\/Capital"/],
      [['schedule', 'add', '-t', 'ACME', '--cron', '0 9 * * *', '--missed', 'later'], { TRADINGFLOOR_TOKEN: TOKEN }, 2, /--missed must be run_once or skip, got "later"/],
      [['schedule', 'add', '-t', 'ACME', '--cron', '0 9 * * *', '--rounds', 'many'], { TRADINGFLOOR_TOKEN: TOKEN }, 2, /max_debate_rounds/],
      [['schedule', 'rm', 'ACME'], { TRADINGFLOOR_TOKEN: TOKEN }, 2, /a schedule id looks like sch-0123456789, got "ACME"/],
      [['schedule', 'list'], {}, 2, /TRADINGFLOOR_TOKEN or pass --token/],
      [['schedule', 'add', '--cron', '0 9 * * *'], { TRADINGFLOOR_TOKEN: TOKEN }, 2, /required option '-t, --tickers <list>' not specified/],
    ];
    for (const [argv, env, code, message] of cases) {
      const { io, stderr } = captureIo({ env: { TRADINGFLOOR_URL: server.url, ...env } });
      expect(await main(argv, io), argv.join(' ')).toBe(code);
      expect(stderr.text).toMatch(message);
    }
    expect(server.scheduler.list()).toEqual([]);

    const { io, stderr } = captureIo({ env: {} });
    expect(await main(['schedule', 'list', '--server', 'http://127.0.0.1:9'], io)).toBe(1);
    expect(stderr.text).toMatch(/cannot reach the server at http:\/\/127\.0\.0\.1:9 .*tradingfloor serve/);
  });
});
