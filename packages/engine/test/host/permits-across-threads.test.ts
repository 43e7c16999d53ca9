import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { deferred } from '@tradingfloor/shared';
import { afterEach, describe, expect, it } from 'vitest';
import { PermitServer } from '../../src/host/permit-server.js';
import { RemoteLimiter } from '../../src/host/remote-limiter.js';
import type { FromWorker, PermitNote, ToWorker } from '../../src/host/worker-wire.js';
import { ConcurrencyLimiter } from '../../src/limiter/concurrency-limiter.js';

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
    const { port1: serverPort, port2: workerPort } = new MessageChannel();
    ports.push(serverPort, workerPort);
    const server = new PermitServer(limiter, (message: ToWorker) => serverPort.postMessage(message));
    // As the engine thread does: notes wait in a batch, which leaves as one `events` message (ThreadHost hands them on).
    let held: PermitNote[] = [];
    const remote = new RemoteLimiter(
      (message: FromWorker) => workerPort.postMessage(message),
      (note) => held.push(note),
    );
    const sendBatch = () => {
      workerPort.postMessage({ kind: 'events', events: [], permits: held } satisfies FromWorker);
      held = [];
    };
    serverPort.on('message', (message: FromWorker) => {
      if (message.kind === 'events') for (const note of message.permits ?? []) server.receive(note);
      else server.receive(message);
    });
    workerPort.on('message', (message: ToWorker) => remote.receive(message));

    // A call that meets a 429 and then succeeds: its ask waits for the batch; so do its notes, in the order made.
    const first = remote.run(KEY, async (lease) => {
      await lease.rateLimited();
      lease.succeeded();
    });
    expect(held).toEqual([{ kind: 'acquire', id: 1, key: KEY }]);
    expect(limiter.snapshot()[0]).toMatchObject({ key: 'global', in_use: 0, waiting: 0 });
    sendBatch();
    await first;
    expect(held).toEqual([
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
    expect(held.map((n) => [n.kind, n.id])).toEqual([
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
});
