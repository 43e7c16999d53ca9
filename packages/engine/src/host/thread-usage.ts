import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';

/** Clock ticks per second of `/proc/<pid>/task/<tid>/stat` (USER_HZ: 100 on every Linux we run on). */
const USER_HZ = 100;

/** What one engine thread has spent since it started. */
export interface ThreadUsage {
  threadId: number;
  /**
   * CPU time (user + system, ms) of the thread itself, from `/proc/thread-self/stat` (10 ms resolution; not
   * GC helper threads or libuv's pool); null where that file does not exist (not Linux).
   */
  cpuMs: number | null;
  /** Time its event loop was not idle (`performance.eventLoopUtilization().active`, ms): includes waiting for a core. */
  activeMs: number;
  /**
   * Turns its event loop has made (libuv's loop count, `performance.nodeTiming.uvMetricsInfo`): its wake-ups,
   * and V8's garbage-collection tasks, which run as turns too (a major collection's incremental marking is a
   * burst of ~1,000); null where Node does not report it. A thread that sleeps between answers pays for each
   * wake-up on top of the work (docs/performance-log.md, 2026-12-07 evening and 2026-12-08).
   */
  loopTurns: number | null;
  /**
   * The thread's own V8 heap (each thread has one): bytes in use, bytes the heap has committed (what its
   * share of the process's RSS follows), and the heap's limit.
   */
  heap: { usedBytes: number; totalBytes: number; limitBytes: number };
}

/** CPU time (ms) of the calling thread on Linux, else null (Node 20 has no `process.threadCpuUsage`). */
export function callingThreadCpuMs(): number | null {
  try {
    const stat = readFileSync('/proc/thread-self/stat', 'utf8');
    // Fields after the command name (which may hold spaces) start at the last ')'; utime and stime are
    // fields 14 and 15 of the line, i.e. 12th and 13th after it.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? (ticks * 1000) / USER_HZ : null;
  } catch {
    return null;
  }
}

/** libuv's loop count of the calling thread (Node 20.18+, 22.8+), else null. */
function loopTurns(): number | null {
  const metrics = (performance.nodeTiming as { uvMetricsInfo?: { loopCount?: unknown } }).uvMetricsInfo;
  return typeof metrics?.loopCount === 'number' ? metrics.loopCount : null;
}

/** The calling thread's usage so far. */
export function callingThreadUsage(threadId: number): ThreadUsage {
  const heap = getHeapStatistics();
  return {
    threadId,
    cpuMs: callingThreadCpuMs(),
    activeMs: performance.eventLoopUtilization().active,
    loopTurns: loopTurns(),
    heap: { usedBytes: heap.used_heap_size, totalBytes: heap.total_heap_size, limitBytes: heap.heap_size_limit },
  };
}
