import { checkTicker, DataUnavailableError } from '@tradingfloor/shared';

/** How a vendor writes a share-class suffix: `BRK-B` (Yahoo) or `BRK.B` (Alpha Vantage, our tickers). */
export type ClassSeparator = '-' | '.';

/**
 * The symbol a vendor knows `ticker` by: upper case, with the share-class separator the vendor uses
 * (`BRK.B` ↔ `BRK-B`). `DataUnavailableError` for something that is not a ticker at all.
 */
export function vendorSymbol(ticker: string, separator: ClassSeparator): string {
  const check = checkTicker(ticker);
  if (!check.ok) throw new DataUnavailableError(`${JSON.stringify(ticker)} is not a ticker: ${check.reason}`);
  return check.ticker.replace(/[.-]/, separator);
}
