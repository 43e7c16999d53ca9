import type { EngineEnv } from '../config/engine-env.js';
import type { LimiterKey } from '../limiter/concurrency-limiter.js';
import type { RateLimitOutcome } from '../limiter/permit-limiter.js';
import type { HostEvent, HostRunSpec } from './host-protocol.js';

/**
 * The messages between the server thread and one engine worker thread (`worker_threads`, structured clone).
 * Run commands and the worker's replies and events share one ordered port, so a `start` reply always comes
 * after the `created` events of its runs. Permits of the shared LLM limiter travel on the same port.
 */

/** What the worker is started with (`workerData`). */
export interface EngineWorkerData {
  /** The parsed environment the worker builds its providers, market data, prices and answer limits from. */
  env: EngineEnv;
  resultsDir: string;
  logBufferMaxLines: number;
  inspectionMax?: number;
  /** Set when the worker runs from TypeScript sources (tests): the module the boot file imports. */
  entry?: string;
}

/** A command with a reply. */
export type WorkerCall =
  | { method: 'start'; runs: HostRunSpec[] }
  | { method: 'interrupt'; runId: string; reason: string }
  | { method: 'flush'; runId?: string }
  /** The thread's CPU and event-loop time so far (`ThreadUsage`), for the benchmarks and `/metrics`. */
  | { method: 'usage' };

/** Server thread → worker. */
export type ToWorker =
  | { kind: 'call'; id: number; call: WorkerCall }
  | { kind: 'cancel'; runId: string }
  | { kind: 'release'; runId: string }
  /**
   * The permits of acquisition `id` are held for the worker. `open`: nothing could have made it wait (no
   * limit on any layer of its key), as of the provider's generation `open`: the worker takes the permits of
   * that key itself from now on (`took`), until `closed` names its provider.
   */
  | { kind: 'granted'; id: number; open?: number }
  /** A 429 lowered `provider`'s limit: the worker's keys of that provider are not open any more; it asks again. */
  | { kind: 'closed'; provider: string }
  | { kind: 'rate_limited'; id: number; ask: number; outcome: RateLimitOutcome }
  /** Tests: throw an uncaught error in the worker, as a fault would. */
  | { kind: 'crash' };

/**
 * A limiter message that may wait for the worker's next batch (`RemoteLimiter`'s `postSoon`): those that want
 * no answer, the asks for permits, whose answer the call waits for anyway (the batch leaves at the end of
 * the turn, within a few ms), and the 429 of a call whose permits it took, which must not overtake its `took`.
 */
export type PermitNote =
  | { kind: 'succeeded'; id: number }
  | { kind: 'release'; id: number }
  /** Wants the permits of `key`; `release` ends the wait or gives them back. */
  | { kind: 'acquire'; id: number; key: LimiterKey }
  /** The worker took the permits of an open key itself (at the generation its `granted` gave), for call `id`. */
  | { kind: 'took'; id: number; key: LimiterKey; generation: number }
  /** A 429 of a call whose permits were taken (`took`): it follows the `took` in the same order. */
  | { kind: 'rate_limited'; id: number; ask: number };

/** Worker → server thread. */
export type FromWorker =
  | { kind: 'ready' }
  /**
   * A batch: run events, and the permit notes made since the last batch (handled first, in order). A model
   * call's `acquire`, `succeeded` and `release` ride here instead of crossing as messages of their own: a
   * message costs the sending thread a wake-up call and the receiving thread a wake-up, and the limiter's
   * messages were most of them (≈ 3 a model call against ≈ 14 batches a run).
   */
  | { kind: 'events'; events: HostEvent[]; permits?: PermitNote[] }
  | { kind: 'reply'; id: number; ok: true; value: unknown }
  | { kind: 'reply'; id: number; ok: false; error: string }
  /** A limiter message sent on its own (`RemoteLimiter`'s `post`, or `postSoon` where there is no batch). */
  | PermitNote;
