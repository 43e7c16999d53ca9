import type { IncomingHttpHeaders } from 'node:http';

/** Which wire format a request used. */
export type WireFormat = 'openai' | 'anthropic';

/** One turn of the conversation, the same for both wire formats. */
export interface FakeMessage {
  role: 'user' | 'assistant' | 'tool';
  text: string;
  /** Tool calls of an assistant turn. Arguments as sent (parsed when they were valid JSON). */
  toolCalls?: Array<{ id: string; name: string; arguments: unknown }>;
  /** For `tool` turns: the call this result answers. */
  toolCallId?: string;
}

/** A tool offered in the request. */
export interface FakeTool {
  name: string;
  description: string;
  parameters: Record<string, unknown>;
}

/** What the fake server received, as a script and the tests see it. */
export interface FakeRequest {
  /** 1-based order of arrival. */
  seq: number;
  format: WireFormat;
  path: string;
  headers: IncomingHttpHeaders;
  /** The parsed JSON body, untouched. */
  body: Record<string, unknown>;
  model: string;
  /** System prompt(s), joined. */
  system: string;
  messages: FakeMessage[];
  tools: FakeTool[];
  /** How many tool results the conversation carries so far. */
  toolResults: number;
  /** Whether the request set `tool_choice` (our providers never should). */
  hasToolChoice: boolean;
  /** Epoch ms of arrival. */
  receivedAt: number;
}

const obj = (v: unknown): Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** Text of an OpenAI `content` (a string or a list of parts) or an Anthropic content list. */
function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((part) => obj(part))
    .filter((part) => part.type === 'text')
    .map((part) => str(part.text))
    .join('\n');
}

function parseMaybeJson(text: unknown): unknown {
  if (typeof text !== 'string') return text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Reads an OpenAI chat-completions body. */
export function fromOpenAiBody(
  body: Record<string, unknown>,
): Pick<FakeRequest, 'model' | 'system' | 'messages' | 'tools' | 'hasToolChoice'> {
  const system: string[] = [];
  const messages: FakeMessage[] = [];
  for (const raw of Array.isArray(body.messages) ? body.messages : []) {
    const m = obj(raw);
    if (m.role === 'system' || m.role === 'developer') system.push(textOf(m.content));
    else if (m.role === 'user') messages.push({ role: 'user', text: textOf(m.content) });
    else if (m.role === 'assistant') {
      const calls = (Array.isArray(m.tool_calls) ? m.tool_calls : []).map((c) => {
        const call = obj(c);
        const fn = obj(call.function);
        return { id: str(call.id), name: str(fn.name), arguments: parseMaybeJson(fn.arguments) };
      });
      messages.push({ role: 'assistant', text: textOf(m.content), ...(calls.length > 0 ? { toolCalls: calls } : {}) });
    } else if (m.role === 'tool') messages.push({ role: 'tool', text: textOf(m.content), toolCallId: str(m.tool_call_id) });
  }
  const tools = (Array.isArray(body.tools) ? body.tools : []).map((t) => {
    const fn = obj(obj(t).function);
    return { name: str(fn.name), description: str(fn.description), parameters: obj(fn.parameters) };
  });
  return { model: str(body.model), system: system.join('\n\n'), messages, tools, hasToolChoice: body.tool_choice !== undefined };
}

/** Reads an Anthropic Messages body; `tool_result` blocks become `tool` turns. */
export function fromAnthropicBody(
  body: Record<string, unknown>,
): Pick<FakeRequest, 'model' | 'system' | 'messages' | 'tools' | 'hasToolChoice'> {
  const messages: FakeMessage[] = [];
  for (const raw of Array.isArray(body.messages) ? body.messages : []) {
    const m = obj(raw);
    const blocks = typeof m.content === 'string' ? [{ type: 'text', text: m.content }] : Array.isArray(m.content) ? m.content.map(obj) : [];
    if (m.role === 'assistant') {
      const calls = blocks.filter((b) => b.type === 'tool_use').map((b) => ({ id: str(b.id), name: str(b.name), arguments: b.input }));
      messages.push({ role: 'assistant', text: textOf(blocks), ...(calls.length > 0 ? { toolCalls: calls } : {}) });
      continue;
    }
    for (const b of blocks.filter((b) => b.type === 'tool_result')) {
      messages.push({ role: 'tool', text: textOf(b.content), toolCallId: str(b.tool_use_id) });
    }
    const text = textOf(blocks);
    if (text !== '') messages.push({ role: 'user', text });
  }
  const tools = (Array.isArray(body.tools) ? body.tools : []).map((t) => {
    const tool = obj(t);
    return { name: str(tool.name), description: str(tool.description), parameters: obj(tool.input_schema) };
  });
  return { model: str(body.model), system: textOf(body.system), messages, tools, hasToolChoice: body.tool_choice !== undefined };
}
