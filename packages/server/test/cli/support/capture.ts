import { EventEmitter } from 'node:events';
import type { CliIo, CliOutput } from '../../../src/cli/cli-io.js';

/** An output stream that keeps what was written and lets a test wait for some text to appear. */
class CapturedOutput implements CliOutput {
  text = '';
  readonly #waiters: Array<{ match: (text: string) => boolean; resolve: () => void }> = [];

  constructor(
    readonly isTTY = false,
    readonly columns = 120,
  ) {}

  write(chunk: string): boolean {
    this.text += chunk;
    for (const w of [...this.#waiters]) {
      if (w.match(this.text)) {
        this.#waiters.splice(this.#waiters.indexOf(w), 1);
        w.resolve();
      }
    }
    return true;
  }

  /** Resolves once the written text contains `needle` (or matches it). */
  waitFor(needle: string | RegExp): Promise<void> {
    const match = (t: string) => (typeof needle === 'string' ? t.includes(needle) : needle.test(t));
    if (match(this.text)) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ match, resolve }));
  }
}

/** An in-process CLI environment: captured stdout/stderr, a signal emitter, a fixed clock. */
export function captureIo(options: { tty?: boolean; env?: Record<string, string | undefined>; cwd?: string } = {}) {
  const stdout = new CapturedOutput(options.tty ?? false);
  const stderr = new CapturedOutput(false);
  const signals = new EventEmitter();
  const exits: number[] = [];
  const io: CliIo = {
    stdout,
    stderr,
    // Runs execute in-process unless the test (or ENGINE_THREADS of the test run) says otherwise: these tests are
    // about the CLI; the engine threads have their own tests (packages/engine/test/host, integration-threads).
    env: { ENGINE_THREADS: process.env.ENGINE_THREADS ?? '0', ...options.env },
    signals: signals as unknown as CliIo['signals'],
    cwd: options.cwd ?? '/tmp',
    exit: (code) => void exits.push(code),
  };
  return { io, stdout, stderr, signals, exits };
}
