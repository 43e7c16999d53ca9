import Table from 'cli-table3';
import type { RawRunOptionFlags } from './parse-options.js';
import type { Command } from 'commander';
import { MISSED_POLICIES, ScheduleIdSchema, type Schedule } from '@tradingfloor/shared';
import { callServer, serverTarget, ServerCallError, type ServerTarget } from './api-client.js';
import { EXIT, writeLine, type CliIo } from './cli-io.js';

/** Flags every `schedule` subcommand takes: which server, its token, JSON output. */
interface ServerFlags {
  server?: string;
  token?: string;
  json?: boolean;
}

/** Flags of `tradingfloor schedule add`, as commander hands them over. */
interface RawAddFlags extends ServerFlags, RawRunOptionFlags {
  tickers: string;
  cron: string;
  timezone?: string;
  name?: string;
  missed?: string;
  memory?: string;
  horizon?: string;
}

const SERVER_HELP =
  '\nThe command talks to a running server ("tradingfloor serve"): --server, else $TRADINGFLOOR_URL, else\n' +
  'http://$HOST:$PORT (127.0.0.1:3000). The API token: --token, else $TRADINGFLOOR_TOKEN.\n' +
  'Exit codes: 0 done, 1 the server could not be reached or failed, 2 bad input (the server says why).\n';

function withServerOptions(command: Command): Command {
  return command
    .option('--server <url>', 'the server to talk to (default: $TRADINGFLOOR_URL, else http://127.0.0.1:3000)')
    .option('--token <token>', 'API token of that server (default: $TRADINGFLOOR_TOKEN)')
    .option('--json', 'print the server’s JSON answer')
    .addHelpText('after', SERVER_HELP);
}

/** Registers `tradingfloor schedule add|list|rm` on the program. */
export function addScheduleCommand(program: Command, io: CliIo, onResult: (code: number) => void): void {
  const schedule = program.command('schedule').description('watchlists a running server starts on a cron expression: add, list, rm');
  withServerOptions(
    schedule
      .command('add')
      .description('create a schedule: the tickers run as one batch each time the cron expression fires')
      .requiredOption('-t, --tickers <list>', 'comma-separated tickers, e.g. AAPL,MSFT')
      .requiredOption('--cron <expr>', 'five fields: minute hour day-of-month month day-of-week, e.g. "0 9 * * 1-5", or @daily')
      .option('--timezone <zone>', 'IANA time zone the expression is read in (default: this machine’s zone)')
      .option('--name <text>', 'a name to recognise it by')
      .option('--missed <policy>', 'fires missed while the server was down: run_once (one batch at start-up) or skip (default: the server’s SCHEDULE_MISSED)')
      .option('--analysts <list>', 'analysts to run, from market,social,news,fundamentals (default: all four)')
      .option('--rounds <n>', 'bull/bear research debate rounds, 1-10 (default: 1)')
      .option('--risk-rounds <n>', 'risk debate rounds, 1-10 (default: 1)')
      .option('--provider <name>', 'model provider: offline | openai | anthropic (default: offline)')
      .option('--quick-model <model>', 'model for analysts and debaters')
      .option('--deep-model <model>', 'model for the research and portfolio managers')
      .option('--offline-latency <ms>', 'simulated latency of each offline-model call, 0-60000 ms')
      .option('--sequential-analysts', 'run the analysts one after another')
      .option('--data-vendors <chains>', 'market data vendor chains, e.g. "prices:yahoo,csv"')
      .option('--memory <on|off>', 'reflection memory (default: off)')
      .option('--horizon <n>', 'trading days after a decision at whose close it is judged, 1-60'),
  ).action(async (flags: RawAddFlags) => onResult(await addSchedule(flags, io)));

  withServerOptions(schedule.command('list').description('every schedule with its next and last fire')).action(async (flags: ServerFlags) =>
    onResult(await listSchedules(flags, io)),
  );

  withServerOptions(schedule.command('rm').description('delete a schedule (the runs it started stay)').argument('<schedule_id>', 'e.g. sch-0123456789')).action(
    async (id: string, flags: ServerFlags) => onResult(await removeSchedule(id, flags, io)),
  );
}

/** The body of `POST /schedules` from the flags; undefined (after naming the problems) when a flag is bad. */
function addBody(flags: RawAddFlags, io: CliIo): Record<string, unknown> | undefined {
  const problems: string[] = [];
  if (flags.missed !== undefined && !(MISSED_POLICIES as readonly string[]).includes(flags.missed))
    problems.push(`--missed must be ${MISSED_POLICIES.join(' or ')}, got "${flags.missed}"`);
  if (flags.memory !== undefined && !['on', 'off'].includes(flags.memory)) problems.push(`--memory must be on or off, got "${flags.memory}"`);
  if (problems.length > 0) {
    writeLine(io.stderr, `tradingfloor schedule add: ${problems.join('; ')}`);
    return undefined;
  }
  const fields: Record<string, unknown> = {
    tickers: flags.tickers,
    cron: flags.cron,
    timezone: flags.timezone ?? Intl.DateTimeFormat().resolvedOptions().timeZone,
    name: flags.name,
    missed: flags.missed,
    analysts: flags.analysts?.split(',').map((a) => a.trim()).filter((a) => a !== ''),
    // Numbers go as written: the server checks them as it checks a start and names what is wrong.
    max_debate_rounds: flags.rounds,
    max_risk_discuss_rounds: flags.riskRounds,
    llm_provider: flags.provider,
    quick_think_llm: flags.quickModel,
    deep_think_llm: flags.deepModel,
    offline_latency_ms: flags.offlineLatency,
    sequential_analysts: flags.sequentialAnalysts,
    data_vendors: flags.dataVendors,
    memory: flags.memory === undefined ? undefined : flags.memory === 'on',
    memory_horizon: flags.horizon,
  };
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
}

async function addSchedule(flags: RawAddFlags, io: CliIo): Promise<number> {
  const body = addBody(flags, io);
  if (body === undefined) return EXIT.usage;
  return talk('add', flags, io, async (target) => {
    const schedule = await callServer(target, 'createSchedule', { body });
    if (flags.json) return writeLine(io.stdout, JSON.stringify(schedule, null, 2));
    writeLine(io.stdout, `Schedule ${schedule.schedule_id} created: ${schedule.tickers.join(', ')} on "${schedule.cron}" (${schedule.timezone}).`);
    writeLine(io.stdout, 'Next fires:');
    for (const fire of schedule.next_fires) writeLine(io.stdout, `  ${fire.label}  ${fire.at}`);
  });
}

async function listSchedules(flags: ServerFlags, io: CliIo): Promise<number> {
  return talk('list', flags, io, async (target) => {
    const { schedules } = await callServer(target, 'listSchedules');
    if (flags.json) return writeLine(io.stdout, JSON.stringify({ schedules }, null, 2));
    if (schedules.length === 0) return writeLine(io.stdout, 'No schedules. Add one with: tradingfloor schedule add --tickers ACME --cron "0 9 * * 1-5"');
    writeLine(io.stdout, scheduleTable(schedules));
  });
}

async function removeSchedule(rawId: string, flags: ServerFlags, io: CliIo): Promise<number> {
  const id = ScheduleIdSchema.safeParse(rawId.trim());
  if (!id.success) {
    writeLine(io.stderr, `tradingfloor schedule rm: ${id.error.issues[0]?.message ?? 'invalid schedule id'}, got "${rawId}"`);
    return EXIT.usage;
  }
  return talk('rm', flags, io, async (target) => {
    const answer = await callServer(target, 'deleteSchedule', { params: { id: id.data } });
    writeLine(io.stdout, flags.json ? JSON.stringify(answer) : `Schedule ${answer.schedule_id} deleted.`);
  });
}

/** Runs one exchange with the server; its refusals are exit 2 with the server's message, the rest exit 1. */
async function talk(sub: string, flags: ServerFlags, io: CliIo, work: (target: ServerTarget) => Promise<void>): Promise<number> {
  try {
    await work(serverTarget(flags, io.env));
    return EXIT.ok;
  } catch (err) {
    if (!(err instanceof ServerCallError)) throw err;
    writeLine(io.stderr, `tradingfloor schedule ${sub}: ${err.message}`);
    return err.isUserError ? EXIT.usage : EXIT.failed;
  }
}

/** One row per schedule: id, name, tickers, expression and zone, next fire, last fire and its batch. */
function scheduleTable(schedules: readonly Schedule[]): string {
  const table = new Table({
    head: ['Id', 'Name', 'Tickers', 'Cron', 'Time zone', 'Next fire', 'Last fire', 'Batch'],
    style: { head: [], border: [], compact: true },
  });
  for (const s of schedules) {
    const last = s.last_fire;
    const lastText = last ? `${last.scheduled_for.slice(0, 16).replace('T', ' ')}Z ${last.outcome}${last.reason ? ` (${last.reason})` : ''}` : '–';
    table.push([s.schedule_id, s.name ?? '', s.tickers.join(','), s.cron, s.timezone, s.next_fire?.label ?? '–', lastText, last?.batch_id ?? '']);
  }
  return table.toString();
}
