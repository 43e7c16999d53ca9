import { CommanderError } from 'commander';
import { EXIT, type CliIo } from './cli-io.js';
import { buildProgram } from './program.js';
import { runCommand } from './run-command.js';
import { serveCommand } from './serve-command.js';

/**
 * Runs the `tradingfloor` command line with `argv` (the arguments after the program name) and answers its
 * exit code. Used by the bin and, in-process, by tests with their own streams, env and signals.
 */
export async function main(argv: string[], io: CliIo): Promise<number> {
  let code: number = EXIT.usage;
  const program = buildProgram(io, { run: (flags) => runCommand(flags, io), serve: (flags) => serveCommand(flags, io) }, (result) => {
    code = result;
  });
  try {
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end the parse early but are not errors; everything else is bad usage.
      return err.code === 'commander.helpDisplayed' || err.code === 'commander.version' ? EXIT.ok : EXIT.usage;
    }
    throw err;
  }
}
