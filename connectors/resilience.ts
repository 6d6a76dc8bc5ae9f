/**
 * What stands between the hub and each national source (one {@link SourceGuard} per source,
 * process-wide, shared by every request):
 *
 * - a **timeout** per attempt (`timeoutMs`), never past the request's deadline;
 * - limited **retries** of reads (`retries`), with exponential backoff and decorrelated jitter
 *   (cockatiel's `ExponentialBackoff`), for errors only: an attempt that timed out is not
 *   retried (it already used the time), nor is one refused by an open breaker;
 * - a **circuit breaker** (cockatiel): after `breakerFailures` consecutive failed attempts it
 *   opens and every call fails at once; after `breakerHalfOpenMs` one call is let through (half
 *   open): success closes it, failure opens it again.
 *
 * A failure is a {@link SourceUnavailableError} naming the source, with `extensions.reason`
 * `TIMEOUT`, `ERROR`, `CIRCUIT_OPEN` or `DEADLINE`; the connectors put it at each key's
 * position, so only that source's fields are null. Fault injection ({@link FaultInjector}) acts
 * inside each attempt, where a real source would fail.
 */
import {
  BrokenCircuitError,
  CircuitState,
  ConsecutiveBreaker,
  ExponentialBackoff,
  circuitBreaker,
  handleWhen,
  retry,
  wrap,
  type CircuitBreakerPolicy,
  type IPolicy,
} from 'cockatiel';
import { SourceUnavailableError, type SourceFailureReason } from '../lib/errors';
import type { SourceName } from './sources';
import { FaultInjector } from './faults';

export interface SourcePolicy {
  /** Per attempt, ms. */
  timeoutMs: number;
  /** Retries of a failed read (0: none). */
  retries: number;
  /** Consecutive failed attempts that open the breaker. */
  breakerFailures: number;
  /** How long the breaker stays open before a probe, ms. */
  breakerHalfOpenMs: number;
}

export type BreakerState = 'CLOSED' | 'OPEN' | 'HALF_OPEN';

/** What the guards report (metrics). */
export interface SourceObserver {
  /** One call (all its attempts) ended: `outcome` is OK or the failure reason; `ms` its duration. */
  call(source: SourceName, outcome: 'OK' | SourceFailureReason, ms: number): void;
  breaker(source: SourceName, state: BreakerState): void;
}

class AttemptTimeout extends Error {}
class DeadlinePassed extends Error {}

const STATE: Record<CircuitState, BreakerState> = {
  [CircuitState.Closed]: 'CLOSED',
  [CircuitState.Open]: 'OPEN',
  [CircuitState.HalfOpen]: 'HALF_OPEN',
  [CircuitState.Isolated]: 'OPEN',
};

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new AttemptTimeout(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

export class SourceGuard {
  readonly breaker: CircuitBreakerPolicy;
  private readonly policy: IPolicy;

  constructor(
    readonly source: SourceName,
    readonly config: SourcePolicy,
    private readonly faults: FaultInjector,
    private readonly observer?: SourceObserver,
  ) {
    // A passed request deadline is not the source's failure: it does not count towards opening,
    // except for the half-open probe, which must prove the source answers (else a probe cut short
    // by its request's deadline would close the breaker of a source that still hangs).
    this.breaker = circuitBreaker(
      handleWhen((e) => !(e instanceof DeadlinePassed) || this.breaker.state === CircuitState.HalfOpen),
      {
        halfOpenAfter: config.breakerHalfOpenMs,
        breaker: new ConsecutiveBreaker(config.breakerFailures),
      },
    );
    this.breaker.onStateChange((s) => observer?.breaker(source, STATE[s]));
    const retries = retry(
      handleWhen(
        (e) => !(e instanceof AttemptTimeout || e instanceof BrokenCircuitError || e instanceof DeadlinePassed),
      ),
      {
        maxAttempts: config.retries,
        backoff: new ExponentialBackoff({ initialDelay: 20, maxDelay: 200 }),
      },
    );
    this.policy = wrap(retries, this.breaker);
  }

  get state(): BreakerState {
    return STATE[this.breaker.state];
  }

  /**
   * Runs `read` under the policy; `deadline` (epoch ms) bounds every attempt. Throws a
   * {@link SourceUnavailableError} when the source cannot answer.
   */
  async run<T>(read: () => Promise<T>, deadline = Infinity): Promise<T> {
    const started = Date.now();
    try {
      const out = await this.policy.execute(async () => {
        const left = deadline - Date.now();
        if (left <= 0) throw new DeadlinePassed('request deadline passed');
        const attempt = this.faults.apply(this.source, read);
        if (left >= this.config.timeoutMs) return withTimeout(attempt, this.config.timeoutMs);
        // The request's deadline comes first: running out of it is not the source's fault.
        return withTimeout(attempt, left).catch((e: unknown) => {
          throw e instanceof AttemptTimeout ? new DeadlinePassed('request deadline passed') : e;
        });
      });
      this.observer?.call(this.source, 'OK', Date.now() - started);
      return out;
    } catch (err) {
      const reason: SourceFailureReason =
        err instanceof BrokenCircuitError
          ? 'CIRCUIT_OPEN'
          : err instanceof DeadlinePassed
            ? 'DEADLINE'
            : err instanceof AttemptTimeout
              ? 'TIMEOUT'
              : 'ERROR';
      this.observer?.call(this.source, reason, Date.now() - started);
      throw new SourceUnavailableError(this.source, err, reason);
    }
  }
}

/** One guard per source, for the process. */
export class SourceGuards {
  private readonly guards: Map<SourceName, SourceGuard>;

  constructor(
    policies: Record<SourceName, SourcePolicy>,
    readonly faults: FaultInjector = new FaultInjector(),
    observer?: SourceObserver,
  ) {
    this.guards = new Map(
      (Object.keys(policies) as SourceName[]).map((s) => [s, new SourceGuard(s, policies[s], faults, observer)]),
    );
  }

  get(source: SourceName): SourceGuard {
    const g = this.guards.get(source);
    if (!g) throw new Error(`no guard for source ${source}`);
    return g;
  }

  /** Breaker state per source. */
  states(): Record<SourceName, BreakerState> {
    return Object.fromEntries([...this.guards].map(([s, g]) => [s, g.state])) as Record<SourceName, BreakerState>;
  }
}
