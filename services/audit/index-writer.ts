import type { WriteConcernSettings } from 'mongodb';
import {
  ACCESS_LOG_MAX,
  insertEntries,
  trimCheckEvery,
  trimCitizen,
  type AccessLogEntry,
  type IndexCollection,
} from './access-log';

/**
 * The index worker's writes (indexer.ts) into the access-log index (access-log.ts's layout: one
 * document per entry, insert-only). Per pass: the entries of all its records in insert commands
 * (one SQLite transaction each in the embedded store, however many citizens they name); entries
 * already there (a pass cut short, retried) are left as they are. Then the bound: after k entries
 * for a citizen, with probability min(1, k / checkEvery), its oldest entries beyond the bound are
 * deleted (a range read of its `_id`s, and one range delete when over).
 */
export class AccessLogIndexWriter {
  /** Write commands issued (inserts, trims). */
  commands = 0;

  constructor(
    private readonly coll: IndexCollection,
    private readonly opts: { writeConcern?: WriteConcernSettings; random?: () => number } = {},
  ) {}

  /** Adds entries (each citizen's list oldest first), at most `max` kept per citizen. */
  async write(byCitizen: ReadonlyMap<string, readonly AccessLogEntry[]>, opts: { max?: number } = {}): Promise<void> {
    const max = Math.max(1, opts.max ?? ACCESS_LOG_MAX);
    // More than `max` for one citizen in a pass: only the newest `max` are kept anyway.
    const kept = new Map([...byCitizen].map(([c, e]) => [c, e.length > max ? e.slice(-max) : e] as const));
    this.commands += await insertEntries(this.coll, kept, { writeConcern: this.opts.writeConcern });
    const random = this.opts.random ?? Math.random;
    const checkEvery = trimCheckEvery(max);
    for (const [citizenId, entries] of kept) {
      if (entries.length === 0 || random() >= entries.length / checkEvery) continue;
      this.commands += await trimCitizen(this.coll, citizenId, { max, writeConcern: this.opts.writeConcern });
    }
  }
}
