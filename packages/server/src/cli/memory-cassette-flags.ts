import path from 'node:path';
import type { Command } from 'commander';
import type { Cassette } from '@tradingfloor/shared';

/** The memory and cassette flags shared by `run` and `resume`, as commander hands them over. */
export interface RawMemoryCassetteFlags {
  memory?: string;
  horizon?: string;
  record?: string;
  replay?: string;
  replayOrRecord?: string;
}

/** What the flags ask for; a field is absent when its flag was not given. */
export interface MemoryCassetteChoice {
  memory?: boolean;
  memory_horizon?: number;
  cassette?: Cassette;
}

/** Adds `--memory on|off`, `--horizon N` and `--record | --replay | --replay-or-record DIR` to a command. */
export function addMemoryCassetteOptions(command: Command, options: { horizon: boolean }): Command {
  command.option('--memory <on|off>', 'reflection memory: settle past decisions into lessons and show them to the managers (default: off)');
  if (options.horizon)
    command.option('--horizon <n>', 'trading days after a decision at whose close its outcome is judged, 1-60 (default: 5)');
  return command
    .option('--record <dir>', 'record every model call and answer into this cassette directory')
    .option('--replay <dir>', 'answer every model call from this cassette, with no network; a missing answer fails the run')
    .option('--replay-or-record <dir>', 'answer from this cassette where it can, record the rest');
}

/**
 * Checks the memory and cassette flags; problems are pushed to `problems` (one line each, for exit 2).
 * Cassette directories are resolved against `cwd`; whether a replay directory exists is checked when the
 * runs start, before anything is written.
 */
export function parseMemoryCassetteFlags(raw: RawMemoryCassetteFlags, cwd: string, problems: string[]): MemoryCassetteChoice {
  const choice: MemoryCassetteChoice = {};
  if (raw.memory !== undefined) {
    const value = raw.memory.trim().toLowerCase();
    if (value === 'on' || value === 'off') choice.memory = value === 'on';
    else problems.push(`--memory must be on or off, got ${JSON.stringify(raw.memory)}`);
  }
  if (raw.horizon !== undefined) {
    const n = /^\d+$/.test(raw.horizon.trim()) ? Number(raw.horizon.trim()) : Number.NaN;
    if (Number.isInteger(n) && n >= 1 && n <= 60) choice.memory_horizon = n;
    else problems.push(`--horizon must be a whole number of trading days from 1 to 60, got ${JSON.stringify(raw.horizon)}`);
  }
  const given = (
    [
      ['--record', 'record', raw.record],
      ['--replay', 'replay', raw.replay],
      ['--replay-or-record', 'replay_or_record', raw.replayOrRecord],
    ] as const
  ).filter(([, , dir]) => dir !== undefined);
  if (given.length > 1) problems.push(`give one of ${given.map(([flag]) => flag).join(', ')}, not several`);
  else if (given.length === 1) {
    const [flag, mode, dir] = given[0]!;
    if (dir!.trim() === '') problems.push(`${flag} needs a directory`);
    else choice.cassette = { mode, dir: path.resolve(cwd, dir!.trim()) };
  }
  return choice;
}
