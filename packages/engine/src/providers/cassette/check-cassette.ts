import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ValidationError, type Cassette, type ProviderName } from '@tradingfloor/shared';
import type { LlmProvider } from '../provider.js';

/**
 * Resolves a run's cassette directory to an absolute path (relative to the process's working directory) and
 * checks it: `replay` needs an existing directory; `record` / `replay_or_record` need a path that is not a file.
 * Throws `ValidationError` (400 / exit 2) before anything of the run is written.
 */
export async function checkCassette(cassette: Cassette, ticker: string): Promise<Cassette> {
  const dir = resolve(cassette.dir);
  const info = await stat(dir).catch(() => null);
  if (cassette.mode === 'replay' && info === null) {
    throw new ValidationError(`${ticker}: replay cassette directory ${dir} does not exist (record one first with --record)`);
  }
  if (info !== null && !info.isDirectory()) throw new ValidationError(`${ticker}: cassette path ${dir} is not a directory`);
  return { mode: cassette.mode, dir };
}

/**
 * Stands in for a provider that is not configured (no API key) in a `replay` run: the cassette answers every
 * call, so this one is only reached by nothing; if it ever is, it fails naming why.
 */
export function replayOnlyProvider(name: ProviderName, reason: string): LlmProvider {
  return {
    name,
    label: `${name} (replay only: ${reason})`,
    chat: () => Promise.reject(new ValidationError(`${name} is not configured (${reason}); only a cassette can answer`)),
  };
}
