import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { freePort, startLocalDb } from '../../store/localdb';
import { StoreHealth } from '../../store/health';
import { Store } from '../../store/connection';
import { connectTestStore } from '../support/hub';

/**
 * The driver watchdog, on a store client of its own (the shared test store). The driver's stuck
 * heartbeat cannot be caused on purpose, so the test announces a heartbeat that never ends, the
 * way the driver does when its check hangs; the reconnect itself is real.
 */

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(pred: () => boolean | Promise<boolean>, ms: number): Promise<void> {
  const t0 = Date.now();
  while (!(await pred())) {
    if (Date.now() - t0 > ms) throw new Error('timed out waiting');
    await sleep(20);
  }
}

describe('StoreHealth watchdog', () => {
  let store: Store;
  let health: StoreHealth;
  const lines: string[] = [];
  const logger = pino({ level: 'warn' }, { write: (l: string) => lines.push(l) });

  beforeEach(async () => {
    store = await connectTestStore('hw_');
    lines.length = 0;
  });
  afterEach(async () => {
    health?.close();
    await store.close();
  });

  it('reconnects the client when a heartbeat stays pending past every timeout; collections obtained before keep working', async () => {
    health = new StoreHealth(store, logger, 300);
    const col = store.hubDb.collection<{ _id: string; n: number }>('watchdog');
    await col.replaceOne({ _id: 'a' }, { n: 1 }, { upsert: true });
    store.client.emit('serverHeartbeatStarted', { connectionId: 'stuck:1' } as never);
    await until(() => health.reconnects === 1, 5_000);
    await until(() => health.up, 5_000);
    expect(await col.findOne({ _id: 'a' })).toEqual({ _id: 'a', n: 1 });
    await col.updateOne({ _id: 'a' }, { $inc: { n: 1 } });
    expect((await col.findOne({ _id: 'a' }))?.n).toBe(2);
    expect(lines.join('')).toMatch(/store driver stuck/);
    // Once, not again and again: the stuck heartbeat is forgotten with the old connection.
    await sleep(700);
    expect(health.reconnects).toBe(1);
  });

  it('leaves a client alone whose heartbeats end, and one closed on purpose', async () => {
    health = new StoreHealth(store, logger, 300);
    store.client.emit('serverHeartbeatStarted', { connectionId: 'ok:1' } as never);
    store.client.emit('serverHeartbeatSucceeded', { connectionId: 'ok:1' } as never);
    await sleep(700);
    expect(health.reconnects).toBe(0);
    store.client.emit('serverHeartbeatStarted', { connectionId: 'closing:1' } as never);
    await store.close();
    await sleep(700);
    expect(health.reconnects).toBe(0);
  });

  it('keeps reconnecting while the store is down too, and is back once the store is', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'hub-watchdog-'));
    const port = await freePort();
    let db = await startLocalDb({ dataDir, port });
    const own = await Store.connect({
      uri: db.uri,
      dbPrefix: 'hw_',
      heartbeatFrequencyMS: 500,
      connectTimeoutMS: 500,
      serverSelectionTimeoutMS: 500,
    });
    const h = new StoreHealth(own, logger, 300);
    try {
      const col = own.hubDb.collection<{ _id: string }>('watchdog');
      await col.replaceOne({ _id: 'b' }, {}, { upsert: true });
      await db.stop();
      own.client.emit('serverHeartbeatStarted', { connectionId: 'stuck:2' } as never);
      await until(() => h.reconnects === 1, 5_000);
      // The reconnect fails (the store is down) and is tried again.
      await until(() => lines.some((l) => /reconnect failed/.test(l)), 5_000);
      await expect(col.findOne({ _id: 'b' })).rejects.toThrow();
      db = await startLocalDb({ dataDir, port });
      await until(() => lines.some((l) => /store client reconnected/.test(l)), 20_000);
      expect(await col.findOne({ _id: 'b' })).toEqual({ _id: 'b' });
      expect(h.reconnects).toBe(1);
    } finally {
      h.close();
      await own.close();
      await db.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});
