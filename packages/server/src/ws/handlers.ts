import { ClientMessageSchema, type ClientMessage } from '@tradingfloor/shared';
import type { RawData } from 'ws';
import type { AggregateStream } from './aggregate-stream.js';
import type { HubClient } from './hub-client.js';
import type { RunPatchStream } from './patch-stream.js';

/** Where a client's actions go: its run's stream (focused) or the aggregate stream. */
export interface HandlerTarget {
  client: HubClient;
  stream: RunPatchStream | null;
  aggregate: AggregateStream;
}

/** Parses one inbound frame; a bad one yields the reason instead of a message. */
function parseClientMessage(data: RawData, isBinary: boolean): { ok: true; message: ClientMessage } | { ok: false; reason: string } {
  if (isBinary) return { ok: false, reason: 'binary frames are not understood: send JSON text' };
  const text = Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data as ArrayBuffer).toString('utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'malformed message: not JSON' };
  }
  const parsed = ClientMessageSchema.safeParse(json);
  if (!parsed.success) {
    const action =
      typeof json === 'object' && json !== null && 'action' in json ? JSON.stringify((json as { action: unknown }).action) : 'none';
    return { ok: false, reason: `unknown action ${action}: expected {"action": "resync" | "log_dump" | "inspect_dump" | "inspect_start" | "inspect_stop" | "ping"}` };
  }
  return { ok: true, message: parsed.data };
}

/**
 * Answers one client frame. Replies go only to the asking client and bump no seq; a bad frame gets
 * `{ type: "error" }` and the connection stays usable.
 */
export function handleClientFrame(target: HandlerTarget, data: RawData, isBinary: boolean): void {
  const { client, stream, aggregate } = target;
  const parsed = parseClientMessage(data, isBinary);
  if (!parsed.ok) {
    client.send({ type: 'error', message: parsed.reason });
    return;
  }
  switch (parsed.message.action) {
    case 'ping':
      client.send({ type: 'pong' });
      return;
    case 'resync':
      if (!takeSnapshotToken(client, 'resync')) return;
      if (stream) client.send({ type: 'run_snapshot', ...stream.snapshot() });
      else aggregate.sendInit(client);
      return;
    case 'inspect_dump':
      if (stream?.inspectors.has(client)) client.send(stream.inspectSnapshot());
      else
        client.send({
          type: 'error',
          message: 'inspect_dump needs a focused connection opened with inspect=1 (/ws?run_id=...&inspect=1) or after inspect_start',
        });
      return;
    case 'inspect_start':
      if (stream) client.send(stream.startInspecting(client));
      else client.send({ type: 'error', message: 'inspect_start needs a focused connection (/ws?run_id=...)' });
      return;
    case 'inspect_stop':
      stream?.inspectors.delete(client);
      return;
    case 'log_dump':
      if (stream && !takeSnapshotToken(client, 'log_dump')) return;
      if (stream) client.send(stream.logSnapshot());
      else client.send({ type: 'error', message: 'log_dump needs a focused connection (/ws?run_id=...)' });
      return;
  }
}

/** Spends one of the client's snapshot tokens; when none is left the client gets an `error` and no snapshot. */
function takeSnapshotToken(client: HubClient, action: 'resync' | 'log_dump'): boolean {
  if (client.snapshots.take()) return true;
  const seconds = (client.snapshots.waitMs() / 1000).toFixed(1);
  client.send({ type: 'error', message: `too many ${action} requests on this connection: try again in ${seconds} s` });
  return false;
}
