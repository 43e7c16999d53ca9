import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { initialFocusedRun, reduceFocusedRun, type FocusedRunState, type ServerMessage } from '../src/index.js';
import { changeArb, ModelServer, type Change } from './support/model-server.js';

/** One server step: some changes, then a flush whose messages each arrive 0 (dropped), 1 or 2 (duplicated) times. */
interface Step {
  changes: Change[];
  /** Per flushed message: how often it is delivered. */
  deliveries: number[];
  /** How many later steps the answers to the client's requests of this step take to arrive. */
  answerDelay: number;
}

function stepArb(deliveries: fc.Arbitrary<number>): fc.Arbitrary<Step> {
  return fc.record({
    changes: fc.array(changeArb, { maxLength: 4 }),
    deliveries: fc.array(deliveries, { minLength: 3, maxLength: 3 }),
    answerDelay: fc.nat(2),
  });
}

/**
 * How the server finds a flush's tree changes: `diffed` diffs what it last sent against the tree; `carried`
 * sends the changes recorded as each change happened, merged (what the hub does with the engine's `changed`
 * events), and diffs only after a change that came without them (`resume`).
 */
type TreeMode = 'diffed' | 'carried';

/** What the client asked for and when the server will answer (steps still to wait). */
interface PendingAnswer {
  action: 'resync' | 'log_dump';
  wait: number;
}

/**
 * Runs a whole scenario: the server changes and flushes step by step, the client joins at `joinAt`, every
 * flushed message reaches the client as often as `deliveries` says, and the client's requests are answered
 * `answerDelay` steps later with the server's state at that moment. After each message the client's state
 * must be one the server has been in: its tree as of the client's seq, its contents as of its content seq
 * and its logs as of its log seq — unless that stream is waiting for a snapshot.
 */
function play(
  steps: Step[],
  joinAt: number,
  mode: TreeMode,
): { client: FocusedRunState; beforeResync: FocusedRunState; server: ModelServer; requests: string[] } {
  const server = new ModelServer('ACME--2025-01-31_10.00.00--abcdef', { carried: mode === 'carried' });
  let client = initialFocusedRun(server.runId);
  const requests: string[] = [];
  let pending: PendingAnswer[] = [];
  const deliver = (msg: ServerMessage, answerDelay: number) => {
    const step = reduceFocusedRun(client, msg);
    client = step.state;
    for (const r of step.requests) {
      requests.push(`${r.action}:${r.cause}`);
      pending.push({ action: r.action, wait: answerDelay });
    }
    checkConsistent(client, server);
  };
  const answerDue = (answerDelay: number) => {
    const due = pending.filter((p) => p.wait <= 0);
    pending = pending.filter((p) => p.wait > 0).map((p) => ({ ...p, wait: p.wait - 1 }));
    for (const p of due) deliver(p.action === 'resync' ? server.snapshot('run_snapshot') : server.logSnapshot(), answerDelay);
  };
  const joined = () => client.ready;
  steps.forEach((step, i) => {
    if (i === joinAt) deliver(server.snapshot('init_run'), step.answerDelay);
    for (const change of step.changes) server.apply(change);
    const messages = server.flush();
    messages.forEach((msg, m) => {
      if (!joined()) return;
      for (let k = 0; k < (step.deliveries[m] ?? 1); k++) deliver(msg, step.answerDelay);
    });
    if (joined()) answerDue(step.answerDelay);
  });
  if (!joined()) deliver(server.snapshot('init_run'), 0);
  // Whatever is still owed arrives, then the client resyncs once more, as it would on reconnect.
  for (let i = 0; i < 4 && pending.length > 0; i++) answerDue(0);
  const beforeResync = client;
  deliver(server.snapshot('run_snapshot'), 0);
  deliver(server.logSnapshot(), 0);
  return { client, beforeResync, server, requests };
}

function checkConsistent(client: FocusedRunState, server: ModelServer): void {
  if (!client.ready) return;
  if (!client.resyncPending) {
    expect(client.tree).toEqual(server.sentTrees[client.seq]);
    expect(client.progress).toBe(server.progressOf(server.sentTrees[client.seq]!));
    expect(client.contents).toEqual(server.sentContents[client.contentSeq]);
  }
  if (!client.logDumpPending && client.logSeq === server.logSeq) expect(client.logs).toEqual(server.sentLogs[client.logSeq]);
}

function expectSameAsServer(client: FocusedRunState, server: ModelServer): void {
  expect(client.tree).toEqual(server.tree);
  expect(client.contents).toEqual(server.contents);
  expect(client.logs).toEqual(server.logs);
  expect(client.progress).toBe(server.progressOf(server.tree));
  expect([client.seq, client.contentSeq, client.logSeq]).toEqual([server.seq, server.contentSeq, server.logSeq]);
  expect([client.resyncPending, client.logDumpPending]).toEqual([false, false]);
}

describe.each<TreeMode>(['diffed', 'carried'])('reduceFocusedRun against a model server, tree changes %s (property)', (mode) => {
  it('any changes, any join time, dropped or duplicated messages, then a resync: the client holds exactly the server state', () => {
    fc.assert(
      fc.property(fc.array(stepArb(fc.integer({ min: 0, max: 2 })), { maxLength: 25 }), fc.nat(30), (steps, joinAt) => {
        const { client, server } = play(steps, joinAt, mode);
        expectSameAsServer(client, server);
      }),
      { numRuns: 200 },
    );
  });

  it('with nothing dropped (duplicates only) the client needs no recovery and matches the server without the final resync', () => {
    fc.assert(
      fc.property(fc.array(stepArb(fc.integer({ min: 1, max: 2 })), { maxLength: 25 }), fc.nat(30), (steps, joinAt) => {
        const { beforeResync, server, requests } = play(steps, joinAt, mode);
        // Only the log ring after joining is ever asked for.
        expect(requests).toEqual(['log_dump:join']);
        expectSameAsServer(beforeResync, server);
      }),
      { numRuns: 200 },
    );
  });
});
