import type { WriteConcernSettings } from 'mongodb';
import { writeCitizenIndex, type AccessLogEntry, type IndexCollection } from './access-log';

/**
 * The index worker's writes (indexer.ts) into the access-log index (access-log.ts's layout: one
 * document per entry, insert-only), counting the commands they take. Per pass: the entries of all
 * its records in insert commands (one SQLite transaction each in the embedded store, however many
 * citizens they name); entries already there (a pass cut short, retried) are left as they are.
 * Then the bound: after k entries for a citizen, with probability min(1, k / checkEvery), its
 * oldest entries beyond the bound are deleted (a count of its `_id` range; when over, one `_id`
 * read and one range delete). See {@link writeCitizenIndex}.
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
    this.commands += await writeCitizenIndex(this.coll, byCitizen, { ...this.opts, max: opts.max });
  }
}
