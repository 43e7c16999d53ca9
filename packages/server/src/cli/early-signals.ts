/** The stop signals the CLI handles. */
type StopSignal = 'SIGINT' | 'SIGTERM';
const STOP_SIGNALS: readonly StopSignal[] = ['SIGINT', 'SIGTERM'];

/** What `process` offers for signals (an EventEmitter in tests). */
interface SignalEmitter {
  on(signal: StopSignal, listener: () => void): unknown;
  off(signal: StopSignal, listener: () => void): unknown;
}

/** A signal source for `CliIo.signals` that also hands over signals received before anyone listened. */
export interface BufferedSignals {
  on(signal: StopSignal, listener: () => void): void;
  off(signal: StopSignal, listener: () => void): void;
  /** Stops listening on the process (its default handling applies again). */
  dispose(): void;
}

/**
 * Listens for SIGINT / SIGTERM from the first line of the bin, before the heavy modules load (about a
 * second): a Ctrl-C then used to kill the process with Node's default handling, so no summary was printed.
 * Signals received while no command listens are kept and delivered, in order, to the first listener of
 * that signal, which then handles them as if they had arrived just now; a second one while nobody listens
 * exits at once (130 / 143), so a Ctrl-C is never swallowed.
 */
export function bufferEarlySignals(
  source: SignalEmitter = process,
  /** A second signal while nobody listens ends the process at once (as Node's default handling would). */
  exitNow: (code: number) => void = (code) => process.exit(code),
): BufferedSignals {
  const listeners = new Map<StopSignal, Set<() => void>>(STOP_SIGNALS.map((s) => [s, new Set()]));
  const pending: StopSignal[] = [];
  const forward = new Map<StopSignal, () => void>();
  for (const signal of STOP_SIGNALS) {
    const onSignal = () => {
      const current = listeners.get(signal)!;
      if (current.size === 0) {
        if (pending.length > 0) return exitNow(signal === 'SIGINT' ? 130 : 143);
        pending.push(signal);
      }
      for (const listener of [...current]) listener();
    };
    forward.set(signal, onSignal);
    source.on(signal, onSignal);
  }
  return {
    on(signal, listener) {
      listeners.get(signal)!.add(listener);
      const waiting = pending.filter((s) => s === signal).length;
      if (waiting === 0) return;
      for (let i = pending.length - 1; i >= 0; i--) if (pending[i] === signal) pending.splice(i, 1);
      // Delivered after the caller finished registering (it may add its SIGTERM listener next).
      queueMicrotask(() => {
        for (let i = 0; i < waiting; i++) listener();
      });
    },
    off(signal, listener) {
      listeners.get(signal)!.delete(listener);
    },
    dispose() {
      for (const [signal, onSignal] of forward) source.off(signal, onSignal);
    },
  };
}
