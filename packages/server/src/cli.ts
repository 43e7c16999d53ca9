#!/usr/bin/env -S MALLOC_ARENA_MAX=2 node --max-old-space-size=768
/**
 * The `tradingfloor` bin: hands the process's arguments, streams, env and signals to `main`. Signals are
 * caught before `main` and its dependencies load, so a Ctrl-C in the first second still ends in a summary.
 */
import { bufferEarlySignals } from './cli/early-signals.js';

const signals = bufferEarlySignals();
let code: number;
try {
  const { main } = await import('./cli/main.js');
  code = await main(process.argv.slice(2), {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    signals,
    exit: (c) => process.exit(c),
  });
} catch (err) {
  process.stderr.write(`tradingfloor: unexpected failure: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  code = 1;
}
// Exit explicitly once stdout is flushed: a library's stray timer must not keep a finished batch alive,
// and on platforms where pipes are asynchronous the JSON document must not be cut short.
process.stdout.write('', () => process.exit(code));
