import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/** A DATA_DIR in a fresh temp folder, laid out as the csv vendor expects; `files` maps relative paths to contents. */
export async function makeDataDir(files: Record<string, string>): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'tradingfloor-data-'));
  await mkdir(path.join(dir, 'ohlcv'), { recursive: true });
  for (const [rel, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
    await writeFile(path.join(dir, rel), text);
  }
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** A small valid OHLCV csv: one row per date, closes as given, the other prices around them. */
export function ohlcvCsv(rows: Array<[date: string, close: number]>): string {
  const lines = rows.map(([date, close]) => `${date},${close},${close + 1},${close - 1},${close},${close},1000`);
  return ['date,open,high,low,close,adj_close,volume', ...lines].join('\n') + '\n';
}
