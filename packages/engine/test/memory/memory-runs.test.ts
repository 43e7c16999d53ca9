import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LessonSchema, type Lesson } from '@tradingfloor/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEngineDeps } from '../../src/runs/engine-deps.js';
import type { ChatRequest, LlmProvider } from '../../src/providers/provider.js';
import { RunManager } from '../../src/runs/run-manager.js';
import type { EngineDeps } from '../../src/runs/run-manager-api.js';
import { tempDir } from '../runs/support.js';
import { fileURLToPath } from 'node:url';
import { parseEngineEnv } from '../../src/config/engine-env.js';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const dataDir = process.env.DATA_DIR ?? join(repoRoot, '../shared/data');
const hasData = existsSync(join(dataDir, 'ohlcv', 'AAPL.csv')) && existsSync(join(dataDir, 'ohlcv', 'SPY.csv'));
if (!hasData) console.warn(`skipping the real-data memory test: no AAPL and SPY data at ${dataDir} (set DATA_DIR)`);

/** Close of one date, read straight from the csv file (an independent reading of the data). */
async function csvClose(ticker: string, date: string): Promise<number> {
  const line = (await readFile(join(dataDir, 'ohlcv', `${ticker}.csv`), 'utf8')).split('\n').find((l) => l.startsWith(`${date},`));
  if (!line) throw new Error(`no ${ticker} row for ${date}`);
  return Number(line.split(',')[4]);
}

let results: Awaited<ReturnType<typeof tempDir>>;
beforeEach(async () => {
  results = await tempDir();
});
afterEach(async () => {
  await results.cleanup();
});

/** The real engine deps (demo market, offline model) with every request the provider receives captured. */
function capturingDeps(env: NodeJS.ProcessEnv = {}): { deps: EngineDeps; requests: ChatRequest[] } {
  const base = createEngineDeps(parseEngineEnv(env));
  const requests: ChatRequest[] = [];
  const deps: EngineDeps = {
    ...base,
    providerFor(config) {
      const inner = base.providerFor(config);
      const capturing: LlmProvider = {
        name: inner.name,
        label: inner.label,
        chat(request, signal) {
          requests.push(structuredClone(request));
          return inner.chat(request, signal);
        },
      };
      return capturing;
    },
  };
  return { deps, requests };
}

/** Everything the model was sent by one agent role, as one text. */
function promptsOf(requests: readonly ChatRequest[], role: string): string {
  return requests
    .filter((r) => r.meta.agentRole === role)
    .flatMap((r) => r.messages.map((m) => m.content))
    .join('\n');
}

async function runOne(m: RunManager, tradeDate: string, memory: boolean, ticker = 'ACME') {
  const [run] = await m.start([{ ticker, options: { trade_date: tradeDate, memory } }]);
  const done = await m.whenFinished(run!.run_id);
  expect(done.error).toBeNull();
  expect(done.status).toBe('completed');
  return done;
}

async function lessonsFile(ticker: string): Promise<Lesson[]> {
  const path = join(results.dir, 'memory', `${ticker}.jsonl`);
  if (!existsSync(path)) return [];
  const text = await readFile(path, 'utf8');
  return text
    .trim()
    .split('\n')
    .map((line) => LessonSchema.parse(JSON.parse(line)));
}

/** A stored lesson, as a settled earlier decision would have left it. */
function lesson(
  fields: Partial<Lesson> & Pick<Lesson, 'ticker' | 'run_id' | 'decision_date' | 'outcome_date' | 'text' | 'situation'>,
): Lesson {
  return {
    horizon: 5,
    action: 'BUY',
    rating: 'Buy',
    realised_return: 0.04,
    decision_return: 0.04,
    benchmark_return: null,
    alpha: null,
    reflected_by: 'test',
    ...fields,
  };
}

describe('reflection memory in real runs (demo market, offline model)', () => {
  it(
    'settles a decision only once its horizon has passed by the new run’s date, then shows the lesson to both managers',
    { timeout: 30_000 },
    async () => {
      const { deps, requests } = capturingDeps();
      const m = new RunManager({ deps, resultsDir: results.dir });

      const first = await runOne(m, '2024-03-01', true);
      // Nothing to learn from yet; the (empty) section is still there and the run says so.
      expect(promptsOf(requests, 'research_manager')).toContain('(no lessons yet)');
      expect(JSON.parse(await readFile(join(first.results_path, 'lessons.json'), 'utf8'))).toEqual([]);

      // Two trading days later: the first decision's outcome (5 trading days) is not known yet.
      await runOne(m, '2024-03-05', true);
      expect(await lessonsFile('ACME')).toEqual([]);
      expect(requests.some((r) => r.meta.agentRole === 'reflector')).toBe(false);

      requests.length = 0;
      const third = await runOne(m, '2024-03-15', true);
      const lessons = await lessonsFile('ACME');
      expect(lessons.map((l) => [l.run_id, l.decision_date, l.outcome_date])).toEqual([
        [first.run_id, '2024-03-01', '2024-03-08'],
        [expect.any(String), '2024-03-05', '2024-03-12'],
      ]);
      for (const l of lessons) {
        expect(l.outcome_date <= '2024-03-15').toBe(true);
        expect(l.situation).toMatch(/Market: Signal:/);
        expect(l.text).toMatch(/Verdict/);
        expect(l.alpha).toBeNull(); // the demo market has no SPY
      }
      // One reflection call per settled decision, through the run's provider.
      expect(requests.filter((r) => r.meta.agentRole === 'reflector')).toHaveLength(2);
      for (const role of ['research_manager', 'portfolio_manager']) {
        const prompt = promptsOf(requests, role);
        expect(prompt).toContain('<lessons>');
        expect(prompt).toContain(`ACME ${lessons[0]!.action} on 2024-03-01`);
      }
      // The offline managers say what they read (and that their rules do not apply it).
      const decisionText = await readFile(join(third.results_path, 'reports', 'final_trade_decision.md'), 'utf8');
      expect(decisionText).toMatch(/### Lessons from past decisions\n2 lesson\(s\) read; first: ACME \w+ on 2024-03-05/);
      const used = JSON.parse(await readFile(join(third.results_path, 'lessons.json'), 'utf8')) as Lesson[];
      expect(used.map((l) => l.decision_date)).toEqual(['2024-03-05', '2024-03-01']);
      expect(await readFile(join(third.results_path, 'reports', 'lessons.md'), 'utf8')).toMatch(/^# Lessons from past decisions/);
      expect(await m.runLessons(third.run_id)).toEqual({ memory: true, lessons: used });

      // Settled once: a later run adds no second lesson for the same decisions, and the decision of 03-15
      // (outcome 03-22) is still pending on 03-18.
      await runOne(m, '2024-03-18', true);
      expect((await lessonsFile('ACME')).map((l) => l.decision_date)).toEqual(['2024-03-01', '2024-03-05']);
    },
  );

  it('never lets a lesson with a later outcome date reach any prompt, however well it matches', { timeout: 30_000 }, async () => {
    const { deps, requests } = capturingDeps();
    const m = new RunManager({ deps, resultsDir: results.dir });
    const situation = 'Market: Signal: bullish (score +3 of 5) · price above SMA 50 · RSI momentum trend';
    await mkdir(join(results.dir, 'memory'), { recursive: true });
    const stored = [
      lesson({
        ticker: 'ACME',
        run_id: 'a-past',
        decision_date: '2024-02-20',
        outcome_date: '2024-02-27',
        situation,
        text: 'OWN-PAST-MARKER keep it',
      }),
      lesson({
        ticker: 'ACME',
        run_id: 'a-future',
        decision_date: '2024-03-12',
        outcome_date: '2024-03-19',
        situation,
        text: 'OWN-FUTURE-MARKER',
      }),
      // Decided before the trade date, but its outcome is after it: still unknown on that date.
      lesson({
        ticker: 'ACME',
        run_id: 'a-straddle',
        decision_date: '2024-03-11',
        outcome_date: '2024-03-18',
        situation,
        text: 'STRADDLE-MARKER',
      }),
      lesson({
        ticker: 'GLOBEX',
        run_id: 'g-past',
        decision_date: '2024-02-01',
        outcome_date: '2024-02-08',
        situation,
        text: 'OTHER-PAST-MARKER',
      }),
      lesson({
        ticker: 'GLOBEX',
        run_id: 'g-future',
        decision_date: '2024-03-20',
        outcome_date: '2024-03-27',
        situation: `${situation} ${situation}`,
        text: 'OTHER-FUTURE-MARKER',
      }),
    ];
    for (const ticker of ['ACME', 'GLOBEX']) {
      const lines = stored.filter((l) => l.ticker === ticker).map((l) => JSON.stringify(l));
      await writeFile(join(results.dir, 'memory', `${ticker}.jsonl`), `${lines.join('\n')}\n`);
    }

    const done = await runOne(m, '2024-03-15', true);
    const everything = requests.flatMap((r) => r.messages.map((msg) => msg.content)).join('\n');
    expect(everything).not.toContain('OWN-FUTURE-MARKER');
    expect(everything).not.toContain('STRADDLE-MARKER');
    expect(everything).not.toContain('OTHER-FUTURE-MARKER');
    for (const role of ['research_manager', 'portfolio_manager']) {
      expect(promptsOf(requests, role)).toContain('OWN-PAST-MARKER');
      expect(promptsOf(requests, role)).toContain('OTHER-PAST-MARKER');
    }
    const used = (await m.runLessons(done.run_id))!.lessons.map((l) => l.run_id);
    expect(used).toEqual(['a-past', 'g-past']);
  });

  it('memory off: no lessons section, no reflection, nothing written to memory/', { timeout: 30_000 }, async () => {
    const { deps, requests } = capturingDeps();
    const m = new RunManager({ deps, resultsDir: results.dir });
    await runOne(m, '2024-03-01', false);
    const done = await runOne(m, '2024-03-15', false);
    expect(requests.some((r) => r.messages.some((msg) => msg.content.includes('<lessons>')))).toBe(false);
    expect(requests.some((r) => r.meta.agentRole === 'reflector')).toBe(false);
    expect(existsSync(join(results.dir, 'memory'))).toBe(false);
    expect(existsSync(join(done.results_path, 'lessons.json'))).toBe(false);
    expect(await m.runLessons(done.run_id)).toEqual({ memory: false, lessons: [] });
  });

  it.skipIf(!hasData)(
    'on real data (DATA_DIR) a lesson carries the return and the alpha against SPY, as the csv says',
    { timeout: 30_000 },
    async () => {
      const { deps } = capturingDeps({ DATA_DIR: dataDir });
      const m = new RunManager({ deps, resultsDir: results.dir });
      const first = await runOne(m, '2024-03-01', true, 'AAPL');
      await runOne(m, '2024-03-15', true, 'AAPL');
      const [lesson] = await lessonsFile('AAPL');
      expect(lesson).toMatchObject({ run_id: first.run_id, decision_date: '2024-03-01', outcome_date: '2024-03-08', horizon: 5 });
      const stock = (await csvClose('AAPL', '2024-03-08')) / (await csvClose('AAPL', '2024-03-01')) - 1;
      const spy = (await csvClose('SPY', '2024-03-08')) / (await csvClose('SPY', '2024-03-01')) - 1;
      expect(lesson!.realised_return).toBeCloseTo(stock, 10);
      expect(lesson!.benchmark_return).toBeCloseTo(spy, 10);
      expect(lesson!.alpha).toBeCloseTo(stock - spy, 10);
      expect(lesson!.text).toMatch(/against SPY/);
    },
  );
});
