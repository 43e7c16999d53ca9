import { isDeepStrictEqual } from 'node:util';
import {
  applyStatusPatch,
  diffTree,
  findNode,
  TOOL_ARGS_MAX_CHARS,
  TOOL_CALLS_MAX_PER_AGENT,
  type ExecutionTree,
  type TreeNode,
} from '@tradingfloor/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ToolCallReporter } from '../../src/agents/agent-context.js';
import { runToolLoop, summariseAnswer } from '../../src/agents/tool-loop.js';
import type { DataTool } from '../../src/data/data-tool.js';
import { createEngineDeps } from '../../src/runs/engine-deps.js';
import { RunManager } from '../../src/runs/run-manager.js';
import { AGENT_STEPS } from '../../src/machine/agent-steps.js';
import type { RunSteps } from '../../src/machine/provide-run.js';
import { initialRunContext } from '../../src/machine/run-context.js';
import { endToolCall, settleToolCalls, startToolCall } from '../../src/machine/tool-call-records.js';
import { deriveTree } from '../../src/tree/derive-tree.js';
import { scriptedProvider } from '../agents/scripted-provider.js';
import { makeContext } from '../offline/fake-data.js';
import { fakeDeps, fakeSteps, tempDir } from '../runs/support.js';
import { testConfig } from '../machine/support.js';
import { parseEngineEnv } from '../../src/config/engine-env.js';

const toolCallsOf = (tree: ExecutionTree, agentId: string): TreeNode[] =>
  findNode(tree, agentId)!.children.filter((c) => c.node_type === 'tool_call');

describe('tool-call nodes of a whole offline run', () => {
  let results: Awaited<ReturnType<typeof tempDir>>;
  beforeEach(async () => {
    results = await tempDir();
  });
  afterEach(async () => {
    await results.cleanup();
  });

  it('appear live under each analyst with vendor, duration and summary, replay from the patches, and survive a stored-run reload', async () => {
    const m = new RunManager({ deps: createEngineDeps(parseEngineEnv({})), resultsDir: results.dir });
    let carried: ExecutionTree = [];
    /** Tool-call node ids in the order they first showed in the carried tree. */
    const seen: string[] = [];
    m.subscribe((event) => {
      if (event.type === 'created') carried = m.get(event.run_id)!.tree;
      if (event.type !== 'changed' || !event.tree_changes) return;
      carried = applyStatusPatch(carried, event.tree_changes);
      for (const change of event.tree_changes) {
        if (change.node_type !== 'tool_call') continue;
        if (!seen.includes(change.id)) seen.push(change.id);
      }
    });
    const [run] = await m.start([{ ticker: 'ACME', options: { analysts: ['market', 'fundamentals'] } }]);
    const done = await m.whenFinished(run!.run_id);
    expect(done.status).toBe('completed');
    const view = m.get(run!.run_id)!;
    expect(isDeepStrictEqual(carried, view.tree)).toBe(true);

    const market = findNode(view.tree, 'analysts.market')!;
    expect(market.children.slice(0, 2).map((c) => c.node_type)).toEqual(['report', 'messages']);
    const calls = toolCallsOf(view.tree, 'analysts.market');
    expect(calls.map((c) => c.name)).toEqual(['get_price_history', 'get_indicators']);
    expect(seen.filter((id) => id.startsWith('analysts.market.'))).toEqual(calls.map((c) => c.id));
    for (const call of calls) {
      expect(call).toMatchObject({ status: 'completed', vendor: 'demo', args: expect.stringContaining('lookback_days') });
      expect(call.duration_ms).toBe(call.ended_at! - call.started_at!);
      expect(call.started_at!).toBeGreaterThanOrEqual(market.started_at!);
      expect(call.ended_at!).toBeLessThanOrEqual(market.ended_at!);
      expect(call.summary).toMatch(/kB|chars/);
    }
    expect(toolCallsOf(view.tree, 'analysts.fundamentals').length).toBeGreaterThan(0);
    expect(toolCallsOf(view.tree, 'analysts.news')).toEqual([]); // not selected
    expect(toolCallsOf(view.tree, 'trader.trader')).toEqual([]); // no tools

    // A second manager on the same directory serves the run from state.json: the same tree, tool calls included.
    const again = new RunManager({ deps: createEngineDeps(parseEngineEnv({})), resultsDir: results.dir });
    await again.loadHistory();
    expect(again.get(run!.run_id)!.tree).toEqual(view.tree);
  });

  it('show a call still running at the end of the turn it started in as in progress, then ended', async () => {
    // The market analyst's indicators tool waits until the test has seen its call in progress.
    let open!: () => void;
    const opened = new Promise<void>((resolve) => (open = resolve));
    const steps: RunSteps = {
      ...AGENT_STEPS,
      tools: (kind, options) =>
        AGENT_STEPS.tools(kind, options).map((t): DataTool =>
          t.spec.name === 'get_indicators'
            ? {
                ...t,
                run: async (args, signal, served) => {
                  await opened;
                  return t.run(args, signal, served);
                },
              }
            : t,
        ),
    };
    const m = new RunManager({ deps: createEngineDeps(parseEngineEnv({})), resultsDir: results.dir, steps });
    const statuses: string[] = [];
    m.subscribe((event) => {
      if (event.type !== 'changed') return;
      for (const change of event.tree_changes ?? []) {
        // The market analyst's second call (the first test shows the order).
        if (change.id !== 'analysts.market.tools.2') continue;
        statuses.push(change.status);
        if (change.status === 'in_progress') open();
      }
    });
    const [run] = await m.start([{ ticker: 'ACME', options: { analysts: ['market'] } }]);
    await expect(m.whenFinished(run!.run_id)).resolves.toMatchObject({ status: 'completed' });
    expect(statuses).toEqual(['in_progress', 'completed']);
    // The call that answered at once (the price history, in the same turn as its start) arrived ended.
    const [history] = toolCallsOf(m.get(run!.run_id)!.tree, 'analysts.market');
    expect(history).toMatchObject({ name: 'get_price_history', status: 'completed' });
  });

  it('show a refused call and a tool fault as error nodes (the fault fails its agent), also when read back from disk', async () => {
    // The real steps, with the market analyst's indicators tool refusing and the fundamentals tool breaking.
    const steps: RunSteps = {
      ...AGENT_STEPS,
      tools: (kind, options) =>
        AGENT_STEPS.tools(kind, options).map((t): DataTool => {
          if (t.spec.name === 'get_indicators') return { ...t, run: async () => 'DATA UNAVAILABLE: no indicators today' };
          if (kind === 'fundamentals' && t.spec.name === 'get_fundamentals') {
            return {
              ...t,
              run: async () => {
                throw new Error('filings store unreadable');
              },
            };
          }
          return t;
        }),
    };
    const m = new RunManager({ deps: createEngineDeps(parseEngineEnv({})), resultsDir: results.dir, steps });
    const [run] = await m.start([{ ticker: 'ACME', options: { analysts: ['market', 'fundamentals'], sequential_analysts: true } }]);
    const done = await m.whenFinished(run!.run_id);
    expect(done.status).toBe('error');
    const { tree } = m.get(run!.run_id)!;
    const market = toolCallsOf(tree, 'analysts.market');
    expect(market.map((c) => [c.name, c.status])).toEqual([
      ['get_price_history', 'completed'],
      ['get_indicators', 'error'],
    ]);
    expect(market[1]).toMatchObject({ error: 'DATA UNAVAILABLE: no indicators today', duration_ms: expect.any(Number) });
    expect(market[1]).not.toHaveProperty('vendor'); // no vendor was asked
    const fundamentals = toolCallsOf(tree, 'analysts.fundamentals');
    expect(fundamentals[0]).toMatchObject({ name: 'get_fundamentals', status: 'error', error: 'filings store unreadable' });
    expect(findNode(tree, 'analysts.fundamentals')).toMatchObject({ status: 'error' });
    // Read back from disk: the same error nodes.
    const again = new RunManager({ deps: createEngineDeps(parseEngineEnv({})), resultsDir: results.dir });
    await again.loadHistory();
    expect(again.get(run!.run_id)!.tree).toEqual(tree);
  });
});

describe('tool calls across a graceful stop and a resume', () => {
  let results: Awaited<ReturnType<typeof tempDir>>;
  beforeEach(async () => {
    results = await tempDir();
  });
  afterEach(async () => {
    await results.cleanup();
  });

  it('an open call saved by the stop shows in progress while interrupted, is closed canceled when the step runs again, and the new call follows it', async () => {
    // The market analyst reports a call, then waits for the model (held by the manual provider) before ending it.
    const probing = (): RunSteps => {
      const base = fakeSteps();
      return {
        ...base,
        analyst: async (kind, ctx) => {
          ctx.toolCalls?.started('get_price_history', '{"lookback_days":30}');
          const result = await base.analyst(kind, ctx);
          ctx.toolCalls?.ended({ summary: 'bars: 30', vendor: 'fake', error: null });
          return result;
        },
      };
    };
    const first = fakeDeps({ mode: 'manual' });
    const m = new RunManager({ deps: first.deps, resultsDir: results.dir, steps: probing() });
    const [run] = await m.start([{ ticker: 'ACME', options: { analysts: ['market'] } }]);
    await first.providerOf('ACME').next(); // the analyst's model call is held: its tool call is open
    await m.shutdown({ interrupt: true });

    const second = fakeDeps({ mode: 'auto' });
    const again = new RunManager({ deps: second.deps, resultsDir: results.dir, steps: probing() });
    await again.loadHistory();
    expect(toolCallsOf(again.get(run!.run_id)!.tree, 'analysts.market').map((c) => [c.id, c.status])).toEqual([
      ['analysts.market.tools.1', 'in_progress'],
    ]);
    await again.resume(run!.run_id);
    await expect(again.whenFinished(run!.run_id)).resolves.toMatchObject({ status: 'completed' });
    const calls = toolCallsOf(again.get(run!.run_id)!.tree, 'analysts.market');
    expect(calls.map((c) => [c.id, c.status, c.vendor])).toEqual([
      ['analysts.market.tools.1', 'canceled', undefined],
      ['analysts.market.tools.2', 'completed', 'fake'],
    ]);
    expect(calls[0]!.ended_at).toBe(calls[1]!.started_at);
  });
});

describe('the tool loop reports its calls', () => {
  const tool = (name: string, run: DataTool['run']): DataTool => ({ spec: { name, description: '', parameters: {} }, run });

  it('with the serving vendor and a summary, the tool’s refusals and faults as errors', async () => {
    const events: Array<{ started?: string; args?: string; ended?: Parameters<ToolCallReporter['ended']>[0] }> = [];
    const reporter: ToolCallReporter = {
      started: (name, args) => events.push({ started: name, args }),
      ended: (outcome) => events.push({ ended: outcome }),
    };
    const ok = tool('get_price_history', async (_args, _signal, served) => {
      served?.('yahoo');
      return JSON.stringify({ ticker: 'ACME', last_close: 10, bars: [1, 2, 3], data_source: 'Yahoo' });
    });
    const missing = tool('get_fundamentals', async () => 'DATA UNAVAILABLE: no filings for ACME');
    const broken = tool('get_company_news', async () => {
      throw new Error('disk on fire');
    });
    const { provider } = scriptedProvider([
      {
        toolCalls: [
          { id: 'a', name: 'get_price_history', arguments: { lookback_days: 30 } },
          { id: 'b', name: 'get_fundamentals', arguments: {} },
        ],
      },
      { toolCalls: [{ id: 'c', name: 'get_company_news', arguments: {} }] },
    ]);
    const { ctx } = makeContext({ provider, role: 'market_analyst', tools: [ok, missing, broken] });
    await expect(runToolLoop({ ...ctx, toolCalls: reporter }, { system: 's', user: 'u' })).rejects.toThrow('disk on fire');
    expect(events).toEqual([
      { started: 'get_price_history', args: '{"lookback_days":30}' },
      { ended: { summary: expect.stringMatching(/^bars: 3 · last_close · \d+ chars$/), vendor: 'yahoo', error: null } },
      { started: 'get_fundamentals', args: '{}' },
      { ended: { summary: null, vendor: null, error: 'DATA UNAVAILABLE: no filings for ACME' } },
      { started: 'get_company_news', args: '{}' },
      { ended: { summary: null, vendor: null, error: 'disk on fire' } },
    ]);
  });

  it('summarises non-JSON answers by their first words and size', () => {
    expect(summariseAnswer('date close\n2024-01-02 100')).toBe('date close 2024-01-02 100 · 25 chars');
  });
});

describe('tool-call records and their nodes', () => {
  const agent = 'analysts.market';

  it('derive tool_call nodes after report and messages, with error, vendor, truncated args and a “more” node past the cap', () => {
    let records = startToolCall({}, agent, 'get_price_history', 'x'.repeat(500), 100);
    records = endToolCall(records, agent, { summary: 'bars: 30 · 2.1 kB', vendor: 'csv', error: null }, 140);
    records = startToolCall(records, agent, 'get_fundamentals', '{}', 150);
    records = endToolCall(records, agent, { summary: null, vendor: null, error: 'DATA UNAVAILABLE: none' }, 155);
    for (let i = 0; i < TOOL_CALLS_MAX_PER_AGENT + 3 - 2; i++) {
      records = startToolCall(records, agent, 'get_indicators', '{}', 200 + i);
      records = endToolCall(records, agent, { summary: 's', vendor: 'csv', error: null }, 201 + i);
    }
    const context = { ...initialRunContext(testConfig()), toolCalls: records };
    const calls = toolCallsOf(deriveTree({ value: 'pending', context }), agent);
    expect(calls).toHaveLength(TOOL_CALLS_MAX_PER_AGENT + 1);
    expect(calls[0]).toMatchObject({
      id: `${agent}.tools.1`,
      status: 'completed',
      duration_ms: 40,
      vendor: 'csv',
      summary: 'bars: 30 · 2.1 kB',
    });
    expect(calls[0]!.args).toHaveLength(TOOL_ARGS_MAX_CHARS);
    expect(calls[0]!.args!.endsWith('…')).toBe(true);
    expect(calls[1]).toMatchObject({ status: 'error', error: 'DATA UNAVAILABLE: none', duration_ms: 5 });
    expect(calls[1]).not.toHaveProperty('vendor');
    expect(calls.at(-1)).toMatchObject({ id: `${agent}.tools.more`, name: '3 more tool calls (not kept)' });
  });

  it('close a stale open call when the agent starts another (a resumed step), and every open call when the run stops', () => {
    let records = startToolCall({}, agent, 'get_price_history', '{}', 100);
    records = startToolCall(records, agent, 'get_price_history', '{}', 500);
    expect(records[agent]!.calls.map((c) => [c.status, c.ended_at])).toEqual([
      ['canceled', 500],
      ['in_progress', null],
    ]);
    const settled = settleToolCalls(records, 900)!;
    expect(settled[agent]!.calls.map((c) => c.status)).toEqual(['canceled', 'canceled']);
    // Nothing open: the same object, so the tree reuses its nodes.
    expect(settleToolCalls(settled, 950)).toBe(settled);
  });

  it('grow the tree only by appending, so diffs replay exactly', () => {
    const before = deriveTree({ value: 'pending', context: initialRunContext(testConfig()) });
    const records = startToolCall({}, agent, 'get_indicators', '{}', 10);
    const after = deriveTree({ value: 'pending', context: { ...initialRunContext(testConfig()), toolCalls: records } });
    const changes = diffTree(before, after);
    expect(changes).toEqual([expect.objectContaining({ id: `${agent}.tools.1`, parent_id: agent, index: 2, node_type: 'tool_call' })]);
    expect(applyStatusPatch(before, changes)).toEqual(after);
  });
});
