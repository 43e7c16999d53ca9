import { readFileSync } from 'node:fs';

/** Clock ticks per second of `/proc` (USER_HZ: 100 on every Linux we run on). */
const USER_HZ = 100;

/** CPU time (user + system, ms) a process has used so far, from `/proc/<pid>/stat`; NaN off Linux or once it is gone. */
export function processCpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start at the last ')'; utime and stime are the 12th and 13th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / USER_HZ;
  } catch {
    return Number.NaN;
  }
}

/** Busy and total jiffies of the whole machine so far (`/proc/stat`'s first line); NaN off Linux. */
export function machineCpu(): { busy: number; total: number } {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
    const values = line.trim().split(/\s+/).slice(1, 9).map(Number);
    const total = values.reduce((a, b) => a + b, 0);
    // idle and iowait are the 4th and 5th values.
    return { busy: total - values[3]! - values[4]!, total };
  } catch {
    return { busy: Number.NaN, total: Number.NaN };
  }
}
