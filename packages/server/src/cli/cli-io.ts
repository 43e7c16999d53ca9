/** A place the CLI writes to: `process.stdout`, or a capturing stream in tests. */
export interface CliOutput {
  write(chunk: string): unknown;
  /** True when the stream is an interactive terminal: the live table is drawn only then. */
  isTTY?: boolean;
  /** Terminal size, when known. */
  columns?: number;
  rows?: number;
}

/** Where SIGINT / SIGTERM come from: `process`, or an `EventEmitter` a test emits on. */
interface SignalSource {
  on(signal: 'SIGINT' | 'SIGTERM', listener: () => void): unknown;
  off(signal: 'SIGINT' | 'SIGTERM', listener: () => void): unknown;
}

/**
 * Everything the CLI touches outside itself, so that tests run `main()` in-process with their own streams,
 * environment and signals, and the bin passes the real process ones.
 */
export interface CliIo {
  stdout: CliOutput;
  stderr: CliOutput;
  env: Record<string, string | undefined>;
  /** Defaults to `process`. */
  signals?: SignalSource;
  /** Working directory that relative paths (`--results-dir`) resolve against; defaults to `process.cwd()`. */
  cwd?: string;
  /** Clock in epoch ms; defaults to `Date.now`. */
  now?: () => number;
  /**
   * Ends the process at once (a second Ctrl-C). The bin passes `process.exit`; in tests it is absent and
   * `main` resolves with the exit code instead.
   */
  exit?: (code: number) => void;
}

/** Exit codes of the `tradingfloor` command. */
export const EXIT = {
  ok: 0,
  /** At least one run did not complete (error or canceled), or an unexpected failure. */
  failed: 1,
  /** Invalid input: a flag, a ticker, a date, a provider. */
  usage: 2,
  /** Interrupted by Ctrl-C (128 + SIGINT). */
  interrupted: 130,
} as const;

/** Writes one line. */
export function writeLine(out: CliOutput, text = ''): void {
  out.write(`${text}\n`);
}
