// The entry of an engine worker thread (`ThreadHost`): builds this thread's engine from the environment it is
// given, executes the runs the server thread sends and reports their events back (host/worker-wire.ts).
import { parentPort, threadId, workerData } from 'node:worker_threads';
import { errorMessage } from '@tradingfloor/shared';
import type { HostEvent } from '../host/host-protocol.js';
import { RemoteLimiter } from '../host/remote-limiter.js';
import { callingThreadUsage } from '../host/thread-usage.js';
import type { EngineWorkerData, FromWorker, PermitNote, ToWorker, WorkerCall } from '../host/worker-wire.js';
import { AGENT_STEPS } from '../machine/agent-steps.js';
import { LessonStore } from '../memory/lesson-store.js';
import { createEngineDeps } from './engine-deps.js';
import { RunExecutor } from './run-executor.js';

const port = parentPort!;
const data = workerData as EngineWorkerData;
const post = (message: FromWorker) => port.postMessage(message);

/**
 * Events leave in batches, one message per turn of this thread's event loop (a run makes several per step);
 * a reply first sends the events before it, so the server sees a run's `created` before its `start` returns.
 * A busy thread's turn can be long (a hundred runs' answers landing in one poll phase), so a batch older than
 * {@link MAX_BATCH_AGE_MS} also leaves with the next event: a log line waits for its batch at most that long
 * while the thread keeps making events, not for the whole turn. The limiter's notes that want no answer
 * (`PermitNote`) ride in the same batches.
 *
 * Structured clone, not JSON: measured on the events of real runs (then ≈ 400 a run: 193 inspection records, 131
 * log lines, the `changed` events; ≈ 300 since tool calls reach the actor once per turn, ≈ 245 since the log says each thing once), `postMessage` of a batch costs ≈ 1.4 µs an event to send and ≈ 2 µs to
 * receive, where `JSON.stringify`, posting the string and `JSON.parse` cost 1.5–4× that; a batch's records
 * share their state objects, which a clone sends once.
 */
const MAX_BATCH_AGE_MS = 4;
let batch: HostEvent[] = [];
let permits: PermitNote[] = [];
let batchSince = 0;
let flushScheduled = false;
function sendEvents(): void {
  // The runs' changes still held (coalesced this turn) join the batch before it leaves.
  executor.flushChanges();
  flushScheduled = false;
  sendBatch();
}
function sendBatch(): void {
  if (batch.length === 0 && permits.length === 0) return;
  const events = batch;
  batch = [];
  if (permits.length === 0) return post({ kind: 'events', events });
  const notes = permits;
  permits = [];
  post({ kind: 'events', events, permits: notes });
}
/** Opens a batch when there is none; the time now. */
function batchStart(): number {
  const now = performance.now();
  if (batch.length === 0 && permits.length === 0) batchSince = now;
  return now;
}
/** After an addition: the batch leaves at the end of this turn, or now if it is old. */
function leaveSoon(now: number): void {
  if (now - batchSince >= MAX_BATCH_AGE_MS) {
    // The turn's immediate stays scheduled; it finds the batch empty or newer.
    sendBatch();
    return;
  }
  if (!flushScheduled) {
    flushScheduled = true;
    setImmediate(sendEvents);
  }
}
function queue(event: HostEvent): void {
  const now = batchStart();
  batch.push(event);
  leaveSoon(now);
}
function queuePermit(note: PermitNote): void {
  const now = batchStart();
  permits.push(note);
  leaveSoon(now);
}

const limiter = new RemoteLimiter(post, queuePermit);
const executor = new RunExecutor(
  {
    deps: createEngineDeps(data.env, { limiter }),
    steps: AGENT_STEPS,
    logBufferMaxLines: data.logBufferMaxLines,
    // The server's mirror keeps the lines it is sent (and seeds a resumed run's log): none are kept twice.
    keepLogs: false,
    now: Date.now,
    lessonStore: new LessonStore(data.resultsDir),
    // Events leave once per turn: a run's changes within one turn leave as one `changed` event.
    coalesceChanges: true,
    // Every record is cloned into a batch at once, its summary read: a lazy one only costs more.
    eagerSummaries: true,
    // A batch of runs that has just begun: their `in_progress` leaves before their analysts' first work.
    sendEvents,
    ...(data.inspectionMax !== undefined ? { inspectionMax: data.inspectionMax } : {}),
  },
  queue,
);

async function answer(id: number, call: WorkerCall): Promise<void> {
  try {
    let value: unknown;
    if (call.method === 'start') value = await executor.start(call.runs);
    else if (call.method === 'interrupt') value = await executor.interrupt(call.runId, call.reason);
    else if (call.method === 'usage') value = callingThreadUsage(threadId);
    else value = await executor.flush(call.runId);
    sendEvents();
    post({ kind: 'reply', id, ok: true, value: value ?? null });
  } catch (error) {
    sendEvents();
    post({ kind: 'reply', id, ok: false, error: errorMessage(error) });
  }
}

port.on('message', (message: ToWorker) => {
  if (limiter.receive(message)) return;
  switch (message.kind) {
    case 'call':
      void answer(message.id, message.call);
      break;
    case 'cancel':
      try {
        executor.cancel(message.runId);
      } catch {
        // Ended meanwhile (or never opened here): a cancel that comes too late changes nothing.
      }
      break;
    case 'release':
      executor.release(message.runId);
      break;
    case 'crash':
      setImmediate(() => {
        throw new Error('engine thread crash requested');
      });
      break;
    default:
      break;
  }
});

post({ kind: 'ready' });
