import { mkdir, readFile, rename } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '@tradingfloor/engine';
import { errorMessage, ScheduleRecordSchema, type ScheduleRecord } from '@tradingfloor/shared';
import { z } from 'zod';

/** The file's shape: a version, so a later format can be read beside this one, and every schedule. */
const ScheduleFileSchema = z.object({ version: z.literal(1), schedules: z.array(ScheduleRecordSchema) });

/** Name of the schedules file under the results directory. */
const SCHEDULES_FILE = 'schedules.json';

/**
 * The schedules of one results directory, kept in `<RESULTS_DIR>/schedules.json`. Every save writes the
 * whole list atomically (temp file + rename, flushed to disk), one save at a time in call order, so the file
 * always holds a complete list and the last save wins.
 */
export class ScheduleStore {
  readonly file: string;
  private writing: Promise<void> = Promise.resolve();

  constructor(resultsDir: string, private readonly log: (line: string) => void = () => {}) {
    this.file = path.join(resultsDir, SCHEDULES_FILE);
  }

  /**
   * Every stored schedule; none when the file does not exist. A file that cannot be read as schedules is
   * never overwritten: it is renamed aside (`schedules.json.unreadable-<time>`), logged, and the list starts
   * empty, so nothing it held is lost.
   */
  async load(now: number): Promise<ScheduleRecord[]> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    try {
      return ScheduleFileSchema.parse(JSON.parse(text)).schedules;
    } catch (err) {
      const aside = `${this.file}.unreadable-${new Date(now).toISOString().replace(/[:.]/g, '-')}`;
      await rename(this.file, aside);
      this.log(`schedules: ${this.file} could not be read (${errorMessage(err).split('\n')[0]}); kept as ${aside}, starting with no schedules`);
      return [];
    }
  }

  /** Writes `schedules` (a snapshot taken now) after any save still under way. */
  save(schedules: readonly ScheduleRecord[]): Promise<void> {
    const text = `${JSON.stringify({ version: 1, schedules }, null, 2)}\n`;
    const write = async () => {
      await mkdir(path.dirname(this.file), { recursive: true });
      await writeFileAtomic(this.file, text, { durable: true });
    };
    const result = this.writing.then(write, write);
    this.writing = result.catch(() => undefined);
    return result;
  }

  /** Resolves when every save asked for so far has ended. */
  flushed(): Promise<void> {
    return this.writing;
  }
}
