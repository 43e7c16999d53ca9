import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../../../../../', import.meta.url));

/** The real market data folder for tests: `DATA_DIR`, else `../shared/data` next to the repository. */
export const REAL_DATA_DIR = process.env.DATA_DIR ?? path.resolve(repoRoot, '../shared/data');

/** True when the real data is there; when it is not, says once which tests are skipped and why. */
export function hasRealData(what: string): boolean {
  const present = existsSync(path.join(REAL_DATA_DIR, 'ohlcv'));
  if (!present) console.warn(`[skipped] ${what}: no real market data at ${REAL_DATA_DIR} (set DATA_DIR to run these tests)`);
  return present;
}
