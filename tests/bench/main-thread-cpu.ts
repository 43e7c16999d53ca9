import type { BrowserContext, Page } from 'playwright-core';

/** The page's main-thread tasks over a window, by the CPU time the thread spent in them. */
export interface MainThreadCpu {
  /** CPU time of the most expensive task, ms. */
  longestTaskCpuMs: number;
  /** Wall time of that same task, ms (CPU time plus the time the thread waited for a core). */
  longestTaskWallMs: number;
  /** CPU time of all tasks together, ms. */
  totalCpuMs: number;
  tasks: number;
}

interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  dur?: number;
  tdur?: number;
  args?: { name?: string };
}

/**
 * Traces the page's renderer main thread for `ms` (Chrome DevTools Protocol, the category the Performance
 * panel records tasks with) and sums the thread CPU time of its tasks. A long task's wall time also counts the
 * time the thread waited for a core, which on a shared machine is most of it; CPU time is what the page costs.
 */
export async function traceMainThreadCpu(context: BrowserContext, page: Page, ms: number): Promise<MainThreadCpu> {
  const cdp = await context.newCDPSession(page);
  const events: TraceEvent[] = [];
  cdp.on('Tracing.dataCollected', (e) => events.push(...(e.value as unknown as TraceEvent[])));
  const complete = new Promise<void>((resolve) => cdp.once('Tracing.tracingComplete', () => resolve()));
  await cdp.send('Tracing.start', { categories: '__metadata,disabled-by-default-devtools.timeline', transferMode: 'ReportEvents' });
  await page.waitForTimeout(ms);
  await cdp.send('Tracing.end');
  await complete;
  await cdp.detach();
  const main = new Set(events.filter((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`));
  const tasks = events.filter((e) => e.name === 'RunTask' && e.ph === 'X' && main.has(`${e.pid}:${e.tid}`));
  let longest: TraceEvent | null = null;
  let total = 0;
  for (const t of tasks) {
    total += t.tdur ?? 0;
    if (!longest || (t.tdur ?? 0) > (longest.tdur ?? 0)) longest = t;
  }
  return {
    longestTaskCpuMs: (longest?.tdur ?? 0) / 1000,
    longestTaskWallMs: (longest?.dur ?? 0) / 1000,
    totalCpuMs: total / 1000,
    tasks: tasks.length,
  };
}
