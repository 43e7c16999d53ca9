import type { FakeRequest, WireFormat } from './fake-request.js';

/** Token counts a reply reports; computed from text lengths when a reply names none. */
export interface FakeUsage {
  input_tokens: number;
  output_tokens: number;
}

/** A tool call the fake model makes. `arguments` as a string is sent verbatim (to inject malformed JSON). */
export interface FakeToolCall {
  id?: string;
  name: string;
  arguments: Record<string, unknown> | string;
}

/**
 * What the fake server answers to one request. Every kind may carry `delayMs` (overrides the server's
 * `latencyMs`) before the answer is sent.
 */
export type FakeReply = { delayMs?: number } &
  /** `chunked: true` sends the body without a Content-Length, in 1 KiB writes. */
  (
    | { kind: 'text'; text: string; usage?: FakeUsage; model?: string; chunked?: boolean }
    /**
     * Server-sent events of a streamed answer (`stream: true` requests): one text delta per chunk, `gapMs`
     * apart; with `stallAfter`, the server stops after that many chunks and holds the connection open.
     */
    | { kind: 'stream'; chunks: string[]; gapMs?: number; stallAfter?: number }
    /** A 200 JSON answer of which only the first half is sent; then the server hangs or drops the socket. */
    | { kind: 'partial'; then: 'hang' | 'drop' }
    /** `thinking` (Anthropic only) adds a signed thinking block first, as thinking Claude models send. */
    | { kind: 'tool_calls'; calls: FakeToolCall[]; text?: string; thinking?: string; usage?: FakeUsage }
    /** HTTP 429; `retryAfterSeconds` → `retry-after`, `retryAfterMs` → `retry-after-ms`. */
    | { kind: 'rate_limit'; retryAfterSeconds?: number; retryAfterMs?: number }
    /** HTTP 5xx (default 500). */
    | { kind: 'server_error'; status?: number; message?: string }
    /** Any other HTTP error status, e.g. 400 unknown model or 401 bad key. */
    | { kind: 'client_error'; status: number; message: string }
    /** Never answers, until the client aborts or the server closes. */
    | { kind: 'hang' }
    /** Destroys the socket without answering. */
    | { kind: 'drop' }
    /** HTTP 200, `application/json`, a body that is not JSON. */
    | { kind: 'malformed_json' }
    /** HTTP 200 with an empty choice list (OpenAI) or empty content (Anthropic). */
    | { kind: 'empty_choices' }
  );

/** An HTTP answer ready to send. */
export interface RenderedReply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const estimateTokens = (chars: number) => Math.max(1, Math.ceil(chars / 4));

/** Approximate usage: ~4 characters per token of everything sent and of the answer. */
export function estimateUsage(req: FakeRequest, answer: string): FakeUsage {
  const sent = req.system.length + req.messages.reduce((n, m) => n + m.text.length, 0) + JSON.stringify(req.tools).length;
  return { input_tokens: estimateTokens(sent), output_tokens: estimateTokens(answer.length) };
}

const json = (status: number, value: unknown, headers: Record<string, string> = {}): RenderedReply => ({
  status,
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(value),
});

function errorBody(format: WireFormat, type: string, message: string): unknown {
  return format === 'openai' ? { error: { message, type, code: null } } : { type: 'error', error: { type, message } };
}

/** Renders a reply in the request's wire format. `hang`, `drop`, `stream` and `partial` are the server's. */
export function renderReply(reply: Exclude<FakeReply, { kind: 'hang' | 'drop' | 'stream' | 'partial' }>, req: FakeRequest): RenderedReply {
  const { format } = req;
  switch (reply.kind) {
    case 'rate_limit': {
      const headers: Record<string, string> = {};
      if (reply.retryAfterSeconds !== undefined) headers['retry-after'] = String(reply.retryAfterSeconds);
      if (reply.retryAfterMs !== undefined) headers['retry-after-ms'] = String(reply.retryAfterMs);
      return json(
        429,
        errorBody(format, format === 'openai' ? 'rate_limit_exceeded' : 'rate_limit_error', 'Rate limit reached (fake)'),
        headers,
      );
    }
    case 'server_error':
      return json(
        reply.status ?? 500,
        errorBody(format, format === 'openai' ? 'server_error' : 'api_error', reply.message ?? 'Internal error (fake)'),
      );
    case 'client_error':
      return json(reply.status, errorBody(format, 'invalid_request_error', reply.message));
    case 'malformed_json':
      return { status: 200, headers: { 'content-type': 'application/json' }, body: '{"id": "broken", "choices": [ {"message": ' };
    case 'empty_choices':
      return format === 'openai'
        ? json(200, {
            id: `chatcmpl-fake-${req.seq}`,
            object: 'chat.completion',
            created: 0,
            model: req.model,
            choices: [],
            usage: usageOpenAi({ input_tokens: 1, output_tokens: 0 }),
          })
        : json(200, anthropicMessage(req, [], 'end_turn', { input_tokens: 1, output_tokens: 0 }));
    case 'text': {
      const usage = reply.usage ?? estimateUsage(req, reply.text);
      const model = reply.model ?? req.model;
      return format === 'openai'
        ? json(200, openAiCompletion(req, model, { role: 'assistant', content: reply.text }, 'stop', usage))
        : json(200, anthropicMessage(req, [{ type: 'text', text: reply.text }], 'end_turn', usage, model));
    }
    case 'tool_calls': {
      const calls = reply.calls.map((c, i) => ({ ...c, id: c.id ?? `call_fake_${req.seq}_${i}` }));
      const usage = reply.usage ?? estimateUsage(req, JSON.stringify(calls) + (reply.text ?? ''));
      if (format === 'openai') {
        const message = {
          role: 'assistant',
          content: reply.text ?? null,
          tool_calls: calls.map((c) => ({
            id: c.id,
            type: 'function',
            function: { name: c.name, arguments: typeof c.arguments === 'string' ? c.arguments : JSON.stringify(c.arguments) },
          })),
        };
        return json(200, openAiCompletion(req, req.model, message, 'tool_calls', usage));
      }
      const blocks: unknown[] = reply.thinking
        ? [{ type: 'thinking', thinking: reply.thinking, signature: `fake-signature-${req.seq}` }]
        : [];
      if (reply.text) blocks.push({ type: 'text', text: reply.text });
      for (const c of calls) blocks.push({ type: 'tool_use', id: c.id, name: c.name, input: c.arguments });
      return json(200, anthropicMessage(req, blocks, 'tool_use', usage));
    }
  }
}

function usageOpenAi(u: FakeUsage) {
  return { prompt_tokens: u.input_tokens, completion_tokens: u.output_tokens, total_tokens: u.input_tokens + u.output_tokens };
}

function openAiCompletion(req: FakeRequest, model: string, message: unknown, finish: string, usage: FakeUsage) {
  return {
    id: `chatcmpl-fake-${req.seq}`,
    object: 'chat.completion',
    created: Math.floor(req.receivedAt / 1000),
    model,
    choices: [{ index: 0, message, finish_reason: finish, logprobs: null }],
    usage: usageOpenAi(usage),
  };
}

function anthropicMessage(req: FakeRequest, content: unknown[], stop: string, usage: FakeUsage, model = req.model) {
  return {
    id: `msg_fake_${req.seq}`,
    type: 'message',
    role: 'assistant',
    model,
    content,
    stop_reason: stop,
    stop_sequence: null,
    usage: { input_tokens: usage.input_tokens, output_tokens: usage.output_tokens },
  };
}
