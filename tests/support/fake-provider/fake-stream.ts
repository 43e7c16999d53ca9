import type { ServerResponse } from 'node:http';
import type { FakeReply } from './fake-reply.js';
import type { FakeRequest } from './fake-request.js';

type StreamReply = Extract<FakeReply, { kind: 'stream' }>;

/** The server-sent events of a streamed text answer in the request's wire format, one string per event. */
function streamEvents(reply: StreamReply, req: FakeRequest): string[] {
  const sse = (data: unknown, event?: string) => `${event ? `event: ${event}\n` : ''}data: ${JSON.stringify(data)}\n\n`;
  if (req.format === 'openai') {
    const chunk = (delta: unknown, finish: string | null) => ({
      id: `chatcmpl-fake-${req.seq}`,
      object: 'chat.completion.chunk',
      created: Math.floor(req.receivedAt / 1000),
      model: req.model,
      choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }],
    });
    return [
      ...reply.chunks.map((text, i) => sse(chunk(i === 0 ? { role: 'assistant', content: text } : { content: text }, null))),
      sse(chunk({}, 'stop')),
      'data: [DONE]\n\n',
    ];
  }
  const message = {
    id: `msg_fake_${req.seq}`,
    type: 'message',
    role: 'assistant',
    model: req.model,
    content: [],
    stop_reason: null,
    stop_sequence: null,
    usage: { input_tokens: 1, output_tokens: 1 },
  };
  return [
    sse({ type: 'message_start', message }, 'message_start'),
    sse({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }, 'content_block_start'),
    ...reply.chunks.map((text) =>
      sse({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } }, 'content_block_delta'),
    ),
    sse({ type: 'content_block_stop', index: 0 }, 'content_block_stop'),
    sse(
      { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: reply.chunks.length } },
      'message_delta',
    ),
    sse({ type: 'message_stop' }, 'message_stop'),
  ];
}

/**
 * Sends a `stream` reply as server-sent events (chunked, no Content-Length). Stops early when the client
 * goes away; with `stallAfter` it holds the connection open after that many text chunks.
 */
export async function sendStream(res: ServerResponse, reply: StreamReply, req: FakeRequest): Promise<void> {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const events = streamEvents(reply, req);
  // The text chunks start after the preamble events (Anthropic: message_start, content_block_start).
  const preamble = req.format === 'openai' ? 0 : 2;
  for (const [i, event] of events.entries()) {
    if (res.destroyed) return;
    if (reply.stallAfter !== undefined && i === preamble + reply.stallAfter) return;
    res.write(event);
    if (reply.gapMs) await new Promise((resolve) => setTimeout(resolve, reply.gapMs));
  }
  res.end();
}
