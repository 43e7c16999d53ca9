import type { FakeReply } from './fake-reply.js';
import type { FakeRequest, FakeTool } from './fake-request.js';

export interface DefaultScriptOptions {
  /** The transaction every closing line proposes (default HOLD). */
  action?: 'BUY' | 'HOLD' | 'SELL';
}

const RATING_OF = { BUY: 'Buy', HOLD: 'Hold', SELL: 'Sell' } as const;

/**
 * A script that answers like a cooperative model for our agents:
 * - tools offered and no tool result yet → one call to every offered tool, with arguments built from each
 *   tool's JSON Schema (ticker and dates taken from the prompt);
 * - otherwise a short markdown answer that names what it was asked and ends with the closing lines the
 *   managers and the trader must write: `FINAL RATING: …` and `FINAL TRANSACTION PROPOSAL: **…**`.
 */
export function createDefaultScript(options: DefaultScriptOptions = {}): (req: FakeRequest) => FakeReply {
  const action = options.action ?? 'HOLD';
  return (req) => {
    if (req.tools.length > 0 && req.toolResults === 0) {
      return { kind: 'tool_calls', calls: req.tools.map((tool) => ({ name: tool.name, arguments: argumentsFor(tool, req) })) };
    }
    const ticker = tickerOf(req);
    const role = /You are ([^.\n]{3,80})/.exec(req.system)?.[1]?.trim() ?? 'a member of the trading team';
    const text = [
      `## Answer for ${ticker}`,
      'Signal: neutral (score 0 of 1)',
      '',
      `Written by the fake provider server, speaking as ${role}. It read ${req.toolResults} tool result(s) and ${req.messages.length} message(s).`,
      '',
      '| Factor | Reading | Signal |',
      '| --- | --- | --- |',
      '| Overall | scripted test answer | neutral |',
      '',
      `FINAL RATING: ${RATING_OF[action]}`,
      `FINAL TRANSACTION PROPOSAL: **${action}**`,
    ].join('\n');
    return { kind: 'text', text };
  };
}

const TICKER_IN_PARENS = /\(([A-Z][A-Z0-9]{0,9}(?:[.-][A-Z0-9]{1,4})?)\)/;
const DATE = /\b(\d{4}-\d{2}-\d{2})\b/;

function allText(req: FakeRequest): string {
  return [req.system, ...req.messages.map((m) => m.text)].join('\n');
}

function tickerOf(req: FakeRequest): string {
  return TICKER_IN_PARENS.exec(allText(req))?.[1] ?? 'ACME';
}

/** Fills a tool's required arguments the way a model reading the prompt would. */
function argumentsFor(tool: FakeTool, req: FakeRequest): Record<string, unknown> {
  const props = (tool.parameters.properties ?? {}) as Record<string, Record<string, unknown>>;
  const required = Array.isArray(tool.parameters.required) ? (tool.parameters.required as string[]) : [];
  const tradeDate = DATE.exec(allText(req))?.[1] ?? '2024-01-31';
  const args: Record<string, unknown> = {};
  for (const name of required) {
    const schema = props[name] ?? {};
    if (schema.default !== undefined) args[name] = schema.default;
    else if (Array.isArray(schema.enum) && schema.enum.length > 0) args[name] = schema.enum[0];
    else if (/ticker|symbol/i.test(name)) args[name] = tickerOf(req);
    else if (/start|from|begin/i.test(name) && /date|day/i.test(name)) args[name] = shiftDays(tradeDate, -30);
    else if (/date|day|until|end|to$/i.test(name) && schema.type === 'string') args[name] = tradeDate;
    else if (schema.type === 'string' && schema.format === 'date') args[name] = tradeDate;
    else if (schema.type === 'integer' || schema.type === 'number') {
      const low = typeof schema.minimum === 'number' ? schema.minimum : 30;
      const high = typeof schema.maximum === 'number' ? schema.maximum : Infinity;
      args[name] = Math.min(Math.max(low, 30), high);
    } else if (schema.type === 'boolean') args[name] = false;
    else if (schema.type === 'array') args[name] = [];
    else args[name] = '';
  }
  return args;
}

function shiftDays(isoDate: string, days: number): string {
  const d = new Date(`${isoDate}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}
