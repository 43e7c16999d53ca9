import type { HostRunSpec, RunRestore } from '../host/host-protocol.js';
import { readRunDirectorySync } from '../results/read-history.js';
import { readAgentMessages } from '../results/read-messages.js';
import { checkResumable } from './resume-check.js';
import { readUsedLessons } from './run-lessons.js';

/** Log lines of the run read back to continue its numbering. */
const TAKEOVER_LOG_LINES = 10_000;

/**
 * The spec a queue worker executes when it takes over a run whose previous worker stopped renewing the job
 * (killed, or cut off): the run resumes from its last `state.json` in its (shared) results directory, as
 * `RunManager.resume` would build it, so finished steps are not asked again. Throws with the reason when the
 * saved state cannot be resumed.
 */
export async function takeoverSpec(spec: HostRunSpec): Promise<HostRunSpec> {
  const stored = readRunDirectorySync(spec.dir, spec.config.ticker, TAKEOVER_LOG_LINES);
  const check = checkResumable(stored);
  if (!check.ok) throw new Error(check.reason);
  const restore: RunRestore = { snapshot: check.snapshot, messages: await readAgentMessages(spec.dir) };
  if (stored.state?.usage) restore.usage = stored.state.usage;
  const lessons = await readUsedLessons(spec.dir);
  if (lessons) restore.lessons = lessons;
  // A takeover never holds: the run had begun on the worker that stopped.
  return { runId: spec.runId, config: stored.config, dir: spec.dir, createdAt: spec.createdAt, resume: { restore, logs: stored.logs } };
}
