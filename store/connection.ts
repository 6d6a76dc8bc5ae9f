import mongoose from 'mongoose';
import type { Db, MongoClient } from 'mongodb';

/**
 * The hub's connection to its store: one MongoDB client (through mongoose) that
 * serves the hub's own database and the five mock source databases.
 *
 * Database names are `<prefix><name>` so that tests and benches can use their own
 * databases on the same server (HUB_DB_PREFIX, default "").
 */
export interface StoreOptions {
  /** MongoDB connection string. */
  uri: string;
  /** Prefix of every database name. Default "". */
  dbPrefix?: string;
  /** Driver connection pool size. Default 64. */
  maxPoolSize?: number;
  /** How long an operation waits for a reachable server, ms. Default 5000. */
  serverSelectionTimeoutMS?: number;
  /** How often the driver checks the server, ms (how fast an outage and a recovery are seen). Default 10000. */
  heartbeatFrequencyMS?: number;
  /**
   * How long opening a connection (and a heartbeat's answer, plus the heartbeat interval) may
   * take, ms. Default 5000 (the driver's own is 30000): a heartbeat caught by a store that
   * accepts connections but does not answer yet (one starting up) gives up and tries again
   * within this, instead of keeping the hub refusing requests for half a minute.
   */
  connectTimeoutMS?: number;
  /**
   * How long an operation may wait for the store's answer, ms. Default: for ever (the driver's
   * default, for the CLIs and benches, whose single operations may be long). The serving hub
   * sets `HUB_STORE_SOCKET_TIMEOUT_MS`: a store that stops answering (hung, not gone) then fails
   * the operations waiting on it instead of holding their requests until it answers again.
   */
  socketTimeoutMS?: number;
  /** Emit the driver's command monitoring events (commandStarted/Succeeded/Failed) on `client`: bench/profile.ts. Default false. */
  monitorCommands?: boolean;
}

/** How a batch of `_id`s is read: one `$in` find, or one `_id` find per key in parallel. */
export type LookupStrategy = 'in' | 'parallel';

export class Store {
  readonly mongoose: mongoose.Mongoose;
  readonly prefix: string;
  /** True when the server is FerretDB (buildInfo has `ferretdbVersion`). */
  isFerretDb = false;
  /** The lookup strategy connectors use; chosen from the server kind at connect. */
  lookupStrategy: LookupStrategy = 'in';

  private constructor(m: mongoose.Mongoose, prefix: string) {
    this.mongoose = m;
    this.prefix = prefix;
  }

  static async connect(opts: StoreOptions): Promise<Store> {
    const m = new mongoose.Mongoose();
    m.set('strictQuery', true);
    await m.connect(opts.uri, {
      maxPoolSize: opts.maxPoolSize ?? 64,
      serverSelectionTimeoutMS: opts.serverSelectionTimeoutMS ?? 5_000,
      heartbeatFrequencyMS: opts.heartbeatFrequencyMS ?? 10_000,
      connectTimeoutMS: opts.connectTimeoutMS ?? 5_000,
      ...(opts.socketTimeoutMS ? { socketTimeoutMS: opts.socketTimeoutMS } : {}),
      ...(opts.monitorCommands ? { monitorCommands: true } : {}),
      autoIndex: true,
    });
    const store = new Store(m, opts.dbPrefix ?? '');
    const info = await store.client.db('admin').command({ buildInfo: 1 });
    store.isFerretDb = 'ferretdbVersion' in info || 'ferretdb' in info;
    store.lookupStrategy = store.isFerretDb ? 'parallel' : 'in';
    return store;
  }

  get client(): MongoClient {
    return this.mongoose.connection.getClient();
  }

  private readonly dbs = new Map<string, Db>();

  /** A database by its unprefixed name (a source's, or "hub"); one Db object per name (asked on every request). */
  db(name: string): Db {
    let d = this.dbs.get(name);
    if (!d) this.dbs.set(name, (d = this.client.db(this.prefix + name)));
    return d;
  }

  /** The hub's own database (accounts, consents, audit, seed metadata). */
  get hubDb(): Db {
    return this.db('hub');
  }

  /**
   * Derived indexes the hub writes in the background (the citizens' access log), in a database
   * of their own: on the embedded store each database is one SQLite file with one writer at a
   * time, so these writes never make the durable audit writes wait, nor the reverse.
   */
  get indexDb(): Db {
    return this.db('hubindex');
  }

  /** Set once {@link close} is called: the client is not to be reconnected. */
  closed = false;

  async close(): Promise<void> {
    this.closed = true;
    await this.mongoose.disconnect();
  }
}
