import { existsSync } from 'node:fs';
import { readdir, readlink, realpath } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Whether this system lists the process's open descriptors in /proc/self/fd (Linux): the checks below need it. */
export const canListOpenFds = existsSync('/proc/self/fd');

/**
 * The descriptors this process (every thread of it) holds open on `files`, each file with its descriptor
 * numbers, read from /proc/self/fd. A file is compared by its real path (its directory resolved: the file
 * itself need not exist).
 */
export async function openFdsOn(files: string[]): Promise<Map<string, number[]>> {
  const wanted = new Map<string, string>();
  for (const file of files) wanted.set(join(await realpath(dirname(file)), basename(file)), file);
  const open = new Map<string, number[]>();
  for (const entry of await readdir('/proc/self/fd')) {
    // An entry can vanish between the listing and its readlink (the listing's own descriptor does).
    const target = await readlink(`/proc/self/fd/${entry}`).catch(() => null);
    const file = target === null ? undefined : wanted.get(target);
    if (file === undefined) continue;
    open.set(file, [...(open.get(file) ?? []), Number(entry)]);
  }
  return open;
}
