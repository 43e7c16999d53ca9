import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/**
 * The real market data folder for tests: `DATA_DIR`, else `../shared/data` next to the repository. The data
 * is never copied into the repository, so a fresh clone has none and the tests that need it skip.
 */
export const REAL_DATA_DIR = process.env.DATA_DIR ?? path.resolve(repoRoot, '../shared/data');

/**
 * True when the real data is there (`ohlcv/` in {@link REAL_DATA_DIR}); when it is not, says which tests are
 * skipped and why, naming DATA_DIR, so a skip is never silent. Use as `describe.skipIf(!hasRealData('…'))`.
 */
export function hasRealData(what: string): boolean {
  const present = existsSync(path.join(REAL_DATA_DIR, 'ohlcv'));
  if (!present) {
    console.warn(`[skipped] ${what}: needs the real market data, which is not in the repository and was not found at ${REAL_DATA_DIR}; set DATA_DIR to a folder with ohlcv/, fundamentals/ and news/ to run it`);
  }
  return present;
}
