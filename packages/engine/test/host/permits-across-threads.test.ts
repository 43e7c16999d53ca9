import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { deferred } from '@tradingfloor/shared';
import { afterEach, describe, expect, it } from 'vitest';
import { PermitServer } from '../../src/host/permit-server.js';
import { RemoteLimiter } from '../../src/host/remote-limiter.js';
import type { FromWorker, PermitNote, ToWorker } from '../../src/host/worker-wire.js';
import { ConcurrencyLimiter } from '../../src/limiter/concurrency-limiter.js';
import type { PermitLease } from '../../src/limiter/permit-limiter.js';

const KEY = { provider: 'openai', model: 'gpt-test' };
const ports: MessagePort[] = [];
afterEach(() => {
  for (const port of ports.splice(0)) port.close();
});

/** A worker's `RemoteLimiter` wired to the server's `PermitServer` over a real `MessageChannel` (structured clone). */
function workerSide(limiter: ConcurrencyLimiter): { remote: RemoteLimiter; server: PermitServer } {
  const { port1: serverPort, port2: workerPort } = new MessageChannel();
  ports.push(serverPort, workerPort);
  const server = new PermitServer(limiter, (message: ToWorker) => serverPort.postMessage(message));
  const remote = new RemoteLimiter((message: FromWorker) => workerPort.postMessage(message));
  serverPort.on('message', (message: FromWorker) => server.receive(message));
  workerPort.on('message', (message: ToWorker) => remote.receive(message));
  return { remote, server };
}

/**
 * As the engine thread does: a `RemoteLimiter` whose notes wait in a batch that leaves as one `events` message
 * when `sendBatch()` is called (ThreadHost hands its notes to the `PermitServer` in order). `holdAnswers()`
 * keeps the server's messages to the worker until `deliverAnswers()`, as a worker busy with something else
 * would read them later.
 */
function batchedWorkerSide(limiter: ConcurrencyLimiter) {
  const { port1: serverPort, port2: workerPort } = new MessageChannel();
  ports.push(serverPort, workerPort);
  let holding = false;
  const heldAnswers: ToWorker[] = [];
  const server = new PermitServer(limiter, (message: ToWorker) => {
    if (holding) heldAnswers.push(message);
    else serverPort.postMessage(message);
  });
  const side = {
    held: [] as PermitNote[],
    remote: undefined as unknown as RemoteLimiter,
    server,
    sendBatch() {
      workerPort.postMessage({ kind: 'events', events: [], permits: side.held } satisfies FromWorker);
      side.held = [];
    },
    holdAnswers() {
      holding = true;
    },
    deliverAnswers() {
      holding = false;
      for (const message of heldAnswers.splice(0)) serverPort.postMessage(message);
    },
  };
  side.remote = new RemoteLimiter(
    (message: FromWorker) => workerPort.postMessage(message),
    (note) => side.held.push(note),
  );
  serverPort.on('message', (message: FromWorker) => {
    if (message.kind === 'events') for (const note of message.permits ?? []) server.receive(note);
    else server.receive(message);
  });
  workerPort.on('message', (message: ToWorker) => side.remote.receive(message));
  return side;
}

/** One call through `side` that asks and is granted, so `KEY` is open to it; resolves once its permits are back. */
async function openKey(side: ReturnType<typeof batchedWorkerSide>, limiter: ConcurrencyLimiter): Promise<void> {
  const opening = side.remote.run(KEY, async () => {});
  side.sendBatch();
  await opening;
  side.sendBatch();
  await until(() => limiter.snapshot().every((l) => l.in_use === 0));
}

/** Resolves once `check` holds, looking again after each message turn (no fixed sleeps). */
async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setImmediate(resolve));
}

describe('LLM permits across engine threads (RemoteLimiter ↔ PermitServer)', () => {
  it('two threads share one global permit: the second call waits until the first gives it back', async () => {
    const limiter = new ConcurrencyLimiter({ global: 1 });
    const a = workerSide(limiter).remote;
    const b = workerSide(limiter).remote;
    const firstHolds = deferred<void>();
    const releaseFirst = deferred<void>();
    const order: string[] = [];
    const first = a.run(KEY, async () => {
      order.push('a in');
      firstHolds.resolve();
      await releaseFirst.promise;
      order.push('a out');
    });
    await firstHolds.promise;
    const second = b.run(KEY, async () => {
      order.push('b in');
    });
    await until(() => limiter.snapshot()[0]!.waiting === 1);
    expect(limiter.snapshot()[0]).toMatchObject({ in_use: 1, waiting: 1 });
    releaseFirst.resolve();
    await Promise.all([first, second]);
    expect(order).toEqual(['a in', 'a out', 'b in']);
    await until(() => limiter.snapshot()[0]!.in_use === 0);
  });

  it('an abort while waiting rejects at once with the reason and leaves nothing held or queued', async () => {
    const limiter = new ConcurrencyLimiter({ global: 1 });
    const a = workerSide(limiter).remote;
    const b = workerSide(limiter).remote;
    const release = deferred<void>();
    const held = a.run(KEY, () => release.promise);
    await until(() => limiter.snapshot()[0]!.in_use === 1);
    const controller = new AbortController();
    const waiting = b.run(KEY, async () => 'never', controller.signal);
    await until(() => limiter.snapshot()[0]!.waiting === 1);
    controller.abort(new Error('run canceled'));
    await expect(waiting).rejects.toThrow('run canceled');
    await until(() => limiter.snapshot()[0]!.waiting === 0);
    release.resolve();
    await held;
    await until(() => limiter.snapshot()[0]!.in_use === 0);
  });

  it('a dead worker’s permits and waits are released (releaseAll)', async () => {
    const limiter = new ConcurrencyLimiter({ global: 1 });
    const dead = workerSide(limiter);
    const other = workerSide(limiter).remote;
    void dead.remote.run(KEY, () => new Promise(() => {}));
    await until(() => limiter.snapshot()[0]!.in_use === 1);
    const next = other.run(KEY, async () => 'ran');
    await until(() => limiter.snapshot()[0]!.waiting === 1);
    dead.server.releaseAll();
    await expect(next).resolves.toBe('ran');
  });

  it('a 429 reported from a worker lowers the provider’s limit on the server, and the answer comes back', async () => {
    const limiter = new ConcurrencyLimiter({ global: null, limits: new Map([['openai', 4]]) });
    const { remote } = workerSide(limiter);
    const outcome = await remote.run(KEY, async (lease) => lease.rateLimited());
    expect(outcome).toEqual({ lowered: true, effectiveLimit: 2 });
    expect(limiter.snapshot().find((l) => l.key === 'openai')).toMatchObject({ limit: 4, effective_limit: 2 });
  });

  it('notes held for the next batch (acquire, succeeded, release) reach the server when the batch arrives, in order', async () => {
    const limiter = new ConcurrencyLimiter({ global: 1, limits: new Map([['openai', 4]]) });
    const side = batchedWorkerSide(limiter);
    const { remote, sendBatch } = side;

    // A call that meets a 429 and then succeeds: its ask waits for the batch; so do its notes, in the order made.
    const first = remote.run(KEY, async (lease) => {
      await lease.rateLimited();
      lease.succeeded();
    });
    expect(side.held).toEqual([{ kind: 'acquire', id: 1, key: KEY }]);
    expect(limiter.snapshot()[0]).toMatchObject({ key: 'global', in_use: 0, waiting: 0 });
    sendBatch();
    await first;
    expect(side.held).toEqual([
      { kind: 'succeeded', id: 1 },
      { kind: 'release', id: 1 },
    ]);
    // The call is over, but the server holds its permit until the batch arrives.
    expect(limiter.snapshot()[0]).toMatchObject({ key: 'global', in_use: 1, waiting: 0 });
    // A call aborted while its ask waits in the batch: the release follows the ask, so nothing stays held.
    const aborting = new AbortController();
    const aborted = remote.run(KEY, async () => 'never', aborting.signal);
    aborting.abort(new Error('canceled'));
    await expect(aborted).rejects.toThrow('canceled');
    const second = remote.run(KEY, async () => 'second');
    expect(side.held.map((n) => [n.kind, n.id])).toEqual([
      ['succeeded', 1],
      ['release', 1],
      ['acquire', 2],
      ['release', 2],
      ['acquire', 3],
    ]);
    sendBatch();
    await expect(second).resolves.toBe('second');
    sendBatch();
    await until(() => limiter.snapshot()[0]!.in_use === 0);
    expect(limiter.snapshot()[0]).toMatchObject({ in_use: 0, waiting: 0 });
  });

  it('after a grant that says its key is open, a call takes its permits at once and the server counts them from its `took` note', async () => {
    const limiter = new ConcurrencyLimiter({ global: null });
    const side = batchedWorkerSide(limiter);
    const first = side.remote.run(KEY, async () => 'asked');
    expect(side.held).toEqual([{ kind: 'acquire', id: 1, key: KEY }]);
    side.sendBatch();
    await expect(first).resolves.toBe('asked');
    side.sendBatch();
    await until(() => limiter.snapshot().every((l) => l.in_use === 0));

    const release = deferred<void>();
    let ran = false;
    const taken = side.remote.run(KEY, async () => {
      ran = true;
      await release.promise;
      return 'taken';
    });
    // No batch has left: the call runs without a round trip, and its note waits for the batch.
    expect(ran).toBe(true);
    expect(side.held).toEqual([{ kind: 'took', id: 2, key: KEY, generation: 0 }]);
    expect(limiter.snapshot().find((l) => l.key === 'openai')).toMatchObject({ in_use: 0 });
    side.sendBatch();
    await until(() => limiter.snapshot().find((l) => l.key === 'openai')?.in_use === 1);
    expect(limiter.snapshot()[0]).toMatchObject({ key: 'global', in_use: 1, waiting: 0 });
    release.resolve();
    await expect(taken).resolves.toBe('taken');
    expect(side.held).toEqual([{ kind: 'release', id: 2 }]);
    side.sendBatch();
    await until(() => limiter.snapshot().every((l) => l.in_use === 0));

    // Another model of the same provider is a key of its own: it asks first.
    void side.remote.run({ provider: 'openai', model: 'gpt-other' }, async () => {});
    expect(side.held).toEqual([{ kind: 'acquire', id: 3, key: { provider: 'openai', model: 'gpt-other' } }]);
  });

  it('keys with a limit on any layer are never open: every call asks', async () => {
    for (const limiter of [new ConcurrencyLimiter({ global: 8 }), new ConcurrencyLimiter({ global: null, limits: new Map([['openai', 8]]) })]) {
      const side = batchedWorkerSide(limiter);
      for (let i = 0; i < 3; i++) {
        const call = side.remote.run(KEY, async () => i);
        expect(side.held.at(-1)).toMatchObject({ kind: 'acquire' });
        side.sendBatch();
        await expect(call).resolves.toBe(i);
      }
    }
  });

  it('a 429 closes the open keys of its provider: the worker hears `closed`, and its next call asks and waits under the lowered limit', async () => {
    const limiter = new ConcurrencyLimiter({ global: null });
    const side = batchedWorkerSide(limiter);
    await openKey(side, limiter);

    const releases = [deferred<void>(), deferred<void>()];
    const leases: PermitLease[] = [];
    const calls = releases.map((release) =>
      side.remote.run(KEY, async (lease) => {
        leases.push(lease);
        await release.promise;
      }),
    );
    expect(side.held.map((n) => n.kind)).toEqual(['took', 'took']);
    // The 429's ask follows the `took` notes in the batch, so the server counts the call before it lowers.
    const outcome = leases[0]!.rateLimited();
    expect(side.held.map((n) => n.kind)).toEqual(['took', 'took', 'rate_limited']);
    side.sendBatch();
    await expect(outcome).resolves.toEqual({ lowered: true, effectiveLimit: 1 });

    const last = side.remote.run(KEY, async () => 'last');
    expect(side.held.at(-1)).toMatchObject({ kind: 'acquire', key: KEY });
    side.sendBatch();
    await until(() => limiter.snapshot().find((l) => l.key === 'openai')?.waiting === 1);
    expect(limiter.snapshot().find((l) => l.key === 'openai')).toMatchObject({ effective_limit: 1, in_use: 2, waiting: 1 });
    for (const release of releases) release.resolve();
    await Promise.all(calls);
    side.sendBatch();
    await expect(last).resolves.toBe('last');
  });

  it('a call that took its permits before the worker heard `closed` counts as admitted before the lowering: its 429 does not lower again', async () => {
    const limiter = new ConcurrencyLimiter({ global: null });
    const side = batchedWorkerSide(limiter);
    await openKey(side, limiter);

    const release = deferred<void>();
    const first = side.remote.run(KEY, async (lease) => {
      const outcome = lease.rateLimited();
      await release.promise;
      return outcome;
    });
    const second = side.remote.run(KEY, () => release.promise);
    side.holdAnswers();
    side.sendBatch();
    await until(() => limiter.snapshot().find((l) => l.key === 'openai')?.effective_limit === 1);
    // The server lowered and said `closed`; the worker has not read it, so the key is still open to it.
    const stale = side.remote.run(KEY, async (lease) => lease.rateLimited());
    expect(side.held).toEqual([
      { kind: 'took', id: 4, key: KEY, generation: 0 },
      { kind: 'rate_limited', id: 4, ask: 2 },
    ]);
    side.sendBatch();
    side.deliverAnswers();
    await expect(stale).resolves.toEqual({ lowered: false, effectiveLimit: 1 });
    release.resolve();
    await expect(first).resolves.toEqual({ lowered: true, effectiveLimit: 1 });
    await second;
    side.sendBatch();
    await until(() => limiter.snapshot().every((l) => l.in_use === 0));
    expect(limiter.snapshot().find((l) => l.key === 'openai')).toMatchObject({ effective_limit: 1 });
  });

  it('a dead worker’s taken permits are released with the rest (releaseAll)', async () => {
    const limiter = new ConcurrencyLimiter({ global: null });
    const side = batchedWorkerSide(limiter);
    await openKey(side, limiter);
    void side.remote.run(KEY, () => new Promise(() => {}));
    side.sendBatch();
    await until(() => limiter.snapshot()[0]!.in_use === 1);
    side.server.releaseAll();
    expect(limiter.snapshot().every((l) => l.in_use === 0)).toBe(true);
  });
});
