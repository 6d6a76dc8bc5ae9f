/**
 * What protects the hub itself, as Express middleware in front of every route that does work
 * (GraphQL, the CSV exports, the token endpoint):
 *
 * 1. **gate**: while shutting down, or while the store is unreachable, refuse at once with 503
 *    `SERVICE_UNAVAILABLE` (`reason` SHUTTING_DOWN / STORE_UNAVAILABLE) and `Retry-After`:
 *    nothing is read, so nothing can leave without its audit record;
 * 2. **concurrency**: at most `maxConcurrent` requests are served at once; beyond, 429
 *    `RATE_LIMITED` (`reason` CONCURRENCY) with `Retry-After: 1`;
 * 3. **authentication**: the bearer token is verified once here (services/access/auth); a token of
 *    an app sign-in session (`sid`) that was revoked (logout, reuse) is refused (reason REVOKED);
 *    the principal, or the refusal, waits in `res.locals` for the route;
 * 4. **rate limit**: a token bucket (the `limiter` package) per caller: per citizen, client or
 *    officer, per IP address without a valid token; `rps` tokens a second up to `burst`, by
 *    principal kind (`HUB_RATE_LIMITS`). Empty: 429 `RATE_LIMITED` with `Retry-After` (seconds
 *    until a token is there). Buckets live in an LRU (idle callers are forgotten after 10 min).
 *
 * Every refusal is counted in `hub_rejected_requests_total{reason}` and has the GraphQL error
 * shape (`errors[0].extensions.code`).
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { TokenBucket } from 'limiter';
import { LRUCache } from 'lru-cache';
import { authenticate, AuthenticationFailed } from '../services/access/auth/authenticate';
import type { Principal } from '../services/access/auth/principal';
import type { TrustedIssuer } from '../services/access/auth/trust';
import type { RateLimits } from './config';
import { ErrorCode } from '../lib/errors';
import type { HubMetrics, RejectionReason } from './metrics';
import type { StoreHealth } from '../store/health';

export const RATE_LIMITED = ErrorCode.RATE_LIMITED;

/** What the authentication middleware leaves for the route. */
export interface AuthLocals {
  principal?: Principal;
  authFailure?: AuthenticationFailed;
}

function refuse(
  res: Response,
  metrics: HubMetrics,
  status: number,
  code: string,
  reason: RejectionReason,
  retryAfterS: number,
  message: string,
): void {
  metrics.reject(reason);
  res.setHeader('retry-after', String(Math.max(1, Math.ceil(retryAfterS))));
  res.status(status).json({ errors: [{ message, extensions: { code, reason } }] });
}

/** The rate-limit key of a request's caller: the principal, or the IP address. */
export function callerKey(req: Request, principal: Principal | undefined): { kind: keyof RateLimits; key: string } {
  switch (principal?.kind) {
    case 'CITIZEN':
      return { kind: 'CITIZEN', key: `citizen:${principal.personalId}` };
    case 'CLIENT':
      return { kind: 'CLIENT', key: `client:${principal.clientId}` };
    case 'OFFICER':
      return { kind: 'OFFICER', key: `officer:${principal.officerId}` };
    default:
      return { kind: 'ANONYMOUS', key: `ip:${req.socket.remoteAddress ?? 'unknown'}` };
  }
}

export class Protection {
  private readonly buckets = new LRUCache<string, TokenBucket>({
    max: 200_000,
    ttl: 10 * 60_000,
    // Forgotten after 10 minutes idle, not every 10 minutes (a busy caller's bucket never resets).
    updateAgeOnGet: true,
  });
  private inFlight = 0;
  private shuttingDown = false;

  constructor(
    private readonly opts: {
      limits: RateLimits | null;
      maxConcurrent: number;
      trust: TrustedIssuer[];
      health: StoreHealth;
      metrics: HubMetrics;
      /**
       * The app sign-in sessions (hub/routes/auth-server.ts) and the issuer of their tokens: a
       * token of that issuer whose `sid` was revoked is refused. Absent: no session checks.
       */
      sessions?: { issuer: string; isRevoked(sessionId: string): Promise<boolean> } | null;
    },
  ) {}

  /** From now on every request is refused with 503 SHUTTING_DOWN (in-flight ones finish). */
  shutdown(): void {
    this.shuttingDown = true;
  }

  get draining(): boolean {
    return this.shuttingDown;
  }

  /** Requests being served. */
  get active(): number {
    return this.inFlight;
  }

  /** The four steps, for a route. */
  all(): RequestHandler[] {
    return [this.gate, this.concurrency, this.authenticate, this.rateLimit];
  }

  readonly gate: RequestHandler = (_req, res, next) => {
    if (this.shuttingDown) {
      res.setHeader('connection', 'close');
      return refuse(
        res,
        this.opts.metrics,
        503,
        ErrorCode.SERVICE_UNAVAILABLE,
        'SHUTTING_DOWN',
        5,
        'The hub is shutting down; retry',
      );
    }
    if (!this.opts.health.up) {
      return refuse(
        res,
        this.opts.metrics,
        503,
        ErrorCode.SERVICE_UNAVAILABLE,
        'STORE_UNAVAILABLE',
        5,
        'The hub cannot reach its store; nothing was read. Retry later.',
      );
    }
    next();
  };

  readonly concurrency: RequestHandler = (_req: Request, res: Response, next: NextFunction) => {
    if (this.inFlight >= this.opts.maxConcurrent) {
      return refuse(res, this.opts.metrics, 429, RATE_LIMITED, 'CONCURRENCY', 1, 'Too many requests at once; retry');
    }
    this.inFlight++;
    this.opts.metrics.inFlight.inc();
    let done = false;
    const release = () => {
      if (done) return;
      done = true;
      this.inFlight--;
      this.opts.metrics.inFlight.dec();
    };
    res.once('finish', release);
    res.once('close', release);
    next();
  };

  readonly authenticate: RequestHandler = (req, res, next) => {
    const locals = res.locals as AuthLocals;
    let principal: Principal;
    try {
      principal = authenticate(req.header('authorization'), this.opts.trust);
    } catch (err) {
      if (!(err instanceof AuthenticationFailed)) return next(err);
      locals.authFailure = err;
      return next();
    }
    const sessions = this.opts.sessions;
    const sessionId = 'sessionId' in principal ? principal.sessionId : undefined;
    if (
      !sessions ||
      sessionId === undefined ||
      principal.kind === 'ANONYMOUS' ||
      principal.issuer !== sessions.issuer
    ) {
      locals.principal = principal;
      return next();
    }
    sessions.isRevoked(sessionId).then((revoked) => {
      if (revoked) locals.authFailure = new AuthenticationFailed('REVOKED');
      else locals.principal = principal;
      next();
    }, next);
  };

  readonly rateLimit: RequestHandler = (req, res, next) => {
    const limits = this.opts.limits;
    if (!limits) return next();
    const { kind, key } = callerKey(req, (res.locals as AuthLocals).principal);
    let bucket = this.buckets.get(key);
    if (!bucket) {
      const { rps, burst } = limits[kind];
      bucket = new TokenBucket({ bucketSize: burst, tokensPerInterval: rps, interval: 1000 });
      bucket.content = burst; // a new caller starts with a full bucket
      this.buckets.set(key, bucket);
    }
    if (bucket.tryRemoveTokens(1)) return next();
    refuse(
      res,
      this.opts.metrics,
      429,
      RATE_LIMITED,
      'RATE_LIMITED',
      bucket.getWaitTime(1) / 1000,
      `Rate limit of ${limits[kind].rps} requests/s exceeded; retry later`,
    );
  };
}
