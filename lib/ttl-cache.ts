/**
 * A small in-process cache whose entries expire `ttlMs` after they were set (the oldest entry
 * goes first past `maxEntries`). The request path's caches of accounts, consents and clients
 * (services/access) keep changes visible within their TTL.
 */
export class TtlCache<V> {
  private readonly map = new Map<string, { value: V; expires: number }>();
  constructor(
    private readonly ttlMs: number,
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

  set(key: string, value: V, now = Date.now()): void {
    if (this.map.size >= this.maxEntries) this.map.delete(this.map.keys().next().value as string);
    this.map.set(key, { value, expires: now + this.ttlMs });
  }

  delete(key: string): void {
    this.map.delete(key);
  }
}
