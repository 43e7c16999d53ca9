import { callingThreadCpuMs } from '@tradingfloor/engine';

/**
 * CPU time (user + system, ms) of the calling thread: what the thread that runs the engine spent, not the
 * GC helpers, libuv's pool or other worker threads. On Linux it reads `/proc/thread-self/stat` from the
 * calling thread (10 ms resolution, enough over a batch of runs; the engine's `callingThreadCpuMs`);
 * elsewhere it falls back to the whole process's `process.cpuUsage()`. Engine worker threads report theirs
 * through `threadUsage` of `openRunManager`.
 */
export function threadCpuMs(): { ms: number; perThread: boolean } {
  const ms = callingThreadCpuMs();
  if (ms !== null) return { ms, perThread: true };
  const cpu = process.cpuUsage();
  return { ms: (cpu.user + cpu.system) / 1000, perThread: false };
}
