import { readFileSync } from 'node:fs';

let cached: string | undefined;

/**
 * The TradingFloor version: `packages/server/package.json`'s (the same relative path from `src/` and
 * `dist/`), read once; `0.0.0` when it cannot be read. `--version` prints it, exported reports record it.
 */
export function tradingfloorVersion(): string {
  if (cached !== undefined) return cached;
  try {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: string };
    cached = pkg.version ?? '0.0.0';
  } catch {
    cached = '0.0.0';
  }
  return cached;
}
