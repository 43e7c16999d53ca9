import { ConflictError, deferred, type Multitask } from '@tradingfloor/shared';

/** A run that holds its ticker and trade date: an active run (pending or in progress) of the manager. */
export interface ActiveRunRef {
  runId: string;
  ticker: string;
  tradeDate: string;
  /** Resolves once the run is terminal (or interrupted) and its files are written. */
  finished: Promise<unknown>;
}

/** One new run as the rule sees it: its resolved ticker and trade date, and its request's `multitask`. */
export interface MultitaskRequest {
  ticker: string;
  tradeDate: string;
  multitask: Multitask;
}

/** A run admitted by the gate whose entry the manager has not listed yet (its directory is being made). */
interface Claim {
  ticker: string;
  tradeDate: string;
  finished: Promise<unknown>;
  settle(finished: Promise<unknown>): void;
}

/** What `MultitaskGate.admit` answers: what each new run waits for, and how its claims end. */
export interface MultitaskAdmission {
  /** Per new run, in request order: the `finished` promises it waits for before it begins (empty = at once). */
  readonly waits: ReadonlyArray<ReadonlyArray<Promise<unknown>>>;
  /** The runs now exist (listed by the manager): each claim follows its run's `finished`, in request order. */
  created(finished: ReadonlyArray<Promise<unknown>>): void;
  /** Creating the runs failed: the claims end at once, nothing waits for them. */
  abandoned(): void;
}

const sameKey = (a: { ticker: string; tradeDate: string }, b: { ticker: string; tradeDate: string }) =>
  a.ticker === b.ticker && a.tradeDate === b.tradeDate;

/**
 * The `multitask` rule of start requests (issue 16, "same ticker twice"): `reject` refuses a run whose ticker
 * and trade date an active run holds, `enqueue` lets it wait until every such run has finished, `allow` starts
 * it alongside. The runs a `start()` still under way is creating count as active too (claims), so two
 * concurrent requests cannot both pass a `reject`; and a request naming one ticker twice meets its own first
 * run by the same rule. The gate decides synchronously; the manager keeps the runs `pending` while they wait.
 */
export class MultitaskGate {
  private readonly claims = new Set<Claim>();

  /**
   * Applies the rule to `requests` against the manager's `active` runs and the claims of starts under way.
   * Throws `ConflictError` naming the active run when a `reject` request meets one (nothing is claimed then).
   */
  admit(requests: readonly MultitaskRequest[], active: readonly ActiveRunRef[]): MultitaskAdmission {
    const mine: Claim[] = [];
    const waits: Array<Array<Promise<unknown>>> = [];
    for (const request of requests) {
      const holders = [
        ...active.filter((run) => sameKey(run, request)).map((run) => ({ what: `run ${run.runId}`, finished: run.finished })),
        ...[...this.claims]
          .filter((claim) => sameKey(claim, request))
          .map((claim) => ({ what: 'a run another request is starting', finished: claim.finished })),
        ...mine
          .filter((claim) => sameKey(claim, request))
          .map((claim) => ({ what: 'an earlier run of this request', finished: claim.finished })),
      ];
      if (request.multitask === 'reject' && holders.length > 0) {
        throw new ConflictError(
          `${request.ticker} on ${request.tradeDate} is already being analysed by ${holders.map((h) => h.what).join(', ')}; ` +
            'multitask "reject" refuses a second run (use "enqueue" to start after it, or "allow")',
        );
      }
      waits.push(request.multitask === 'enqueue' ? holders.map((h) => h.finished) : []);
      mine.push(newClaim(request));
    }
    for (const claim of mine) this.claims.add(claim);
    const end = (finished: (i: number) => Promise<unknown>) => {
      mine.forEach((claim, i) => {
        this.claims.delete(claim);
        claim.settle(finished(i));
      });
    };
    return {
      waits,
      created: (finished) => end((i) => finished[i] ?? Promise.resolve()),
      abandoned: () => end(() => Promise.resolve()),
    };
  }
}

function newClaim(request: MultitaskRequest): Claim {
  const { promise, resolve } = deferred<unknown>();
  // A claim's run may end in error: waiting for it only means waiting until it is over.
  return {
    ticker: request.ticker,
    tradeDate: request.tradeDate,
    finished: promise,
    settle: (finished) => resolve(finished.catch(() => undefined)),
  };
}

/**
 * Begins `run` once every promise in `waits` has settled (at once when there is none). A run canceled or
 * interrupted while it waits stays as it is: `begin()` leaves such a run alone.
 */
export function beginWhenFree(run: { begin(): void }, waits: ReadonlyArray<Promise<unknown>>): void {
  if (waits.length === 0) run.begin();
  else void Promise.allSettled(waits).then(() => run.begin());
}
