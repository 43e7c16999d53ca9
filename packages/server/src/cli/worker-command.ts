import path from 'node:path';
import type { Command } from 'commander';
import { deferred, errorMessage } from '@tradingfloor/shared';
import { EXIT, writeLine, type CliIo } from './cli-io.js';

/** Flags of `tradingfloor worker`, as commander hands them over. */
interface RawWorkerFlags {
  concurrency?: string;
  queue?: string;
  resultsDir?: string;
}

const DEFAULT_CONCURRENCY = 4;
const MAX_CONCURRENCY = 256;

/** Registers `tradingfloor worker` on the program. */
export function addWorkerCommand(program: Command, io: CliIo, onResult: (code: number) => void): void {
  program
    .command('worker')
    .description('queue mode: execute runs that servers put on the Redis queue (REDIS_URL)')
    .option('--concurrency <n>', `runs executed at once, 1-${MAX_CONCURRENCY} (default: ${DEFAULT_CONCURRENCY})`)
    .option('--queue <url>', 'the Redis the servers queue runs on, redis://host:port (default: $REDIS_URL)')
    .option('--results-dir <dir>', 'the results directory the servers use, shared storage across machines (default: $RESULTS_DIR, else ./results)')
    .addHelpText(
      'after',
      '\nQUEUE_LOCK_MS (default 30000): how long a killed worker keeps its runs before another worker takes them over.\n' +
        'QUEUE_PERMIT_LEASE_MS (default 10000): how long a killed worker keeps its LLM permits.\n' +
        'QUEUE_HEARTBEAT_MS (default 5000): how often the worker renews its record in Redis (listed by /metrics); a killed\n' +
        'worker drops out of the list 3 intervals after its last heartbeat.\n' +
        'The worker builds its engine from the same environment as `serve` (providers, data, LLM limits; the limits\n' +
        'hold across all workers, kept in Redis). SIGINT / SIGTERM: stop taking runs, checkpoint the runs under way and hand\n' +
        'them back to the queue (another worker resumes them from their state.json), exit 0.\n' +
        'Exit codes: 0 stopped cleanly, 1 unexpected failure, 2 bad flags, no Redis, or a results directory it cannot write.\n',
    )
    .action(async (flags: RawWorkerFlags) => onResult(await workerCommand(flags, io)));
}

function parseConcurrency(raw: string | undefined): number | string {
  if (raw === undefined) return DEFAULT_CONCURRENCY;
  const n = /^\d+$/.test(raw.trim()) ? Number(raw.trim()) : NaN;
  return Number.isInteger(n) && n >= 1 && n <= MAX_CONCURRENCY ? n : `--concurrency must be a whole number from 1 to ${MAX_CONCURRENCY}, got ${JSON.stringify(raw)}`;
}

/** An optional duration variable of the worker: its value, `undefined` when unset, or the message for a bad one. */
function parseMillis(env: CliIo['env'], name: string, min: number): number | undefined | string {
  const raw = env[name]?.trim();
  if (!raw) return undefined;
  const ms = Number(raw);
  return Number.isInteger(ms) && ms >= min ? ms : `${name} must be a whole number of milliseconds, at least ${min}, got ${JSON.stringify(raw)}`;
}

/**
 * `tradingfloor worker`: connects to the queue, executes runs until SIGINT / SIGTERM, then checkpoints the runs
 * under way and hands them back to the queue (another worker resumes them) and exits. Refuses to start (exit 2) without a Redis URL, when Redis does not
 * answer, or when the results directory is not writable.
 */
async function workerCommand(flags: RawWorkerFlags, io: CliIo): Promise<number> {
  const fail = (message: string) => {
    writeLine(io.stderr, `tradingfloor worker: ${message}`);
    return EXIT.usage;
  };
  const concurrency = parseConcurrency(flags.concurrency);
  if (typeof concurrency === 'string') return fail(concurrency);
  const redisUrl = (flags.queue ?? io.env.REDIS_URL ?? '').trim();
  if (redisUrl === '') return fail('no queue: pass --queue redis://host:port or set REDIS_URL');
  const lockDurationMs = parseMillis(io.env, 'QUEUE_LOCK_MS', 500);
  if (typeof lockDurationMs === 'string') return fail(lockDurationMs);
  const permitLeaseMs = parseMillis(io.env, 'QUEUE_PERMIT_LEASE_MS', 500);
  if (typeof permitLeaseMs === 'string') return fail(permitLeaseMs);
  const heartbeatMs = parseMillis(io.env, 'QUEUE_HEARTBEAT_MS', 50);
  if (typeof heartbeatMs === 'string') return fail(heartbeatMs);
  const resultsDir = path.resolve(io.cwd ?? process.cwd(), flags.resultsDir ?? io.env.RESULTS_DIR ?? './results');

  const engine = await import('@tradingfloor/engine');
  let env;
  try {
    env = engine.parseEngineEnv({ ...io.env, REDIS_URL: redisUrl });
  } catch (error) {
    return fail(errorMessage(error));
  }
  const unwritable = await engine.checkResultsDirWritable(resultsDir);
  if (unwritable) return fail(unwritable);

  let worker;
  try {
    worker = await withTimeout(
      engine.startQueueWorker({
        redisUrl,
        concurrency,
        env,
        resultsDir,
        ...(lockDurationMs !== undefined ? { lockDurationMs } : {}),
        ...(permitLeaseMs !== undefined ? { permitLeaseMs } : {}),
        ...(heartbeatMs !== undefined ? { heartbeatMs } : {}),
        log: (line) => writeLine(io.stderr, line),
      }),
      10_000,
      `Redis at ${redisUrl} does not answer`,
    );
  } catch (error) {
    return fail(errorMessage(error));
  }
  writeLine(io.stdout, `TradingFloor worker ready: queue ${redisUrl}, concurrency ${concurrency}, results ${resultsDir}`);

  const signals = io.signals ?? process;
  const stop = deferred<string>();
  const onInt = () => stop.resolve('SIGINT');
  const onTerm = () => stop.resolve('SIGTERM');
  signals.on('SIGINT', onInt);
  signals.on('SIGTERM', onTerm);
  const signal = await stop.promise;
  signals.off('SIGINT', onInt);
  signals.off('SIGTERM', onTerm);
  const runs = worker.runIds().length;
  writeLine(io.stdout, `worker stopping (${signal}): ${runs} run(s) under way are checkpointed and handed back to the queue`);
  await worker.close(signal);
  writeLine(io.stdout, 'worker stopped');
  return EXIT.ok;
}

/** Rejects with `message` when `promise` has not settled within `ms` (ioredis keeps retrying a dead Redis). */
async function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
