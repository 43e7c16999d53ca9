import { deferred } from '@tradingfloor/shared';
import { createDefaultScript } from './default-script.js';
import type { FakeScript } from './fake-provider.js';

/** A script that holds every answer until released, for tests of limits: they count the calls in flight. */
export interface GatedScript {
  /** For `fake.setScript`: each request waits for the gate open when it arrived, then gets the default answer. */
  script: FakeScript;
  /** Lets every request waiting now (and every later one, until `hold`) be answered. */
  release(): void;
  /** Closes a new gate: requests from now on wait for the next `release`. */
  hold(): void;
  /** The next request is answered 429 at once (retry after `retryAfterMs`, default 20), not held. */
  rateLimitNext(retryAfterMs?: number): void;
}

export function gatedScript(): GatedScript {
  const answer = createDefaultScript();
  let gate = deferred<void>();
  const rateLimits: number[] = [];
  return {
    script: async (req) => {
      const retryAfterMs = rateLimits.shift();
      if (retryAfterMs !== undefined) return { kind: 'rate_limit', retryAfterMs };
      await gate.promise;
      return answer(req);
    },
    release: () => gate.resolve(),
    hold: () => {
      gate = deferred<void>();
    },
    rateLimitNext: (retryAfterMs = 20) => {
      rateLimits.push(retryAfterMs);
    },
  };
}
