import { deferred } from '@tradingfloor/shared';
import { describe, expect, it } from 'vitest';
import { JobWatch } from '../../src/host/queue-job-watch.js';

/** A watch over `ids` whose jobs are gone when listed in `gone`; records what it probes and declares lost. */
function watchOver(ids: string[], gone: Set<string>) {
  const probed: string[] = [];
  const lost: string[] = [];
  const watch = new JobWatch({
    intervalMs: 60_000,
    ids: () => ids.filter((id) => !lost.includes(id)),
    jobsGone: async (asked) => asked.filter((id) => gone.has(id)),
    probe: (id) => probed.push(id),
    lost: (id) => lost.push(id),
  });
  return { watch, probed, lost };
}

describe('JobWatch (queue mode: runs whose job vanished)', () => {
  it('probes a run whose job is gone, and declares it lost only when it is still gone and unanswered at the next check', async () => {
    const gone = new Set(['a']);
    const { watch, probed, lost } = watchOver(['a', 'b'], gone);
    await watch.check();
    expect(probed).toEqual(['a']);
    expect(lost).toEqual([]);
    await watch.check();
    expect(lost).toEqual(['a']);
  });

  it('a run its worker answers for is never lost, however long its job stays gone', async () => {
    const { watch, probed, lost } = watchOver(['a'], new Set(['a']));
    for (let round = 0; round < 4; round++) {
      await watch.check();
      watch.alive('a');
    }
    expect(lost).toEqual([]);
    expect(probed).toEqual(['a', 'a', 'a', 'a']);
  });

  it('a job that is back (or a run heard of) between two checks clears the suspicion', async () => {
    const gone = new Set(['a']);
    const { watch, lost } = watchOver(['a'], gone);
    await watch.check();
    gone.delete('a');
    await watch.check();
    gone.add('a');
    await watch.check();
    expect(lost).toEqual([]);
  });

  it('gives no verdict while Redis does not answer, and one check at a time', async () => {
    const answer = deferred<string[]>();
    let asked = 0;
    const lost: string[] = [];
    const watch = new JobWatch({
      intervalMs: 60_000,
      ids: () => ['a'],
      jobsGone: () => {
        asked += 1;
        return answer.promise;
      },
      probe: () => {},
      lost: (id) => lost.push(id),
    });
    const first = watch.check();
    await watch.check();
    expect(asked).toBe(1);
    answer.reject(new Error('Connection is closed.'));
    await first;
    expect(lost).toEqual([]);
  });
});
