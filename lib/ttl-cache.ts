/**
 * A small in-process cache whose entries expire `ttlMs` after they were set (past `maxEntries`
 * the entry set longest ago goes first). The request path's caches of accounts, consents and
 * clients (services/access) keep changes visible within their TTL.
 */
export class TtlCache<V> {
  private readonly map = new Map<string, { value: V; expires: number }>();
  constructor(
    readonly ttlMs: number,
    private readonly maxEntries = 50_000,
  ) {}

  get(key: string, now = Date.now()): V | undefined {
    const e = this.map.get(key);
    if (!e) return undefined;
    if (e.expires <= now) {
      this.map.delete(key);
      return undefined;
    }
    return e.value;
  }

  /** Sets the entry anew (it becomes the newest); the oldest entries go past `maxEntries`. */
  set(key: string, value: V, now = Date.now()): void {
    this.map.delete(key);
    this.map.set(key, { value, expires: now + this.ttlMs });
    while (this.map.size > this.maxEntries) this.map.delete(this.map.keys().next().value as string);
  }

  delete(key: string): void {
    this.map.delete(key);
  }

  /** Deletes the entry only while it still holds `value` (a value set since stays). */
  deleteIf(key: string, value: V): void {
    if (this.map.get(key)?.value === value) this.map.delete(key);
  }

  clear(): void {
    this.map.clear();
  }
}

/** Options of a {@link TtlLoader}. */
export interface TtlLoaderOptions {
  /** How long a loaded value is served. */
  ttlMs: number;
  /** Entries kept at most (the oldest go first). */
  maxEntries: number;
  /** Milliseconds now; default `Date.now`. */
  clock?: () => number;
}

/**
 * Values loaded on demand and kept `ttlMs`: concurrent lookups of one key share a single load;
 * a load that fails is not kept (its error reaches every caller: callers must fail closed).
 */
export class TtlLoader<V> {
  private readonly cache: TtlCache<Promise<V>>;
  protected readonly clock: () => number;

  constructor(
    private readonly load: (key: string) => Promise<V>,
    opts: TtlLoaderOptions,
  ) {
    this.cache = new TtlCache(opts.ttlMs, opts.maxEntries);
    this.clock = opts.clock ?? Date.now;
  }

  get ttlMs(): number {
    return this.cache.ttlMs;
  }

  /** The value (at most `ttlMs` old). */
  get(key: string): Promise<V> {
    const now = this.clock();
    const hit = this.cache.get(key, now);
    if (hit) return hit;
    const value = this.load(key);
    this.cache.set(key, value, now);
    value.catch(() => this.cache.deleteIf(key, value));
    return value;
  }

  /** Forgets one key, or every key. */
  invalidate(key?: string): void {
    if (key === undefined) this.cache.clear();
    else this.cache.delete(key);
  }
}
