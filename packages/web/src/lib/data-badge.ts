/** One market data vendor as `/config/providers` describes it. */
export interface VendorLabel {
  name: string;
  label: string;
}

/** What a run's data badge says, and whether it warns that the data is generated. */
export interface DataBadge {
  label: string;
  demo: boolean;
}

/**
 * The badge of one run, from the vendors that serve (or, for a run read from disk, were recorded to serve)
 * its data kinds: "not market data" only when the demo market is among them; real data is called real. Null
 * while nothing is known (a run written before its source was recorded).
 */
export function runDataBadge(sources: Record<string, string>, vendors: readonly VendorLabel[]): DataBadge | null {
  // A recorded fallback chain reads "yahoo → csv": every vendor in it may have answered.
  const names = [...new Set(Object.values(sources).flatMap((v) => v.split('→').map((n) => n.trim())))].filter((n) => n !== '');
  if (names.length === 0) return null;
  const labelOf = (name: string) => vendors.find((v) => v.name === name)?.label ?? name;
  return { label: names.map(labelOf).join(', or '), demo: names.includes('demo') };
}
