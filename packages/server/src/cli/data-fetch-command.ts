import path from 'node:path';
import { Command } from 'commander';
import { parseDataVendorSpec, parseTickerList, TradingFloorError, errorMessage } from '@tradingfloor/shared';
import { createMarketDataSetup, fetchDataset, parseEngineEnv, type TickerFetchResult } from '@tradingfloor/engine';
import { EXIT, writeLine, type CliIo } from './cli-io.js';

/** Flags of `tradingfloor data fetch`, as commander hands them over. */
interface RawDataFetchFlags {
  tickers: string;
  from: string;
  to: string;
  out: string;
  vendors?: string;
}

/** Vendors used when neither `--vendors` nor `DATA_VENDORS` says: Yahoo, then Alpha Vantage when a key is set. */
const DEFAULT_FETCH_VENDORS = 'yahoo,alphavantage';

const ISO = /^\d{4}-\d{2}-\d{2}$/;

function describe(result: TickerFetchResult): string {
  const served = Object.entries(result.served)
    .map(([kind, vendor]) => `${kind}: ${vendor}`)
    .join(', ');
  const counts = `${result.bars} bars, ${result.filings} filings, ${result.headlines} headlines`;
  return `${result.ticker}: ${counts}${served ? ` (${served})` : ''}`;
}

/**
 * `tradingfloor data fetch`: fetches bars, filings and headlines of the tickers over `[from, to]` through the
 * vendor chain and writes them in the csv vendor's layout under `--out`, so `DATA_DIR=<out>` reruns the same
 * analyses offline. Exit 0 when every ticker got its bars, 1 when one did not, 2 for bad flags.
 */
async function dataFetchCommand(flags: RawDataFetchFlags, io: CliIo): Promise<number> {
  const fail = (message: string) => {
    writeLine(io.stderr, `error: ${message}`);
    return EXIT.usage;
  };
  const { tickers, errors } = parseTickerList(flags.tickers);
  if (errors.length > 0) return fail(errors.map((e) => e.reason).join('; '));
  if (tickers.length === 0) return fail('--tickers names no ticker');
  for (const [name, value] of [
    ['--from', flags.from],
    ['--to', flags.to],
  ] as const) {
    if (!ISO.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`)))
      return fail(`${name} ${JSON.stringify(value)} is not a YYYY-MM-DD date`);
  }
  if (flags.from > flags.to) return fail(`--from ${flags.from} is after --to ${flags.to}`);
  const spec = flags.vendors?.trim() || io.env.DATA_VENDORS?.trim() || DEFAULT_FETCH_VENDORS;
  const parsed = parseDataVendorSpec(spec);
  if (!parsed.ok) return fail(`--vendors "${spec}": ${parsed.reason}`);
  const out = path.resolve(io.cwd ?? process.cwd(), flags.out);

  const controller = new AbortController();
  const onSignal = () => controller.abort(new Error('interrupted'));
  const signals = io.signals ?? process;
  signals.on('SIGINT', onSignal);
  signals.on('SIGTERM', onSignal);
  try {
    const { vendor } = createMarketDataSetup(parseEngineEnv({ ...io.env, DATA_VENDORS: spec }).data);
    writeLine(io.stderr, `fetching ${tickers.join(', ')} from ${flags.from} to ${flags.to} (${spec}) into ${out}`);
    const results = await fetchDataset({
      vendor,
      tickers,
      from: flags.from,
      to: flags.to,
      out,
      signal: controller.signal,
      onTicker: (result) => {
        writeLine(io.stdout, describe(result));
        for (const problem of result.problems) writeLine(io.stderr, `  ${result.ticker} ${problem}`);
      },
    });
    const missing = results.filter((r) => r.bars === 0).map((r) => r.ticker);
    if (missing.length > 0) writeLine(io.stderr, `no price data for ${missing.join(', ')}: left out of ${out}`);
    else writeLine(io.stderr, `done: DATA_DIR=${out} replays this data offline`);
    return missing.length > 0 ? EXIT.failed : EXIT.ok;
  } catch (error) {
    if (controller.signal.aborted) {
      writeLine(io.stderr, 'interrupted');
      return EXIT.interrupted;
    }
    if (error instanceof TradingFloorError) return fail(error.message);
    writeLine(io.stderr, `error: ${errorMessage(error)}`);
    return EXIT.failed;
  } finally {
    signals.off('SIGINT', onSignal);
    signals.off('SIGTERM', onSignal);
  }
}

/** Adds `data fetch` to the program (called by `buildProgram`). */
export function addDataCommands(program: Command, io: CliIo, onResult: (code: number) => void): void {
  const data = program.command('data').description('market data: fetch and pin a dataset for offline runs');
  data
    .command('fetch')
    .description('fetch prices, filings and headlines and write them as a DATA_DIR (the csv vendor layout)')
    .requiredOption('-t, --tickers <list>', 'comma-separated tickers, e.g. AAPL,MSFT,BRK.B')
    .requiredOption('--from <YYYY-MM-DD>', 'first date of the range')
    .requiredOption('--to <YYYY-MM-DD>', 'last date of the range')
    .requiredOption('-o, --out <dir>', 'folder to write (ohlcv/, fundamentals/, news/, manifest.json)')
    .option(
      '--vendors <chains>',
      `vendor chains, e.g. "prices:yahoo,alphavantage;news:alphavantage" (default: $DATA_VENDORS, else ${DEFAULT_FETCH_VENDORS})`,
    )
    .action(async (flags: RawDataFetchFlags) => onResult(await dataFetchCommand(flags, io)));
}
