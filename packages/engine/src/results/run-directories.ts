import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { formatRunTimestamp } from '@tradingfloor/shared';
import { checkTickerSegment, createRunDirectory, runDirectoryName } from './results-dir.js';

/** Directory creations in flight at once: enough to keep libuv's pool busy, few enough not to crowd other I/O. */
const DEFAULT_CONCURRENCY = 32;

/** One run directory to make. */
export interface RunDirectoryRequest {
  ticker: string;
  started: Date;
}

/**
 * Makes the results directories of many runs at once (`<resultsDir>/<TICKER>/<second>[_n]`, as
 * `createRunDirectory` names them). A thousand runs of seven tickers started in one second need `_2` … `_143`:
 * probing each name from `_1` costs a failed mkdir per run before it (quadratic, ~4 ms a run at 1000), so the
 * next free suffix of each ticker's current second is remembered here and every run tries its own name at
 * once; a name taken meanwhile (another process, a directory left from before) falls back to probing upwards.
 * The mkdirs run concurrently, at most `concurrency` at a time.
 */
export class RunDirectories {
  /** Per ticker: the second last named and the next suffix to try in it (one entry per ticker). */
  private readonly next = new Map<string, { stamp: string; n: number }>();

  constructor(
    private readonly resultsDir: string,
    private readonly concurrency = DEFAULT_CONCURRENCY,
  ) {}

  /**
   * Makes one directory per request and returns their paths in request order. `fill(dir, i)`, when given,
   * writes the first files of request `i`'s directory right after it is made, in the same slot of the
   * concurrency (each run's files follow its own directory instead of waiting for every directory). On a
   * failure the ones already made are removed and the error is thrown (`ValidationError` for a ticker that is
   * not a path segment).
   */
  async create(requests: readonly RunDirectoryRequest[], fill?: (dir: string, index: number) => Promise<void>): Promise<string[]> {
    for (const { ticker } of requests) checkTickerSegment(ticker);
    await Promise.all([...new Set(requests.map((r) => r.ticker))].map((ticker) => mkdir(join(this.resultsDir, ticker), { recursive: true })));
    // Names are handed out before any await, so concurrent calls never try the same one first.
    const planned = requests.map(({ ticker, started }) => ({ ticker, started, stamp: formatRunTimestamp(started), n: this.take(ticker, formatRunTimestamp(started)) }));
    const dirs: Array<string | undefined> = new Array(requests.length);
    let failure: { error: unknown } | null = null;
    let index = 0;
    const worker = async (): Promise<void> => {
      while (failure === null && index < planned.length) {
        const i = index++;
        const plan = planned[i]!;
        const dir = join(this.resultsDir, plan.ticker, runDirectoryName(plan.stamp, plan.n));
        try {
          const made = await this.make(dir, plan);
          dirs[i] = made;
          if (fill) await fill(made, i);
        } catch (error) {
          failure ??= { error };
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, planned.length) }, worker));
    if (failure !== null) {
      await Promise.all(dirs.filter((d): d is string => d !== undefined).map((d) => rm(d, { recursive: true, force: true })));
      throw (failure as { error: unknown }).error;
    }
    return dirs as string[];
  }

  /** The planned name, or (taken meanwhile) the next free one above it, remembered for later runs. */
  private async make(dir: string, plan: { ticker: string; started: Date; stamp: string; n: number }): Promise<string> {
    try {
      await mkdir(dir);
      return dir;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const made = await createRunDirectory(this.resultsDir, plan.ticker, plan.started, plan.n + 1);
    const suffix = /_(\d+)$/.exec(made.slice(made.lastIndexOf(plan.stamp) + plan.stamp.length));
    const n = suffix ? Number(suffix[1]) : 1;
    const current = this.next.get(plan.ticker);
    if (current?.stamp === plan.stamp && current.n <= n) current.n = n + 1;
    return made;
  }

  private take(ticker: string, stamp: string): number {
    const current = this.next.get(ticker);
    if (current?.stamp !== stamp) {
      this.next.set(ticker, { stamp, n: 2 });
      return 1;
    }
    return current.n++;
  }
}
