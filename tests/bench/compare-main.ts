// `npm run bench:compare -- --a=<checkout> --b=<checkout> [--rounds=4] [--out=file.json] -- <bench options>`:
// runs the bench of two built checkouts alternately (A B, B A, …; see `pairOrder`) and lists every figure both
// report with its value in each round, the medians and the median of B − A. Each run is the checkout's own
// `tests/bench/run.mjs`, in that checkout, with the bench options given after `--` (e.g. `--only=users
// --user-scale=100`); the runs' own output goes to stderr, the comparison to stdout. Bad options: a message
// and exit code 2.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { compareFigures, formatComparison, pairOrder, type Side } from './compare-figures.js';
import type { Figure } from './figures.js';

interface CompareOptions {
  dirs: Record<Side, string>;
  rounds: number;
  out: string | null;
  benchArgs: string[];
}

function usage(problem: string): never {
  console.error(`bench:compare: ${problem}\nusage: npm run bench:compare -- --a=<checkout> --b=<checkout> [--rounds=N] [--out=file.json] -- <bench options>`);
  process.exit(2);
}

function parseOptions(argv: string[]): CompareOptions {
  const split = argv.indexOf('--');
  const own = split >= 0 ? argv.slice(0, split) : argv;
  const benchArgs = split >= 0 ? argv.slice(split + 1) : [];
  const values = new Map<string, string>();
  for (const arg of own) {
    const match = /^--(a|b|rounds|out)=(.+)$/.exec(arg);
    if (!match) usage(`unknown option "${arg}" (bench options go after "--")`);
    values.set(match[1]!, match[2]!);
  }
  const dir = (side: Side) => {
    const given = values.get(side);
    if (!given) usage(`--${side} is required`);
    const resolved = path.resolve(given);
    if (!existsSync(path.join(resolved, 'tests/bench/run.mjs'))) usage(`--${side}: no tests/bench/run.mjs in ${resolved}`);
    return resolved;
  };
  const rounds = Number(values.get('rounds') ?? '4');
  if (!Number.isInteger(rounds) || rounds < 1) usage(`--rounds must be a positive integer, got "${values.get('rounds')}"`);
  if (benchArgs.some((arg) => arg.startsWith('--out='))) usage('give --out before "--": each run writes its own results');
  return { dirs: { a: dir('a'), b: dir('b') }, rounds, out: values.get('out') ?? null, benchArgs };
}

/** One bench run in `dir`, its figures read back from the results file it wrote. */
async function benchRun(dir: string, args: string[], outFile: string): Promise<Figure[]> {
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', 'tests/bench/run.mjs', ...args, `--out=${outFile}`], { cwd: dir, stdio: ['ignore', 2, 2] });
    child.on('error', reject);
    child.on('exit', resolve);
  });
  if (code !== 0) throw new Error(`the bench in ${dir} exited with code ${code}`);
  return (JSON.parse(await readFile(outFile, 'utf8')) as { figures: Figure[] }).figures;
}

const options = parseOptions(process.argv.slice(2));
const scratch = await mkdtemp(path.join(os.tmpdir(), 'tf-bench-compare-'));
try {
  const runs: Record<Side, Figure[][]> = { a: [], b: [] };
  for (const [round, order] of pairOrder(options.rounds).entries()) {
    for (const side of order) {
      console.error(`— round ${round + 1} of ${options.rounds}: ${side.toUpperCase()} (${options.dirs[side]})`);
      runs[side][round] = await benchRun(options.dirs[side], options.benchArgs, path.join(scratch, `${side}-${round}.json`));
    }
  }
  const rows = compareFigures(runs.a, runs.b);
  console.log(formatComparison(rows));
  if (options.out) await writeFile(options.out, `${JSON.stringify({ a: options.dirs.a, b: options.dirs.b, rounds: options.rounds, bench_args: options.benchArgs, figures: rows }, null, 2)}\n`);
} finally {
  await rm(scratch, { recursive: true, force: true });
}
