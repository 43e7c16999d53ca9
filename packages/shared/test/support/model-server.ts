import fc from 'fast-check';
import {
  ContentCopier,
  diffContents,
  diffTree,
  groupTreeChanges,
  mergeTreeChanges,
  NODE_STATUSES,
  trimTreeChanges,
  type ChangedNode,
  type ExecutionTree,
  type LogEntry,
  type NodeStatus,
  type ServerMessage,
  type TreeNode,
} from '../../src/index.js';

/**
 * A model of one run's server side: what changes (tree, contents, logs), and what it sent as of each seq of
 * each stream. It speaks the protocol the way `RunPatchStream` does: a flush sends what changed since what was
 * last sent, at most one message per stream, each taking the next seq of its stream. The tree's changes are
 * a diff of the trees, or with `carried` the changes recorded as each change happened (as the engine's
 * `changed` events carry them), merged; a change recorded without them (`resume`) makes that flush diff.
 * Either way trimmed (`trimTreeChanges`) against the tree last sent and grouped (`groupTreeChanges`); content
 * patches copy text the client holds where they can (`ContentCopier`).
 */
export class ModelServer {
  tree: ExecutionTree;
  contents: Record<string, string> = {};
  logs: LogEntry[] = [];
  /** What was sent as of each seq (index = seq). */
  readonly sentTrees: ExecutionTree[];
  readonly sentContents: Array<Record<string, string>> = [{}];
  readonly sentLogs: LogEntry[][] = [[]];
  private nextId = 0;
  /** Carried mode: the tree's changes since the last flush; null once one came without them. */
  private pendingTree: ChangedNode[] | null = [];
  private readonly copier = new ContentCopier({});

  constructor(
    readonly runId: string,
    private readonly options: { carried?: boolean } = {},
  ) {
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
    const before = this.tree;
    this.change(change);
    if (this.tree === before) return;
    // Like a resumed run's new entry: the tree is replaced and the event that says so carries no changes.
    if (change.kind === 'resume') this.pendingTree = null;
    else this.pendingTree?.push(...diffTree(before, this.tree));
  }

  private change(change: Change): void {
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
      case 'tool': {
        // As the engine records tool calls: appended at the end of a node's children, whole, with its arguments.
        const call: TreeNode = { ...this.node('tool_call'), status: 'in_progress', started_at: change.at, args: change.args };
        const parent = nodes[change.parent % nodes.length]!;
        this.tree = mapTree(this.tree, parent.id, (n) => ({ ...n, children: [...n.children, call] }));
        return;
      }
      case 'tool_end': {
        const calls = nodes.filter((n) => n.node_type === 'tool_call');
        const target = calls[change.target % Math.max(calls.length, 1)];
        if (!target) return;
        this.tree = mapTree(this.tree, target.id, (n) => ({
          ...n,
          status: change.error ? 'error' : 'completed',
          ended_at: (n.started_at ?? 0) + 7,
          duration_ms: 7,
          ...(change.error ? { error: change.summary } : { summary: change.summary }),
          ...(change.vendor !== null ? { vendor: change.vendor } : {}),
        }));
        return;
      }
      case 'resume':
        // Steps in flight start again; every node is a new object, as a tree derived from a restored snapshot.
        this.tree = mapAll(this.tree, (n) => (n.status === 'in_progress' ? { ...n, status: 'pending' } : { ...n }));
        return;
      case 'append':
        this.contents = { ...this.contents, [`c${change.id}`]: (this.contents[`c${change.id}`] ?? '') + change.text };
        return;
      case 'replace':
        this.contents = { ...this.contents, [`c${change.id}`]: change.text };
        return;
      case 'echo': {
        // Text that repeats some of another text (or its own), as a messages node repeats its report.
        const source = this.contents[`c${change.from}`] ?? '';
        const start = change.start % (source.length + 1);
        const copied = source.slice(start, start + change.length);
        this.contents = { ...this.contents, [`c${change.id}`]: (this.contents[`c${change.id}`] ?? '') + change.before + copied + change.after };
        return;
      }
      case 'message': {
        // A debate agent's turn: its report gets the message under the round's heading, its messages node the
        // message itself, in either order (what `ContentCopier` sends as a copy of the other).
        const report = `c${change.id}`;
        const messages = `c${(change.id + 1) % 5}`;
        const add = (id: string, text: string) => (this.contents = { ...this.contents, [id]: (this.contents[id] ?? '') + text });
        if (change.reportFirst) add(report, `### Round 1\n\n${change.text}\n`);
        add(messages, change.text);
        if (!change.reportFirst) add(report, `### Round 1\n\n${change.text}\n`);
        return;
      }
      case 'status_subtree': {
        // As an agent and its report and messages nodes: a node and everything under it start or end together.
        const target = nodes[change.target % nodes.length]!;
        const moved = (n: TreeNode): TreeNode => ({
          ...n,
          status: change.status,
          started_at: n.started_at ?? change.at,
          ended_at: change.status === 'completed' ? change.at + 5 : n.ended_at,
          duration_ms: change.status === 'completed' ? 5 : n.duration_ms,
          children: n.children.map(moved),
        });
        this.tree = mapTree(this.tree, target.id, moved);
        return;
      }
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
    const carried = this.options.carried && this.pendingTree !== null;
    // As the stream sends them: updates carry only the fields that moved since the tree last sent.
    const changed = groupTreeChanges(lastTree, trimTreeChanges(lastTree, carried ? mergeTreeChanges(this.pendingTree!) : diffTree(lastTree, this.tree)));
    this.pendingTree = [];
    const progress = this.progressOf(this.tree);
    if (changed.length > 0 || progress !== this.progressOf(lastTree)) {
      this.sentTrees.push(structuredClone(this.tree));
      out.push({ type: 'status_patch_run', run_id: this.runId, seq: this.seq, changed, status: 'in_progress', overall_progress: progress });
    }
    const diffed = diffContents(this.sentContents.at(-1)!, this.contents);
    if (diffed.length > 0) {
      const patches = this.copier.encode(diffed);
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

/** One change of the model run. */
export type Change =
  | { kind: 'status'; target: number; status: NodeStatus; at: number }
  | { kind: 'add'; parent: number | null; index: number }
  | { kind: 'tool'; parent: number; args: string; at: number }
  | { kind: 'tool_end'; target: number; summary: string; vendor: string | null; error: boolean }
  | { kind: 'resume' }
  | { kind: 'append'; id: number; text: string }
  | { kind: 'replace'; id: number; text: string }
  | { kind: 'echo'; id: number; from: number; start: number; length: number; before: string; after: string }
  | { kind: 'message'; id: number; text: string; reportFirst: boolean }
  | { kind: 'status_subtree'; target: number; status: NodeStatus; at: number }
  | { kind: 'log'; count: number };

function flatten(tree: ExecutionTree): TreeNode[] {
  return tree.flatMap((n) => [n, ...flatten(n.children)]);
}
function mapTree(tree: ExecutionTree, id: string, fn: (n: TreeNode) => TreeNode): ExecutionTree {
  return tree.map((n) => (n.id === id ? fn(n) : { ...n, children: mapTree(n.children, id, fn) }));
}
function mapAll(tree: ExecutionTree, fn: (n: TreeNode) => TreeNode): ExecutionTree {
  return tree.map((n) => ({ ...fn(n), children: mapAll(n.children, fn) }));
}
function insertAt<T>(list: T[], index: number, item: T): T[] {
  const at = index % (list.length + 1);
  return [...list.slice(0, at), item, ...list.slice(at)];
}

export const changeArb: fc.Arbitrary<Change> = fc.oneof(
  fc.record({ kind: fc.constant('status' as const), target: fc.nat(), status: fc.constantFrom(...NODE_STATUSES), at: fc.nat(10_000) }),
  fc.record({ kind: fc.constant('add' as const), parent: fc.option(fc.nat(), { nil: null }), index: fc.nat() }),
  fc.record({ kind: fc.constant('tool' as const), parent: fc.nat(), args: fc.string({ maxLength: 12 }), at: fc.nat(10_000) }),
  fc.record({
    kind: fc.constant('tool_end' as const),
    target: fc.nat(),
    summary: fc.string({ maxLength: 8 }),
    vendor: fc.option(fc.constantFrom('csv', 'yahoo', 'demo'), { nil: null }),
    error: fc.boolean(),
  }),
  fc.record({ kind: fc.constant('resume' as const) }),
  fc.record({ kind: fc.constant('append' as const), id: fc.nat(4), text: fc.string({ minLength: 1, maxLength: 6 }) }),
  fc.record({ kind: fc.constant('replace' as const), id: fc.nat(4), text: fc.string({ maxLength: 6 }) }),
  // Long texts, and texts that repeat parts of others (the `message` change below is the repeat `ContentCopier`
  // sends as a copy: about one content patch in seven then carries one).
  {
    arbitrary: fc.record({ kind: fc.constant('append' as const), id: fc.nat(4), text: fc.string({ unit: 'grapheme', minLength: 40, maxLength: 120 }) }),
    weight: 2,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant('echo' as const),
      id: fc.nat(4),
      from: fc.nat(4),
      start: fc.nat(30),
      length: fc.integer({ min: 0, max: 200 }),
      before: fc.string({ maxLength: 4 }),
      after: fc.string({ maxLength: 4 }),
    }),
    weight: 3,
  },
  fc.record({
    kind: fc.constant('message' as const),
    id: fc.nat(4),
    text: fc.string({ unit: 'grapheme', minLength: 48, maxLength: 120 }),
    reportFirst: fc.boolean(),
  }),
  fc.record({ kind: fc.constant('status_subtree' as const), target: fc.nat(), status: fc.constantFrom(...NODE_STATUSES), at: fc.nat(10_000) }),
  fc.record({ kind: fc.constant('log' as const), count: fc.integer({ min: 1, max: 3 }) }),
);

/**
 * The tree changes a patch stream may have to send, for the tree-change property tests: a model server set up
 * with `setup`, its tree then (`prev`), and the changes of `batches` applied after it both as carried
 * (`carried`: each batch's diff, concatenated as the engine hands them on until the next flush; `candidates`:
 * those merged, `mergeTreeChanges`, and one diff of the two trees). `server.tree` is the tree after.
 */
export function pendingTreeChanges(
  setup: readonly Change[],
  batches: readonly (readonly Change[])[],
): { server: ModelServer; prev: ExecutionTree; carried: ChangedNode[]; candidates: ChangedNode[][] } {
  const server = new ModelServer('ACME--2025-01-31_10.00.00--abcdef');
  for (const change of setup) server.apply(change);
  const prev = server.tree;
  const carried: ChangedNode[] = [];
  for (const batch of batches) {
    const before = server.tree;
    for (const change of batch) server.apply(change);
    carried.push(...diffTree(before, server.tree));
  }
  return { server, prev, carried, candidates: [mergeTreeChanges(carried), diffTree(prev, server.tree)] };
}

