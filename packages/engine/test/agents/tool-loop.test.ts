import { ValidationError } from '@tradingfloor/shared';
import { describe, expect, it } from 'vitest';
import { runAnalyst } from '../../src/agents/analyst.js';
import type { DataTool } from '../../src/data/data-tool.js';
import { createOfflineProvider } from '../../src/providers/offline/offline-provider.js';
import { fakeTools, KIND_TOOLS, makeContext, regimePayloads } from '../offline/fake-data.js';
import { scriptedProvider } from './scripted-provider.js';

const call = (name: string, args: Record<string, unknown> = {}, id = `id-${name}`) => ({ id, name, arguments: args });

describe('runAnalyst with the offline model', () => {
  it('calls its tools, then writes a report from the numbers they returned', async () => {
    const calls: Array<{ name: string; args: unknown }> = [];
    const { ctx, logs, messages } = makeContext({
      provider: createOfflineProvider(),
      role: 'market_analyst',
      tools: fakeTools(KIND_TOOLS.market, regimePayloads('uptrend'), calls),
    });
    const { text } = await runAnalyst('market', ctx);
    expect(calls).toEqual([
      { name: 'get_price_history', args: { lookback_days: 180 } },
      { name: 'get_indicators', args: { lookback_days: 30 } },
    ]);
    const payloadOf = (name: string) => regimePayloads('uptrend')[name] ?? '';
    const indicators = JSON.parse(payloadOf('get_indicators'));
    expect(text).toContain(`Last close ${indicators.last_close.toFixed(2)} USD`);
    for (const figure of ['SMA200 121.70', 'RSI(14) 62.4', 'ATR(14) 2.13', 'histogram 0.63', 'crossed above its signal on 2024-03-26']) {
      expect(text).toContain(figure);
    }
    expect(text).toContain('offline rule-based model (no LLM)');
    expect(text).toMatch(/^Signal: strongly bullish \(score \+5 of 5\)$/m);
    expect(messages).toContain('→ get_price_history({"lookback_days":180})');
    expect(messages.some((m) => m.startsWith('← get_indicators: {'))).toBe(true);
    // Each call is logged once, when it has answered: tool, arguments and the answer's size.
    const sizes = [payloadOf('get_price_history'), payloadOf('get_indicators')].map((p) => p.length);
    expect(logs.filter((l) => l.source === 'tool').map((l) => `${l.severity} ${l.message}`)).toEqual([
      `INFO get_price_history {"lookback_days":180} answered ${sizes[0]} chars`,
      `INFO get_indicators {"lookback_days":30} answered ${sizes[1]} chars`,
    ]);
    expect(logs.every((l) => l.agent_id === 'market_analyst')).toBe(true);
  });

  it('fixes a call the tool refused as invalid once, with default arguments', async () => {
    const calls: Array<{ name: string; args: unknown }> = [];
    const payloads = regimePayloads('crash');
    const picky: DataTool = {
      spec: { name: 'get_fundamentals', description: '', parameters: {} },
      async run(args) {
        calls.push({ name: 'get_fundamentals', args });
        return Object.keys(args).length ? 'INVALID ARGUMENTS: no arguments expected' : (payloads['get_fundamentals'] ?? '');
      },
    };
    const strict: DataTool = {
      spec: { name: 'get_price_history', description: '', parameters: {} },
      async run(args) {
        calls.push({ name: 'get_price_history', args });
        return 'INVALID ARGUMENTS: lookback_days must be between 5 and 100';
      },
    };
    const { ctx } = makeContext({ provider: createOfflineProvider(), role: 'fundamentals_analyst', tools: [picky, strict] });
    const { text } = await runAnalyst('fundamentals', ctx);
    expect(calls.map((c) => c.name)).toEqual(['get_fundamentals', 'get_price_history', 'get_price_history']);
    expect(calls[2]?.args).toEqual({});
    expect(text).toContain('net margin -5.2%');
    expect(text).toMatch(/^Signal: strongly bearish \(score -6 of 6\)$/m);
  });

  it('writes a report that says so when the data is unavailable', async () => {
    const { ctx } = makeContext({ provider: createOfflineProvider(), role: 'news_analyst', tools: fakeTools(KIND_TOOLS.news, {}) });
    const { text } = await runAnalyst('news', ctx);
    expect(text).toContain('Company news is unavailable (DATA UNAVAILABLE: no fixture for get_company_news)');
    expect(text).toMatch(/^Signal: neutral \(score 0 of 0\)$/m);
    expect(text.trim().split('\n').at(-1)).toBe('| Overall | score 0 of 0 | neutral |');
  });
});

describe('the tool loop with a scripted model', () => {
  const tool = (name: string, answer = `{"tool":"${name}"}`): DataTool => ({
    spec: { name, description: name, parameters: { type: 'object' } },
    run: async () => answer,
  });

  it('answers an unknown tool with an error result the model can read', async () => {
    const { provider, requests } = scriptedProvider([{ toolCalls: [call('get_weather', { city: 'Paris' })] }, { text: 'report' }]);
    const { ctx, logs } = makeContext({ provider, role: 'market_analyst', tools: [tool('get_indicators')] });
    await expect(runAnalyst('market', ctx)).resolves.toEqual({ text: 'report' });
    const toolMessage = requests[1]?.messages.at(-1);
    expect(toolMessage).toEqual({
      role: 'tool',
      tool_call_id: 'id-get_weather',
      name: 'get_weather',
      content: 'ERROR: unknown tool "get_weather". Available tools: get_indicators.',
    });
    expect(logs.filter((l) => l.source === 'tool').map((l) => `${l.severity} ${l.message}`)).toEqual([
      'WARN get_weather {"city":"Paris"} failed: ERROR: unknown tool "get_weather". Available tools: get_indicators.',
    ]);
  });

  it('answers bad arguments as a tool result, whether the tool returns or throws them', async () => {
    const throwing: DataTool = {
      spec: { name: 'get_fundamentals', description: '', parameters: {} },
      run: async () => {
        throw new ValidationError('lookback_days must be an integer');
      },
    };
    const { provider, requests } = scriptedProvider([
      {
        toolCalls: [
          call('get_fundamentals', { lookback_days: 'x' }),
          { id: 'bad', name: 'get_indicators', arguments: ['not', 'an', 'object'] as unknown as Record<string, unknown> },
        ],
      },
      { text: 'done' },
    ]);
    const { ctx, logs } = makeContext({ provider, role: 'fundamentals_analyst', tools: [throwing, tool('get_indicators')] });
    await runAnalyst('fundamentals', ctx);
    const contents = requests[1]?.messages.filter((m) => m.role === 'tool').map((m) => m.content);
    expect(contents).toEqual([
      'INVALID ARGUMENTS: lookback_days must be an integer',
      'INVALID ARGUMENTS: the arguments must be a JSON object.',
    ]);
    expect(logs.filter((l) => l.source === 'tool').map((l) => `${l.severity} ${l.message}`)).toEqual([
      'WARN get_fundamentals {"lookback_days":"x"} failed: INVALID ARGUMENTS: lookback_days must be an integer',
      'WARN get_indicators ["not","an","object"] failed: INVALID ARGUMENTS: the arguments must be a JSON object.',
    ]);
  });

  it('stops offering tools after the round limit and asks for the report', async () => {
    const { provider, requests } = scriptedProvider((request) =>
      request.tools ? { toolCalls: [call('get_indicators', {}, `c${requests.length}`)] } : { text: 'final report' },
    );
    const { ctx, logs } = makeContext({ provider, role: 'market_analyst', tools: [tool('get_indicators')] });
    const result = await runAnalyst('market', ctx, 3);
    expect(result.text).toBe('final report');
    expect(requests).toHaveLength(4);
    expect(requests.slice(0, 3).every((r) => r.tools?.length === 1)).toBe(true);
    expect(requests[3]?.tools).toBeUndefined();
    expect(requests[3]?.messages.at(-1)).toEqual({
      role: 'user',
      content: 'You have used all 3 tool rounds. Do not call more tools: write your report now from the data you have.',
    });
    expect(logs.some((l) => l.severity === 'WARN' && l.message.includes('tool round limit (3) reached'))).toBe(true);
  });

  it('still returns a visible placeholder when the model never writes', async () => {
    const { provider, requests } = scriptedProvider([{}]);
    const { ctx } = makeContext({ provider, role: 'market_analyst', tools: [tool('get_indicators')] });
    const { text } = await runAnalyst('market', ctx, 2);
    expect(requests).toHaveLength(3);
    expect(requests[1]?.messages.at(-1)).toEqual({ role: 'user', content: 'Your answer was empty. Write your report now.' });
    expect(text).toMatch(/no report/);
  });

  it('fails the step when a tool faults for real', async () => {
    const broken: DataTool = {
      spec: { name: 'get_indicators', description: '', parameters: {} },
      run: async () => Promise.reject(new Error('disk on fire')),
    };
    const { provider } = scriptedProvider([{ toolCalls: [call('get_indicators')] }]);
    const { ctx, logs } = makeContext({ provider, role: 'market_analyst', tools: [broken] });
    await expect(runAnalyst('market', ctx)).rejects.toThrow('disk on fire');
    // The step's failure line does not name the call: the tool's own line does.
    expect(logs.filter((l) => l.source === 'tool')).toEqual([
      { severity: 'ERROR', source: 'tool', agent_id: 'market_analyst', message: 'get_indicators {} failed: disk on fire' },
    ]);
  });

  it('refuses an unknown analyst kind with a clear error', async () => {
    const { provider, requests } = scriptedProvider([{ text: 'x' }]);
    const { ctx } = makeContext({ provider, role: 'market_analyst' });
    await expect(runAnalyst('weather' as 'market', ctx)).rejects.toThrow(
      /unknown analyst kind "weather": expected one of market, social, news, fundamentals/,
    );
    expect(requests).toHaveLength(0);
  });
});

describe('a cancel during a long tool-call turn', () => {
  it('stops before the next tool call, not after the whole list', async () => {
    const controller = new AbortController();
    const ran: number[] = [];
    const tool: DataTool = {
      spec: { name: 'get_price_history', description: '', parameters: {} },
      // A tool over local data answers at once and never looks at the signal.
      async run() {
        ran.push(ran.length);
        if (ran.length === 3) controller.abort(new Error('run canceled'));
        return 'ok';
      },
    };
    const calls = Array.from({ length: 500 }, (_, i) => call('get_price_history', {}, `c${i}`));
    const { provider } = scriptedProvider([{ toolCalls: calls }, { text: 'report' }]);
    const { ctx } = makeContext({ provider, role: 'market_analyst', tools: [tool], signal: controller.signal });
    await expect(runAnalyst('market', ctx)).rejects.toThrow('run canceled');
    expect(ran).toHaveLength(3);
  });
});
