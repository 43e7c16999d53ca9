import os from 'node:os';

/** A target a figure must meet: at most or at least `value`. */
export interface Target {
  op: '<=' | '>=';
  value: number;
}

/** One line of the results: what was measured, against which target, and whether it met it. */
export interface Figure {
  name: string;
  value: number;
  unit: string;
  /** e.g. "<= 1.1"; null for figures reported for information. */
  target: string | null;
  /** null when there is no target. */
  pass: boolean | null;
}

/** Builds a figure; the value is rounded to 3 significant decimals for the table and the JSON. */
export function figure(name: string, value: number, unit: string, target?: Target): Figure {
  const rounded = Number.isFinite(value) ? Number(value.toFixed(Math.abs(value) >= 100 ? 1 : 3)) : value;
  if (!target) return { name, value: rounded, unit, target: null, pass: null };
  const pass = target.op === '<=' ? value <= target.value : value >= target.value;
  return { name, value: rounded, unit, target: `${target.op} ${target.value}`, pass: Number.isFinite(value) && pass };
}

export const atMost = (value: number): Target => ({ op: '<=', value });
export const atLeast = (value: number): Target => ({ op: '>=', value });

/** The machine the figures were measured on. */
export interface MachineInfo {
  node: string;
  platform: string;
  cpus: number;
  cpu_model: string;
  total_mem_gib: number;
  load_avg_at_start: number[];
  mode: 'full' | 'smoke';
  /** Fixed latency of every fake LLM call, ms. */
  latency_ms: number;
  /** Node flags of the measured processes; ENGINE_THREADS when set. */
  node_flags?: string[];
  /** Environment the measured processes ran with (the shipped `MALLOC_ARENA_MAX`, or `--node-env`). */
  node_env?: Record<string, string>;
  engine_threads?: string;
  started_at: string;
  duration_s?: number;
}

export function machineInfo(mode: 'full' | 'smoke', latencyMs: number): MachineInfo {
  const cpus = os.cpus();
  return {
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    cpus: cpus.length,
    cpu_model: cpus[0]?.model ?? 'unknown',
    total_mem_gib: Number((os.totalmem() / 2 ** 30).toFixed(1)),
    load_avg_at_start: os.loadavg().map((l) => Number(l.toFixed(2))),
    mode,
    latency_ms: latencyMs,
    started_at: new Date().toISOString(),
  };
}

/** The figures as a fixed-width text table with PASS / FAIL / info in the last column. */
export function formatTable(figures: readonly Figure[]): string {
  const rows = figures.map((f) => [
    f.name,
    Number.isFinite(f.value) ? String(f.value) : 'n/a',
    f.unit,
    f.target ?? '—',
    f.pass === null ? 'info' : f.pass ? 'PASS' : 'FAIL',
  ]);
  return textTable(['figure', 'value', 'unit', 'target', 'result'], rows, [1]);
}

/**
 * A plain-text table: a header, a rule, the rows, each column as wide as its widest cell and two spaces apart;
 * the columns listed in `rightAligned` padded on the left. Lines end at their last character.
 */
export function textTable(header: readonly string[], rows: readonly string[][], rightAligned: readonly number[] = []): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (rightAligned.includes(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** The same table in Markdown, for the README's Performance section. */
export function formatMarkdown(figures: readonly Figure[]): string {
  const rows = figures.map(
    (f) => `| ${f.name} | ${Number.isFinite(f.value) ? f.value : 'n/a'} ${f.unit} | ${f.target ?? '—'} | ${f.pass === null ? 'info' : f.pass ? 'PASS' : 'FAIL'} |`,
  );
  return ['| figure | value | target | result |', '| --- | ---: | --- | --- |', ...rows].join('\n');
}
