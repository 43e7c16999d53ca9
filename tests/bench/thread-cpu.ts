import { readFileSync } from 'node:fs';

/** Clock ticks per second of `/proc/<pid>/task/<tid>/stat` (USER_HZ: 100 on every Linux we run on). */
const USER_HZ = 100;

/**
 * CPU time (user + system, ms) of the calling thread: what the thread that runs the engine spent, not the
 * GC helpers, libuv's pool or other worker threads. On Linux it reads `/proc/thread-self/stat` from the
 * calling thread (10 ms resolution, enough over a batch of runs); elsewhere it falls back to the whole
 * process's `process.cpuUsage()`. Call it in the thread that executes the runs: with engine worker threads,
 * inside each worker.
 */
export function threadCpuMs(): { ms: number; perThread: boolean } {
  try {
    const stat = readFileSync('/proc/thread-self/stat', 'utf8');
    // Fields after the command name (which may hold spaces) start at the last ')'; utime and stime are
    // fields 14 and 15 of the line, i.e. 12th and 13th after it.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    if (Number.isFinite(ticks)) return { ms: (ticks * 1000) / USER_HZ, perThread: true };
  } catch {
    // not Linux: fall through
  }
  const cpu = process.cpuUsage();
  return { ms: (cpu.user + cpu.system) / 1000, perThread: false };
}
