import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseRunId, type ChartData, type RunConfig } from '@tradingfloor/shared';
import { buildChartData } from '../data/chart-data.js';
import { discardLog } from '../logs/log-sink.js';
import { readRunDirectorySync } from '../results/read-history.js';
import { RUN_FILES } from '../results/run-files.js';
import type { EngineDeps, RunView } from './run-manager-api.js';
import { StoredRunEntry } from './stored-run.js';

/**
 * One run's view read straight from its results directory, without a RunManager and without touching any other
 * run or file (so it is safe while a server writes the same directory): `<resultsDir>/<TICKER>/<stamp>[_n]/`
 * whose `RUN_ID` is `runId`. A run that is not finished on disk reads as `interrupted`, as at a server's start.
 * Undefined when no such run exists (or `runId` is not a run id); throws when its files cannot be read.
 */
export async function readStoredRunView(resultsDir: string, runId: string): Promise<RunView | undefined> {
  const parsed = parseRunId(runId);
  if (!parsed.ok) return undefined;
  const { ticker, timestamp } = parsed.value;
  const tickerDir = join(resultsDir, ticker);
  let names: string[];
  try {
    names = await readdir(tickerDir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  // Two runs started in the same second share the stamp (`…_2`): the RUN_ID marker tells them apart.
  for (const name of names.filter((n) => n === timestamp || n.startsWith(`${timestamp}_`)).sort()) {
    const dir = join(tickerDir, name);
    const marker = await readFile(join(dir, RUN_FILES.marker), 'utf8').catch(() => '');
    if (marker.trim() !== runId) continue;
    // The export reads no log lines: one is the least the reader keeps.
    return new StoredRunEntry(readRunDirectorySync(dir, ticker, 1), 1).view();
  }
  return undefined;
}

/**
 * The price chart of a run (as `RunManager.chart`): from its recorded data source when it has one, so it
 * shows the data the run analysed, else from the process's vendor.
 */
export function chartOfRun(deps: Pick<EngineDeps, 'vendor' | 'vendorForRun'>, config: RunConfig): Promise<ChartData> {
  const vendor = config.data_source && deps.vendorForRun ? deps.vendorForRun(config, discardLog) : deps.vendor;
  return buildChartData(vendor, config.ticker, config.trade_date);
}
