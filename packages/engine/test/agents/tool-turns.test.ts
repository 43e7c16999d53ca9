import { ProviderError } from '@tradingfloor/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runAnalyst } from '../../src/agents/analyst.js';
import type { DataTool } from '../../src/data/data-tool.js';
import type { LlmProvider } from '../../src/providers/provider.js';
import { RunManager } from '../../src/runs/run-manager.js';
import { makeContext } from '../offline/fake-data.js';
import { fakeDeps, fakeSteps, tempDir } from '../runs/support.js';
import { scriptedProvider } from './scripted-provider.js';
import { parseEngineEnv } from '../../src/config/engine-env.js';

const tool: DataTool = { spec: { name: 'get_indicators', description: '', parameters: { type: 'object' } }, run: async () => '{}' };
const toolCall = (id: string) => ({ id, name: 'get_indicators', arguments: {} });

const contextWith = (options: { provider: LlmProvider; maxToolTurns: number }) => {
  const { ctx } = makeContext({ provider: options.provider, role: 'market_analyst', tools: [tool] });
  return { ctx: { ...ctx, maxToolTurns: options.maxToolTurns } };
};

/** A model that asks for a tool on every turn, offered tools or not. */
const toolHungry = () => scriptedProvider((_request, n) => ({ toolCalls: [toolCall(`c${n}`)] }));

describe('tool turns per analyst (LLM_MAX_TOOL_TURNS)', () => {
  it('offers tools for as many turns as the context allows, then asks for the report without tools', async () => {
    const { provider, requests } = scriptedProvider((request, n) =>
      request.tools ? { toolCalls: [toolCall(`c${n}`)] } : { text: 'report' },
    );
    const { ctx } = contextWith({ provider, maxToolTurns: 2 });
    await expect(runAnalyst('market', ctx)).resolves.toEqual({ text: 'report' });
    expect(requests.map((r) => r.tools?.length ?? 0)).toEqual([1, 1, 0]);
  });

  it('fails with an error naming the role and the setting when the model asks for tools after the cap', async () => {
    const { provider, requests } = toolHungry();
    const { ctx } = contextWith({ provider, maxToolTurns: 3 });
    const error = await runAnalyst('market', ctx).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as Error).message).toBe(
      'Market Analyst: the model kept asking for tools (1 more calls) after its 3 tool turns and the request to write ' +
        'its report; raise LLM_MAX_TOOL_TURNS if it needs more turns',
    );
    // Three turns with tools, one without: no fifth request.
    expect(requests).toHaveLength(4);
    expect(requests[3]?.tools).toBeUndefined();
  });

  it('fails too when the tool calls after the cap come with text (a preamble, not a report)', async () => {
    const { provider } = scriptedProvider((request, n) =>
      request.tools ? { toolCalls: [toolCall(`c${n}`)] } : { text: 'Let me check one more thing.', toolCalls: [toolCall('late')] },
    );
    const { ctx } = contextWith({ provider, maxToolTurns: 1 });
    await expect(runAnalyst('market', ctx)).rejects.toThrow(/LLM_MAX_TOOL_TURNS/);
  });

  it('reads LLM_MAX_TOOL_TURNS (default 6), refusing nonsense', () => {
    expect(parseEngineEnv({}).answerLimits.maxToolTurns).toBe(6);
    expect(parseEngineEnv({ LLM_MAX_TOOL_TURNS: ' 9 ' }).answerLimits.maxToolTurns).toBe(9);
    for (const bad of ['0', '-2', '2.5', 'many']) {
      expect(() => parseEngineEnv({ LLM_MAX_TOOL_TURNS: bad })).toThrow(
        `LLM_MAX_TOOL_TURNS must be a whole number of at least 1, got "${bad}"`,
      );
    }
  });
});

describe('LLM_MAX_TOOL_TURNS in a whole run', () => {
  let results: Awaited<ReturnType<typeof tempDir>>;
  beforeEach(async () => {
    results = await tempDir();
  });
  afterEach(async () => {
    await results.cleanup();
  });

  it('reaches the analysts from the engine deps and ends the run in error beyond the cap', async () => {
    const { deps } = fakeDeps();
    const model = toolHungry();
    const steps = { ...fakeSteps(), analyst: runAnalyst, tools: () => [tool] };
    const m = new RunManager({
      deps: {
        ...deps,
        providerFor: () => model.provider,
        maxToolTurns: parseEngineEnv({ LLM_MAX_TOOL_TURNS: '2' }).answerLimits.maxToolTurns,
      },
      resultsDir: results.dir,
      steps,
    });
    const [run] = await m.start([{ ticker: 'ACME', options: { analysts: ['market'] } }]);
    const done = await m.whenFinished(run!.run_id);
    expect(done.status).toBe('error');
    expect(done.error).toMatch(/^Market Analyst: .*after its 2 tool turns.*raise LLM_MAX_TOOL_TURNS/);
    expect(model.requests.map((r) => r.tools?.length ?? 0)).toEqual([1, 1, 0]);
  });
});
