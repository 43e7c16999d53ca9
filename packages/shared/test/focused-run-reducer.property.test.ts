import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  diffContents,
  diffTree,
  initialFocusedRun,
  NODE_STATUSES,
  reduceFocusedRun,
  type ExecutionTree,
  type FocusedRunState,
  type LogEntry,
  type NodeStatus,
  type ServerMessage,
  type TreeNode,
} from '../src/index.js';

/**
 * A model of one run's server side: what changes (tree, contents, logs), and what it sent as of each seq of
 * each stream. It speaks the protocol the way `RunPatchStream` does: a flush diffs the current state against
 * what was last sent and sends at most one message per stream, each taking the next seq of its stream.
 */
class ModelServer {
  tree: ExecutionTree;
  contents: Record<string, string> = {};
  logs: LogEntry[] = [];
  /** What was sent as of each seq (index = seq). */
  readonly sentTrees: ExecutionTree[];
  readonly sentContents: Array<Record<string, string>> = [{}];
  readonly sentLogs: LogEntry[][] = [[]];
  private nextId = 0;

  constructor(readonly runId: string) {
    this.tree = [this.node('phase'), this.node('phase')];
    this.sentTrees = [structuredClone(this.tree)];
  }

  get seq(): number {
    return this.sentTrees.length - 1;
  }
  get contentSeq(): number {
    return this.sentContents.length - 1;
  }
  get logSeq(): number {
    return this.sentLogs.length - 1;
  }
  /** Share of completed nodes, as a progress figure. */
  progressOf(tree: ExecutionTree): number {
    const all = flatten(tree);
    return Math.round((100 * all.filter((n) => n.status === 'completed').length) / all.length);
  }

  node(type: TreeNode['node_type']): TreeNode {
    const id = `n${this.nextId++}`;
    return { id, name: id, node_type: type, status: 'pending', started_at: null, ended_at: null, duration_ms: null, children: [] };
  }

  apply(change: Change): void {
    const nodes = flatten(this.tree);
    switch (change.kind) {
      case 'status': {
        const target = nodes[change.target % nodes.length]!;
        // Trees are replaced, never mutated, as the engine's derived trees are.
        this.tree = mapTree(this.tree, target.id, (n) => ({
          ...n,
          status: change.status,
          started_at: n.started_at ?? change.at,
          ended_at: change.status === 'completed' ? change.at + 5 : n.ended_at,
          duration_ms: change.status === 'completed' ? 5 : n.duration_ms,
          // An error, once set, stays (the protocol cannot remove a field, and a run never needs to).
          ...(change.status === 'error' ? { error: `failed at ${change.at}` } : {}),
        }));
        return;
      }
      case 'add': {
        const child = this.node('agent');
        child.children.push(this.node('report'));
        if (change.parent === null) {
          this.tree = insertAt(this.tree, change.index, child);
          return;
        }
        const parent = nodes[change.parent % nodes.length]!;
        this.tree = mapTree(this.tree, parent.id, (n) => ({ ...n, children: insertAt(n.children, change.index, child) }));
        return;
      }
      case 'append':
        this.contents = { ...this.contents, [`c${change.id}`]: (this.contents[`c${change.id}`] ?? '') + change.text };
        return;
      case 'replace':
        this.contents = { ...this.contents, [`c${change.id}`]: change.text };
        return;
      case 'log':
        for (let i = 0; i < change.count; i++) {
          const seq = this.logs.length + 1;
          this.logs.push({ seq, ts: seq, iso: '', severity: 'INFO', source: 'run', agent_id: null, message: `entry ${seq}` });
        }
        return;
    }
  }

  /** Sends what changed since the last flush: at most one message per stream. */
  flush(): ServerMessage[] {
    const out: ServerMessage[] = [];
    const lastTree = this.sentTrees.at(-1)!;
    const changed = diffTree(lastTree, this.tree);
    const progress = this.progressOf(this.tree);
    if (changed.length > 0 || progress !== this.progressOf(lastTree)) {
      this.sentTrees.push(structuredClone(this.tree));
      out.push({ type: 'status_patch_run', run_id: this.runId, seq: this.seq, changed, status: 'in_progress', overall_progress: progress });
    }
    const patches = diffContents(this.sentContents.at(-1)!, this.contents);
    if (patches.length > 0) {
      this.sentContents.push({ ...this.contents });
      out.push({ type: 'content_patch_run', run_id: this.runId, seq: this.contentSeq, patches });
    }
    const sentLogs = this.sentLogs.at(-1)!;
    if (this.logs.length > sentLogs.length) {
      const entries = this.logs.slice(sentLogs.length);
      this.sentLogs.push([...this.logs]);
      out.push({ type: 'log_append_run', run_id: this.runId, seq: this.logSeq, entries });
    }
    return out;
  }

  /** `init_run` / `run_snapshot`: the state as last sent, with the current seqs; bumps nothing. */
  snapshot(type: 'init_run' | 'run_snapshot'): ServerMessage {
    const tree = this.sentTrees.at(-1)!;
    const fields = {
      run_id: this.runId,
      ticker: 'ACME',
      status: 'in_progress' as const,
      overall_progress: this.progressOf(tree),
      execution_tree: structuredClone(tree),
      contents: { ...this.sentContents.at(-1)! },
      seq: this.seq,
      content_seq: this.contentSeq,
      log_seq: this.logSeq,
    };
    return type === 'init_run' ? { type, ...fields } : { type, ...fields };
  }

  logSnapshot(): ServerMessage {
    return { type: 'log_snapshot_run', run_id: this.runId, seq: this.logSeq, entries: [...this.sentLogs.at(-1)!] };
  }
}

type Change =
  | { kind: 'status'; target: number; status: NodeStatus; at: number }
  | { kind: 'add'; parent: number | null; index: number }
  | { kind: 'append'; id: number; text: string }
  | { kind: 'replace'; id: number; text: string }
  | { kind: 'log'; count: number };

/** One server step: some changes, then a flush whose messages each arrive 0 (dropped), 1 or 2 (duplicated) times. */
interface Step {
  changes: Change[];
  /** Per flushed message: how often it is delivered. */
  deliveries: number[];
  /** How many later steps the answers to the client's requests of this step take to arrive. */
  answerDelay: number;
}

function flatten(tree: ExecutionTree): TreeNode[] {
  return tree.flatMap((n) => [n, ...flatten(n.children)]);
}
function mapTree(tree: ExecutionTree, id: string, fn: (n: TreeNode) => TreeNode): ExecutionTree {
  return tree.map((n) => (n.id === id ? fn(n) : { ...n, children: mapTree(n.children, id, fn) }));
}
function insertAt<T>(list: T[], index: number, item: T): T[] {
  const at = index % (list.length + 1);
  return [...list.slice(0, at), item, ...list.slice(at)];
}

const changeArb: fc.Arbitrary<Change> = fc.oneof(
  fc.record({ kind: fc.constant('status' as const), target: fc.nat(), status: fc.constantFrom(...NODE_STATUSES), at: fc.nat(10_000) }),
  fc.record({ kind: fc.constant('add' as const), parent: fc.option(fc.nat(), { nil: null }), index: fc.nat() }),
  fc.record({ kind: fc.constant('append' as const), id: fc.nat(4), text: fc.string({ minLength: 1, maxLength: 6 }) }),
  fc.record({ kind: fc.constant('replace' as const), id: fc.nat(4), text: fc.string({ maxLength: 6 }) }),
  fc.record({ kind: fc.constant('log' as const), count: fc.integer({ min: 1, max: 3 }) }),
);

function stepArb(deliveries: fc.Arbitrary<number>): fc.Arbitrary<Step> {
  return fc.record({
    changes: fc.array(changeArb, { maxLength: 4 }),
    deliveries: fc.array(deliveries, { minLength: 3, maxLength: 3 }),
    answerDelay: fc.nat(2),
  });
}

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
): { client: FocusedRunState; beforeResync: FocusedRunState; server: ModelServer; requests: string[] } {
  const server = new ModelServer('ACME--2025-01-31_10.00.00--abcdef');
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

describe('reduceFocusedRun against a model server (property)', () => {
  it('any changes, any join time, dropped or duplicated messages, then a resync: the client holds exactly the server state', () => {
    fc.assert(
      fc.property(fc.array(stepArb(fc.integer({ min: 0, max: 2 })), { maxLength: 25 }), fc.nat(30), (steps, joinAt) => {
        const { client, server } = play(steps, joinAt);
        expectSameAsServer(client, server);
      }),
      { numRuns: 200 },
    );
  });

  it('with nothing dropped (duplicates only) the client needs no recovery and matches the server without the final resync', () => {
    fc.assert(
      fc.property(fc.array(stepArb(fc.integer({ min: 1, max: 2 })), { maxLength: 25 }), fc.nat(30), (steps, joinAt) => {
        const { beforeResync, server, requests } = play(steps, joinAt);
        // Only the log ring after joining is ever asked for.
        expect(requests).toEqual(['log_dump:join']);
        expectSameAsServer(beforeResync, server);
      }),
      { numRuns: 200 },
    );
  });
});
