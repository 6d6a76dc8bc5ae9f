/**
 * Whether the store is reachable, as the driver sees it (a server it can write to, from its
 * heartbeats and from any operation that loses the server): requests are refused at once while
 * it is down (503, nothing disclosed, no audit record owed), `/readyz` says so, and both recover
 * by themselves when the driver's next heartbeat reaches the store again. Each change is logged
 * once.
 */
import type { Logger } from 'pino';
import {
  MongoError,
  MongoNetworkError,
  MongoServerSelectionError,
  MongoTopologyClosedError,
  type TopologyDescription,
  type TopologyDescriptionChangedEvent,
} from 'mongodb';
import type { Store } from './connection';

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

  constructor(
    store: Store,
    private readonly logger: Logger,
  ) {
    // The topology decides, not one server's heartbeat: on a replica set a secondary that is
    // down must not make the hub refuse requests while the primary answers.
    store.client.on('topologyDescriptionChanged', (e: TopologyDescriptionChangedEvent) =>
      this.set(writable(e.newDescription)),
    );
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

/** An error from losing the store (network, no server to select), after which retrying later may work. */
export function isTransientStoreError(err: unknown): boolean {
  return (
    err instanceof MongoNetworkError ||
    err instanceof MongoServerSelectionError ||
    err instanceof MongoTopologyClosedError ||
    (err instanceof MongoError && err.hasErrorLabel('RetryableWriteError'))
  );
}
