import { lookup } from 'node:dns/promises';
import type { BacktestManagerApi, RunEvent, RunManagerApi } from '@tradingfloor/engine';
import {
  RUN_WEBHOOK_EVENTS,
  ValidationError,
  type RunStatus,
  type WebhookDelivery,
  type WebhookEvent,
  type WebhookSubscription,
} from '@tradingfloor/shared';
import { isPrivateAddress } from './private-address.js';
import { systemClock, type WebhookClock } from './webhook-clock.js';
import type { WebhookConfig } from './webhook-config.js';
import { WebhookDispatcher, type WebhookSubject } from './webhook-dispatcher.js';
import { WebhookStore } from './webhook-store.js';
import { targetProblem } from './webhook-target.js';

/** The event a run's final status fires; none for `interrupted` (the run is not over). */
const RUN_EVENT_OF: Partial<Record<RunStatus, WebhookEvent>> = {
  completed: 'run.completed',
  error: 'run.failed',
  canceled: 'run.canceled',
};

/** What the webhook service is built from. */
export interface WebhookServiceDeps {
  manager: RunManagerApi;
  backtests?: BacktestManagerApi;
  config: WebhookConfig;
  resultsDir: string;
  clock?: WebhookClock;
  random?: () => number;
  onError(err: unknown): void;
}

/** A per-request webhook after its checks: the target and the events it asked for (defaults filled in). */
export interface CheckedWebhook {
  url: string;
  events: WebhookEvent[];
}

/**
 * Webhooks on top of the RunManager's and the backtest coordinator's events: a run that reaches completed,
 * error or canceled fires `run.completed` / `run.failed` / `run.canceled`, a backtest that completes fires
 * `backtest.completed`. The cells of a backtest fire nothing of their own (their backtest reports them).
 */
export class WebhookService {
  readonly dispatcher: WebhookDispatcher;
  private readonly unsubscribe: Array<() => void> = [];
  private started: Promise<number> | null = null;

  constructor(private readonly deps: WebhookServiceDeps) {
    this.dispatcher = new WebhookDispatcher({
      config: deps.config,
      store: new WebhookStore(deps.resultsDir),
      clock: deps.clock ?? systemClock,
      ...(deps.random ? { random: deps.random } : {}),
      onError: deps.onError,
    });
    // Runs found on disk at start-up were announced before this subscription: history fires nothing.
    this.unsubscribe.push(deps.manager.subscribe((event) => this.onRunEvent(event)));
    if (deps.backtests) {
      this.unsubscribe.push(
        deps.backtests.subscribe((event) => {
          if (event.summary.status === 'completed') this.fireBacktest(event.summary.backtest_id);
        }),
      );
    }
  }

  /**
   * Loads the delivery files, resumes pending deliveries, and fires the events of subscribed runs and
   * backtests that ended while no delivery was written (a stop between the two). Resolves with how many
   * deliveries were pending on disk.
   */
  start(): Promise<number> {
    this.started ??= this.resume();
    return this.started;
  }

  private async resume(): Promise<number> {
    const pending = await this.dispatcher.start();
    // Only events that made no delivery at all: an event seen before keeps exactly the deliveries it made.
    for (const subject of await this.dispatcher.subscribed()) {
      if (subject.kind === 'run') {
        const status = this.deps.manager.get(subject.id)?.summary.status;
        const event = status === undefined ? undefined : RUN_EVENT_OF[status];
        if (event !== undefined && !subject.fired.includes(event)) this.fireRun(subject.id, status!);
      } else if (!subject.fired.includes('backtest.completed') && this.deps.backtests?.get(subject.id)?.summary.status === 'completed') {
        this.fireBacktest(subject.id);
      }
    }
    return pending;
  }

  /**
   * Checks a start request's `webhook` before anything starts (400 `ValidationError` when webhooks are off, the
   * events do not fit `kind`, or the target is refused: not http(s), or a loopback / private address or a
   * name resolving to one, unless `WEBHOOK_ALLOW_PRIVATE=1`).
   */
  async check(webhook: WebhookSubscription | undefined, kind: WebhookSubject['kind']): Promise<CheckedWebhook | null> {
    if (webhook === undefined) return null;
    const { config } = this.deps;
    if (config.key === null) throw new ValidationError('webhooks are off on this server: set WEBHOOK_SECRET to sign them');
    const allowed: readonly WebhookEvent[] = kind === 'run' ? RUN_WEBHOOK_EVENTS : ['backtest.completed'];
    const wrong = (webhook.events ?? []).filter((e) => !allowed.includes(e));
    if (wrong.length > 0)
      throw new ValidationError(`webhook events ${wrong.join(', ')} do not happen to a ${kind}; it has ${allowed.join(', ')}`);
    const problem = targetProblem(webhook.url, config.allowPrivate);
    if (problem !== null) throw new ValidationError(problem);
    if (!config.allowPrivate) await refusePrivateName(new URL(webhook.url).hostname);
    return { url: webhook.url, events: [...new Set(webhook.events ?? allowed)] };
  }

  /** Remembers a checked webhook for new runs (written before the start request is answered). */
  async subscribeRuns(runIds: string[], webhook: CheckedWebhook): Promise<void> {
    for (const id of runIds) {
      await this.dispatcher.subscribe({ kind: 'run', id }, webhook.url, webhook.events);
      // A run that ended before the subscription was written fires now (the delivery is made once).
      const status = this.deps.manager.get(id)?.summary.status;
      if (status !== undefined) this.fireRun(id, status);
    }
  }

  /** Remembers a checked webhook for a new backtest. */
  async subscribeBacktest(backtestId: string, webhook: CheckedWebhook): Promise<void> {
    await this.dispatcher.subscribe({ kind: 'backtest', id: backtestId }, webhook.url, webhook.events);
    if (this.deps.backtests?.get(backtestId)?.summary.status === 'completed') this.fireBacktest(backtestId);
  }

  /**
   * Drops the settled webhook records of runs this server no longer lists (their results deleted by retention
   * or by hand, or pruned from memory by `RUN_MAX_AGE_HOURS`), from memory and from `<RESULTS_DIR>/webhooks/`:
   * run after every retention pass, so the folder does not grow with every run ever subscribed. A record with
   * a delivery still pending stays until it ends. Resolves with how many were dropped.
   */
  forgetGoneRuns(): Promise<number> {
    const listed = new Set(this.deps.manager.list().map((run) => run.run_id));
    return this.dispatcher.forgetSettled((subject) => subject.kind === 'run' && !listed.has(subject.id));
  }

  deliveries(subjectId: string): Promise<WebhookDelivery[]> {
    return this.dispatcher.deliveries(subjectId);
  }

  async close(): Promise<void> {
    for (const off of this.unsubscribe.splice(0)) off();
    await this.dispatcher.close();
  }

  private onRunEvent(event: RunEvent): void {
    if (event.type !== 'finished' || event.summary.backtest_id) return;
    this.fireRun(event.run_id, event.summary.status);
  }

  private fireRun(runId: string, status: RunStatus): void {
    const event = RUN_EVENT_OF[status];
    if (event === undefined) return;
    const data = () => {
      const view = this.deps.manager.get(runId);
      return { run: view?.summary ?? null, decision: view?.decision ?? null, error: view?.error ?? null };
    };
    this.dispatcher.fire({ kind: 'run', id: runId }, event, data).catch((err: unknown) => this.deps.onError(err));
  }

  private fireBacktest(backtestId: string): void {
    const data = () => {
      const view = this.deps.backtests?.get(backtestId);
      return { backtest: view?.summary ?? null, metrics: view?.metrics ?? null };
    };
    this.dispatcher.fire({ kind: 'backtest', id: backtestId }, 'backtest.completed', data).catch((err: unknown) => this.deps.onError(err));
  }
}

/** How long a start request waits for the target's DNS answer before leaving the check to delivery. */
const LOOKUP_WAIT_MS = 3_000;

/**
 * 400 when a host name resolves to a private address. A name that does not resolve now (or not within
 * `LOOKUP_WAIT_MS`) is left to delivery, which resolves it again and refuses a private answer there.
 */
async function refusePrivateName(hostname: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const gaveUp = new Promise<Array<{ address: string }>>((resolve) => {
    timer = setTimeout(() => resolve([]), LOOKUP_WAIT_MS);
  });
  let addresses: Array<{ address: string }>;
  try {
    addresses = await Promise.race([lookup(hostname.replace(/^\[|\]$/g, ''), { all: true }), gaveUp]);
  } catch {
    return;
  } finally {
    clearTimeout(timer);
  }
  const blocked = addresses.find((a) => isPrivateAddress(a.address));
  if (blocked) {
    throw new ValidationError(
      `webhook url host ${hostname} resolves to ${blocked.address}, a loopback or private address; set WEBHOOK_ALLOW_PRIVATE=1 to allow it`,
    );
  }
}
