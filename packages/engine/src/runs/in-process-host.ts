import type { LimiterLayer } from '@tradingfloor/shared';
import type { EngineHost, HostEvent, HostRunSpec, HostStartResult } from '../host/host-protocol.js';
import { RunExecutor, type RunExecutorOptions } from './run-executor.js';

/**
 * The engine host that executes runs on the calling thread (`ENGINE_THREADS=0`; tests that inject steps or
 * fake deps; the Stately inspector). Events reach listeners synchronously, as the runs make them.
 */
export class InProcessHost implements EngineHost {
  readonly kind = 'in-process';
  private readonly listeners = new Set<(event: HostEvent) => void>();
  private readonly executor: RunExecutor;

  constructor(private readonly options: RunExecutorOptions) {
    this.executor = new RunExecutor(options, (event) => {
      for (const listener of this.listeners) {
        try {
          listener(event);
        } catch {
          // A listener's fault must not reach the run.
        }
      }
    });
  }

  start(runs: HostRunSpec[]): Promise<HostStartResult[]> {
    return this.executor.start(runs);
  }

  /** Throws `ConflictError` at once for a run that already ended otherwise. */
  cancel(runId: string): void {
    this.executor.cancel(runId);
  }

  release(runId: string): void {
    this.executor.release(runId);
  }

  interrupt(runId: string, reason: string): Promise<void> {
    return this.executor.interrupt(runId, reason);
  }

  flush(runId?: string): Promise<void> {
    return this.executor.flush(runId);
  }

  subscribe(listener: (event: HostEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  limiterSnapshot(): LimiterLayer[] {
    return this.options.deps.limiterSnapshot?.() ?? [];
  }

  async close(): Promise<void> {}
}
