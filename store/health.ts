/**
 * Whether the store is reachable, as the driver sees it (a server it can write to, from its
 * heartbeats and from any operation that loses the server): requests are refused at once while
 * it is down (503, nothing disclosed, no audit record owed), `/readyz` says so, and both recover
 * by themselves when the driver's next heartbeat reaches the store again. Each change is logged
 * once.
 *
 * A watchdog covers the driver itself: a heartbeat that neither succeeds nor fails long after
 * it could have timed out (seen with the driver's monitor after a store restart under load: its
 * check waited on a connection whose socket was gone, for ever, and the hub refused requests
 * to a store that was back) makes it close and reconnect the client. Db and collection objects
 * stay valid across that: they reach the server through the client.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import {
  MongoClientClosedError,
  MongoError,
  MongoNetworkError,
  MongoServerSelectionError,
  MongoTopologyClosedError,
  MongoNotConnectedError,
  type ServerClosedEvent,
  type ServerHeartbeatFailedEvent,
  type ServerHeartbeatStartedEvent,
  type ServerHeartbeatSucceededEvent,
  type TopologyDescription,
  type TopologyDescriptionChangedEvent,
} from 'mongodb';
import type { Store } from './connection';
import { CursorCutShortError } from './cursors';
import { LateWriteError } from './concurrency';

const WRITABLE = new Set(['Standalone', 'RSPrimary', 'Mongos', 'LoadBalancer']);

/** Whether the driver knows a server it can write to (what every request needs: the audit). */
function writable(d: TopologyDescription): boolean {
  for (const s of d.servers.values()) if (WRITABLE.has(s.type)) return true;
  return false;
}

export class StoreHealth {
  private upNow = true;
  private changedAt = new Date();
  private readonly listeners: Array<(up: boolean) => void> = [];
  /** Heartbeats started and not yet ended, by server address: when each started. */
  private readonly pending = new Map<string, number>();
  private readonly watchdog: NodeJS.Timeout;
  private readonly tickMs: number;
  private lastTick = Date.now();
  private reconnecting = false;
  private closed = false;
  /** Times the watchdog reconnected the driver. */
  reconnects = 0;

  constructor(
    private readonly store: Store,
    private readonly logger: Logger,
    /** A heartbeat pending longer than this is stuck. Default: 2 × (connect timeout + heartbeat) + 2 s. */
    readonly stuckAfterMs = StoreHealth.stuckAfter(store),
  ) {
    // The topology decides, not one server's heartbeat: on a replica set a secondary that is
    // down must not make the hub refuse requests while the primary answers.
    store.client.on('topologyDescriptionChanged', (e: TopologyDescriptionChangedEvent) =>
      this.set(writable(e.newDescription)),
    );
    store.client.on('serverHeartbeatStarted', (e: ServerHeartbeatStartedEvent) =>
      this.pending.set(e.connectionId, Date.now()),
    );
    const ended = (e: ServerHeartbeatSucceededEvent | ServerHeartbeatFailedEvent) =>
      this.pending.delete(e.connectionId);
    store.client.on('serverHeartbeatSucceeded', ended);
    store.client.on('serverHeartbeatFailed', ended);
    // A client closed on purpose has no heartbeat to wait for, nor a server taken out of the
    // topology (a replica-set member removed while its check was pending: its end is not relayed).
    store.client.on('topologyClosed', () => this.pending.clear());
    store.client.on('serverClosed', (e: ServerClosedEvent) => this.pending.delete(e.address));
    this.tickMs = Math.min(1_000, this.stuckAfterMs / 2);
    this.watchdog = setInterval(() => void this.checkStuck(), this.tickMs);
    this.watchdog.unref();
  }

  private static stuckAfter(store: Store): number {
    const o = store.client.options;
    return 2 * ((o.connectTimeoutMS || 30_000) + (o.heartbeatFrequencyMS || 10_000)) + 2_000;
  }

  /** Stops the watchdog, and a reconnect under way (the hub is stopping). */
  close(): void {
    this.closed = true;
    clearInterval(this.watchdog);
  }

  private async checkStuck(): Promise<void> {
    const now = Date.now();
    const gap = now - this.lastTick;
    this.lastTick = now;
    if (this.reconnecting || this.closed || this.store.closed) return;
    // The process itself stood still (a long pause, a stopped process): what is pending waited
    // on us, not on the driver. Count from now.
    if (gap > 3 * this.tickMs) {
      for (const k of this.pending.keys()) this.pending.set(k, now);
      return;
    }
    const stuck = [...this.pending].find(([, at]) => now - at > this.stuckAfterMs);
    if (!stuck) return;
    this.reconnecting = true;
    this.pending.clear();
    this.reconnects++;
    this.logger.error(
      { server: stuck[0], pendingMs: now - stuck[1] },
      'store driver stuck: a heartbeat has been pending past every timeout; reconnecting the client',
    );
    try {
      await this.store.client.close().catch(() => undefined);
      // A client whose connect failed stays closed (operations get MongoNotConnectedError /
      // topology closed): try again, backing off, until it connects or the hub stops.
      for (let attempt = 0; !this.closed && !this.store.closed; attempt++) {
        try {
          await this.store.client.connect();
          this.logger.warn({ attempts: attempt + 1 }, 'store client reconnected');
          return;
        } catch (err) {
          if (attempt === 0) this.logger.warn({ err }, 'store client reconnect failed; trying again');
          await sleep(Math.min(500 * 2 ** attempt, 10_000), undefined, { ref: false });
        }
      }
    } finally {
      this.reconnecting = false;
    }
  }

  /** The store answered its last check. */
  get up(): boolean {
    return this.upNow;
  }

  /** Since when it has been up (or down). */
  get since(): Date {
    return this.changedAt;
  }

  onChange(fn: (up: boolean) => void): void {
    this.listeners.push(fn);
  }

  private set(up: boolean): void {
    if (up === this.upNow) return;
    this.upNow = up;
    this.changedAt = new Date();
    if (up) this.logger.warn('store reachable again');
    else this.logger.error('store unreachable: requests are refused until it returns');
    for (const l of this.listeners) l(up);
  }
}

/**
 * An error from losing the store (network, no server to select, a cursor closed under its reader
 * by a client closed or reconnected), after which retrying later may work.
 */
export function isTransientStoreError(err: unknown): boolean {
  return (
    err instanceof MongoNetworkError ||
    err instanceof CursorCutShortError ||
    // A write acknowledged too late to commit on (store/concurrency.ts).
    err instanceof LateWriteError ||
    // An operation in flight when the client was closed (the watchdog's reconnect below).
    err instanceof MongoClientClosedError ||
    err instanceof MongoServerSelectionError ||
    err instanceof MongoTopologyClosedError ||
    err instanceof MongoNotConnectedError ||
    (err instanceof MongoError && err.hasErrorLabel('RetryableWriteError'))
  );
}
