import { VendorNotConfiguredError } from './online/vendor-errors.js';
import type { MarketDataVendor } from './vendor.js';

/** A vendor named in a chain but unusable here (no key, no `DATA_DIR`): every call says why, so the chain moves on. */
export function createNotConfiguredVendor(name: string, reason: string): MarketDataVendor {
  const fail = async (): Promise<never> => {
    throw new VendorNotConfiguredError(name, reason);
  };
  return { name, label: `${name} (not configured)`, coverage: fail, instrument: fail, bars: fail, fundamentals: fail, news: fail };
}
