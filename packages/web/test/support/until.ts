import { deferred } from '@tradingfloor/shared';
import { watch } from 'vue';

/**
 * Resolves as soon as a reactive condition holds, driven by Vue's own change notification (no polling).
 * The test's timeout is the failure path.
 */
export function until(predicate: () => boolean): Promise<void> {
  if (predicate()) return Promise.resolve();
  const done = deferred();
  const stop = watch(
    predicate,
    (ok) => {
      if (ok) {
        stop();
        done.resolve();
      }
    },
    { flush: 'sync' },
  );
  return done.promise;
}
