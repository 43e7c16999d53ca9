#!/usr/bin/env node
/** The `tradingfloor` bin: hands the process's arguments, streams, env and signals to `main`. */
import { main } from './cli/main.js';

let code: number;
try {
  code = await main(process.argv.slice(2), {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    exit: (c) => process.exit(c),
  });
} catch (err) {
  process.stderr.write(`tradingfloor: unexpected failure: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  code = 1;
}
// Exit explicitly once stdout is flushed: a library's stray timer must not keep a finished batch alive,
// and on platforms where pipes are asynchronous the JSON document must not be cut short.
process.stdout.write('', () => process.exit(code));
