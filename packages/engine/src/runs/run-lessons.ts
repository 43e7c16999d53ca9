import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LessonSchema, type Lesson } from '@tradingfloor/shared';
import { z } from 'zod';
import { RUN_FILES } from '../results/run-files.js';

/** The lessons a run was shown, from its `lessons.json`; null when it has none (or it is unreadable). */
export async function readUsedLessons(dir: string): Promise<Lesson[] | null> {
  try {
    const parsed = z.array(LessonSchema).safeParse(JSON.parse(await readFile(join(dir, RUN_FILES.lessons), 'utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
