import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TradingFloorError, type Cassette } from '@tradingfloor/shared';
import { writeFileAtomic } from '../../fs/atomic-write.js';
import type { ChatRequest, ChatResponse, LlmProvider } from '../provider.js';
import { hashedPartsOf, requestHash } from './request-hash.js';

/** A replayed run asked for an answer its cassette does not hold. Not retried: the run fails at once. */
class CassetteMissError extends TradingFloorError {
  constructor(
    message: string,
    readonly hash: string,
  ) {
    super('cassette_miss', 409, message);
  }
}

/** One recorded call, stored as `<dir>/<hash>.json`. */
interface CassetteEntry {
  version: 1;
  hash: string;
  /** Who asked first (informative only: the key does not depend on it). */
  role: string;
  request: Record<string, unknown>;
  response: ChatResponse;
}

/** Where the answer to a request with this hash is stored. */
function cassetteEntryPath(dir: string, hash: string): string {
  return join(dir, `${hash}.json`);
}

async function readEntry(path: string): Promise<CassetteEntry | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  const entry = JSON.parse(text) as CassetteEntry;
  if (entry?.version !== 1 || typeof entry.response?.text !== 'string') throw new Error(`${path} is not a cassette entry`);
  return entry;
}

/**
 * Wraps a run's provider with a cassette (DESIGN.md §8). It sits in FRONT of the limiter and retries: a
 * replayed answer makes no network call and takes no permit. The key is {@link requestHash}.
 * - `record`: every call goes to `inner`; its answer is stored (atomically) under the request's hash.
 * - `replay`: every answer comes from the cassette; a miss fails the call with {@link CassetteMissError},
 *   naming the role and the hash, and `inner` is never called.
 * - `replay_or_record`: replays what is there and records the gaps.
 * The directory must exist for `replay`; the other modes create it on first write.
 */
export function withCassette(inner: LlmProvider, cassette: Cassette): LlmProvider {
  const { mode, dir } = cassette;
  let made: Promise<unknown> | undefined;
  const record = async (hash: string, request: ChatRequest, response: ChatResponse) => {
    await (made ??= mkdir(dir, { recursive: true }));
    const entry: CassetteEntry = { version: 1, hash, role: request.meta.agentRole, request: hashedPartsOf(inner.name, request), response };
    await writeFileAtomic(cassetteEntryPath(dir, hash), `${JSON.stringify(entry, null, 2)}\n`);
  };
  return {
    name: inner.name,
    label: inner.label,
    async chat(request, signal) {
      signal.throwIfAborted();
      const hash = requestHash(inner.name, request);
      if (mode !== 'record') {
        const entry = await readEntry(cassetteEntryPath(dir, hash));
        if (entry) return structuredClone(entry.response);
        if (mode === 'replay') {
          throw new CassetteMissError(
            `replay cassette ${dir} has no answer for the ${request.meta.agentRole} (${request.meta.agentId}, model ${request.model}): request hash ${hash}`,
            hash,
          );
        }
      }
      const response = await inner.chat(request, signal);
      await record(hash, request, response);
      return response;
    },
  };
}
