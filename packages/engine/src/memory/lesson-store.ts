import { appendFile, mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LessonSchema, type Lesson } from '@tradingfloor/shared';

/** Name of the memory folder inside the results directory. Lower case, so it never meets a ticker's folder. */
const MEMORY_DIR = 'memory';

/**
 * The reflection memory of one results directory: `<results>/memory/<TICKER>.jsonl`, one lesson per line,
 * append-only and readable as text. A torn or foreign line is skipped, never fatal; a run's decision is
 * settled once (a second lesson for the same `run_id` is ignored on reading).
 *
 * Appends of one ticker go through a per-ticker lock held by {@link withTicker}, so two runs of a ticker in
 * this process never settle the same decision twice. Two processes sharing one results directory are not
 * coordinated beyond the duplicate check on reading.
 */
export class LessonStore {
  private readonly locks = new Map<string, Promise<unknown>>();

  /** `resultsDir`: the results root; lessons go to its `memory/` folder. */
  constructor(readonly resultsDir: string) {}

  get dir(): string {
    return join(this.resultsDir, MEMORY_DIR);
  }

  fileOf(ticker: string): string {
    return join(this.dir, `${ticker}.jsonl`);
  }

  /** Every lesson of one ticker, in file order (the order they were settled). */
  async read(ticker: string): Promise<Lesson[]> {
    let text: string;
    try {
      text = await readFile(this.fileOf(ticker), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const seen = new Set<string>();
    const lessons: Lesson[] = [];
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      let parsed;
      try {
        parsed = LessonSchema.safeParse(JSON.parse(line));
      } catch {
        continue;
      }
      if (!parsed.success || seen.has(parsed.data.run_id)) continue;
      seen.add(parsed.data.run_id);
      lessons.push(parsed.data);
    }
    return lessons;
  }

  /** Every lesson of every ticker. */
  async readAll(): Promise<Lesson[]> {
    const names = await readdir(this.dir).catch(() => [] as string[]);
    const tickers = names
      .filter((n) => n.endsWith('.jsonl'))
      .map((n) => n.slice(0, -'.jsonl'.length))
      .sort();
    return (await Promise.all(tickers.map((t) => this.read(t)))).flat();
  }

  /** Appends one lesson as one line (a single write, so a reader sees the line whole or not at all). */
  async append(lesson: Lesson): Promise<void> {
    const checked = LessonSchema.parse(lesson);
    await mkdir(this.dir, { recursive: true });
    await appendFile(this.fileOf(checked.ticker), `${JSON.stringify(checked)}\n`, 'utf8');
  }

  /** Runs `work` while no other `withTicker` of the same ticker runs (in this process). */
  async withTicker<T>(ticker: string, work: () => Promise<T>): Promise<T> {
    const before = this.locks.get(ticker) ?? Promise.resolve();
    const result = before.catch(() => {}).then(work);
    const tail = result.catch(() => {});
    this.locks.set(ticker, tail);
    try {
      return await result;
    } finally {
      if (this.locks.get(ticker) === tail) this.locks.delete(ticker);
    }
  }
}
