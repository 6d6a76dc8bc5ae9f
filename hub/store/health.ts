/**
 * Whether the store is reachable, as the driver sees it (its heartbeats, and any operation that
 * loses the server): requests are refused at once while it is down (503, nothing disclosed, no
 * audit record owed), `/readyz` says so, and both recover by themselves when the driver's next
 * heartbeat reaches the store again. Each change is logged once.
 */
import type { Logger } from 'pino';
import {
  MongoError,
  MongoNetworkError,
  MongoServerSelectionError,
  MongoTopologyClosedError,
  type ServerDescriptionChangedEvent,
} from 'mongodb';
import type { Store } from './connection';

export class StoreHealth {
  private upNow = true;
  private changedAt = new Date();
  private readonly listeners: Array<(up: boolean) => void> = [];

  constructor(
    store: Store,
    private readonly logger: Logger,
  ) {
    const client = store.client;
    client.on('serverHeartbeatSucceeded', () => this.set(true));
    client.on('serverHeartbeatFailed', () => this.set(false));
    client.on('serverDescriptionChanged', (e: ServerDescriptionChangedEvent) => {
      // An operation that lost the server marks it Unknown before the next heartbeat does.
      if (e.newDescription.type === 'Unknown') this.set(false);
      else if (e.previousDescription.type === 'Unknown') this.set(true);
    });
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
