import type { Collection, WriteConcernSettings } from 'mongodb';
import type { Store } from '../../store/connection';
import { isDuplicateKey } from '../../store/concurrency';

/**
 * Where the access-log index worker (indexer.ts) keeps each audit chain's progress and who holds
 * it, in the index database: `accessLogCheckpoints` (one document per chain) and
 * `accessLogClaims` (`<chain>#<epoch>`, inserted: a unique `_id` is the one compare-and-set the
 * embedded store makes atomic, so two workers never hold the same epoch).
 */

export const ACCESS_LOG_CHECKPOINTS_COLLECTION = 'accessLogCheckpoints';
export const ACCESS_LOG_CLAIMS_COLLECTION = 'accessLogClaims';

/** A chain's progress in the index. */
export interface CheckpointDoc {
  _id: string; // the chain
  /** Every record of the chain up to seq is in the index. */
  seq: number;
  /** Records in (seq, upTo] may be partly in the index (a pass was writing them). */
  upTo: number;
  /** The claim this checkpoint was written under (`<chain>#<epoch>` in the claims). */
  epoch: number;
  /** The worker holding the chain, or null when released. */
  owner: string | null;
  /** Released by its own writer, closed: it writes no more (a takeover's release is watched instead). */
  closed?: boolean;
  beatAt: Date;
  /** The chain's options (a taker indexes it as its writer did). */
  includeSelf?: boolean;
  max?: number;
}

interface ClaimDoc {
  _id: string; // `${chain}#${epoch}`
  chain: string;
  epoch: number;
  owner: string;
  at: Date;
}

export class ChainCheckpoints {
  private readonly checkpoints: Collection<CheckpointDoc>;
  private readonly claims: Collection<ClaimDoc>;
  /** Write commands issued (claims, checkpoints). */
  writes = 0;

  constructor(
    store: Store,
    private readonly owner: string,
    private readonly wc: WriteConcernSettings,
  ) {
    this.checkpoints = store.indexDb.collection<CheckpointDoc>(ACCESS_LOG_CHECKPOINTS_COLLECTION);
    this.claims = store.indexDb.collection<ClaimDoc>(ACCESS_LOG_CLAIMS_COLLECTION);
  }

  /**
   * Claims a chain: inserts claim `<chain>#<epoch + 1>` after its checkpoint's epoch. A writer's
   * own chain (`takeover` false) takes the next free epoch; a takeover gives up (no epoch) when
   * another worker claimed first. Returns the checkpoint as it is once claimed.
   */
  async claim(chain: string, takeover: boolean): Promise<{ epoch?: number; cp: CheckpointDoc | null }> {
    const before = await this.checkpoints.findOne({ _id: chain });
    for (let epoch = (before?.epoch ?? 0) + 1; ; epoch++) {
      try {
        this.writes++;
        await this.claims.insertOne({ _id: `${chain}#${epoch}`, chain, epoch, owner: this.owner, at: new Date() });
      } catch (e) {
        if (!isDuplicateKey(e)) throw e;
        if (takeover) return { cp: before };
        continue;
      }
      return { epoch, cp: await this.checkpoints.findOne({ _id: chain }) };
    }
  }

  /** True when another worker claimed the chain after `epoch`. */
  async superseded(chain: string, epoch: number): Promise<boolean> {
    return (await this.claims.findOne({ _id: `${chain}#${epoch + 1}` })) !== null;
  }

  async write(
    cp: Omit<CheckpointDoc, 'beatAt' | 'owner' | 'closed'> & { owner?: null; closed?: boolean },
  ): Promise<void> {
    this.writes++;
    const { _id, ...rest } = cp;
    await this.checkpoints.updateOne(
      { _id },
      { $set: { owner: this.owner, closed: false, ...rest, beatAt: new Date() } },
      { upsert: true, writeConcern: this.wc },
    );
  }

  /** Every chain's checkpoint (a small collection: one document per hub process ever started). */
  all(): Promise<CheckpointDoc[]> {
    return this.checkpoints.find({}).toArray();
  }
}
