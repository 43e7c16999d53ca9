import { z } from 'zod';

/** The kinds of market data a run reads, each with its own vendor chain. */
export const DATA_KINDS = ['prices', 'fundamentals', 'news', 'instrument'] as const;
export type DataKind = (typeof DATA_KINDS)[number];

/** Market data vendors: `yahoo` and `alphavantage` online, `csv` files from `DATA_DIR`, `demo` the generated demo market. */
export const DATA_VENDOR_NAMES = ['yahoo', 'alphavantage', 'csv', 'demo'] as const;
export type DataVendorName = (typeof DATA_VENDOR_NAMES)[number];

/** An ordered vendor chain per data kind. */
export type DataVendorPlan = Record<DataKind, DataVendorName[]>;

/**
 * Parses a vendor chain spec such as `prices:yahoo,alphavantage,csv;news:yahoo` (the `DATA_VENDORS`
 * variable, a run's `data_vendors`, the CLI's `--data-vendors`). Entries are `;`-separated; `kind:list`
 * sets one kind, a bare `list` every kind not set. Kinds left unset use the bare list, else the `prices`
 * chain. Returns the plan, or a message saying what is wrong.
 */
export function parseDataVendorSpec(spec: string): { ok: true; plan: DataVendorPlan } | { ok: false; reason: string } {
  const chains = new Map<DataKind | '*', DataVendorName[]>();
  const entries = spec
    .split(';')
    .map((e) => e.trim())
    .filter((e) => e !== '');
  if (entries.length === 0) return { ok: false, reason: 'the vendor list is empty' };
  for (const entry of entries) {
    const colon = entry.indexOf(':');
    const kindText = colon < 0 ? '*' : entry.slice(0, colon).trim().toLowerCase();
    const kind = kindText === '*' ? '*' : (DATA_KINDS as readonly string[]).includes(kindText) ? (kindText as DataKind) : null;
    if (kind === null) return { ok: false, reason: `unknown data kind "${kindText}" (use ${DATA_KINDS.join(', ')})` };
    if (chains.has(kind))
      return { ok: false, reason: kind === '*' ? 'two entries without a data kind' : `data kind "${kind}" is given twice` };
    const names = entry
      .slice(colon + 1)
      .split(',')
      .map((n) => n.trim().toLowerCase())
      .filter((n) => n !== '');
    if (names.length === 0) return { ok: false, reason: `no vendor named for ${kind === '*' ? 'the default chain' : kind}` };
    for (const name of names) {
      if (!(DATA_VENDOR_NAMES as readonly string[]).includes(name))
        return { ok: false, reason: `unknown data vendor "${name}" (use ${DATA_VENDOR_NAMES.join(', ')})` };
    }
    if (new Set(names).size !== names.length) return { ok: false, reason: `a vendor is listed twice in "${entry}"` };
    chains.set(kind, names as DataVendorName[]);
  }
  const fallback = chains.get('*') ?? chains.get('prices');
  const plan = {} as DataVendorPlan;
  for (const kind of DATA_KINDS) {
    const chain = chains.get(kind) ?? fallback;
    if (!chain) return { ok: false, reason: `no vendor chain for ${kind}: give a bare list or a prices chain` };
    plan[kind] = [...chain];
  }
  return { ok: true, plan };
}

const VendorChainSchema = z.array(z.enum(DATA_VENDOR_NAMES)).min(1);

/**
 * Where a run's market data comes from, resolved when the run is created and kept in its `config.json`, so
 * that a resume (or anyone reading the results) sees the same source whatever the environment says later:
 * the vendor chain per data kind and the absolute `DATA_DIR` the csv vendor reads.
 */
export const RunDataSourceSchema = z
  .object({
    vendors: z.object({ prices: VendorChainSchema, fundamentals: VendorChainSchema, news: VendorChainSchema, instrument: VendorChainSchema }).strict(),
    /** Absolute path of the csv files; null when no chain names `csv` or `DATA_DIR` was not set. */
    data_dir: z.string().nullable(),
  })
  .strict();
export type RunDataSource = z.infer<typeof RunDataSourceSchema>;

/** True when any data kind of the source may be answered by the generated demo market. */
export function usesDemoData(source: RunDataSource): boolean {
  return DATA_KINDS.some((kind) => source.vendors[kind].includes('demo'));
}
