import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '@tradingfloor/engine';
import { errorMessage, WebhookAttemptSchema, WebhookEventSchema, WebhookOutcomeSchema } from '@tradingfloor/shared';
import { z } from 'zod';

/** One event for one target as kept on disk. Times are epoch ms. `body` is dropped once the outcome is final. */
const StoredDeliverySchema = z.object({
  id: z.string(),
  event: WebhookEventSchema,
  target: z.string(),
  outcome: WebhookOutcomeSchema,
  attempts: z.array(WebhookAttemptSchema),
  next_attempt_at: z.number().nullable(),
  created_at: z.number(),
  /** The exact bytes sent (and signed) on every attempt, so a retry after a restart sends the same payload. */
  body: z.string().optional(),
});
export type StoredDelivery = z.infer<typeof StoredDeliverySchema>;

/** Everything webhook-related of one run or backtest: its per-request targets and its deliveries. */
const SubjectRecordSchema = z.object({
  version: z.literal(1),
  kind: z.enum(['run', 'backtest']),
  subject_id: z.string(),
  subscriptions: z.array(z.object({ url: z.string(), events: z.array(WebhookEventSchema) })),
  deliveries: z.array(StoredDeliverySchema),
});
export type SubjectRecord = z.infer<typeof SubjectRecordSchema>;

/**
 * The webhook files: one JSON file per run or backtest under `<RESULTS_DIR>/webhooks/`, rewritten atomically
 * and flushed (temp file + fsync + rename) at every change, so a crash leaves the previous or the next state,
 * never half of one. The run history reader skips the folder (its name is not a valid ticker).
 */
export class WebhookStore {
  readonly dir: string;

  constructor(resultsDir: string) {
    this.dir = path.join(resultsDir, 'webhooks');
  }

  private fileOf(subjectId: string): string {
    // Run and backtest ids are validated before they get here; encoding keeps any other id inside the folder.
    return path.join(this.dir, `${encodeURIComponent(subjectId)}.json`);
  }

  /** Every record on disk; unreadable files are named in `skipped` and left as they are. */
  async loadAll(): Promise<{ records: SubjectRecord[]; skipped: Array<{ file: string; reason: string }> }> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch {
      return { records: [], skipped: [] };
    }
    const records: SubjectRecord[] = [];
    const skipped: Array<{ file: string; reason: string }> = [];
    for (const name of names.filter((n) => n.endsWith('.json') && !n.startsWith('.'))) {
      const file = path.join(this.dir, name);
      try {
        records.push(SubjectRecordSchema.parse(JSON.parse(await readFile(file, 'utf8'))));
      } catch (err) {
        skipped.push({ file, reason: errorMessage(err) });
      }
    }
    return { records, skipped };
  }

  async write(record: SubjectRecord): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    await writeFileAtomic(this.fileOf(record.subject_id), `${JSON.stringify(record)}\n`, { durable: true });
  }

  /** Deletes a subject's file; one already gone is fine. */
  async remove(subjectId: string): Promise<void> {
    await rm(this.fileOf(subjectId), { force: true });
  }
}
