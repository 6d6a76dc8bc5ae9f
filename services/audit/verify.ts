import type { KeyObject } from 'node:crypto';
import type { Store } from '../../store/connection';
import { auditRecordId, hashRecord, parseAuditRecordId } from './chain';
import { checkpointProblem, readCheckpoints, type CheckpointDoc } from './retention';
import { AUDIT_CHAINS_COLLECTION, AUDIT_COLLECTION, TAIL_PREFIX, type ChainTailDoc } from './writer';
import { readToEnd } from '../../store/cursors';

/**
 * Verifies the audit hash chains: streams every record once (FerretDB pushes neither
 * sorts nor non-`_id` filters down, so one full scan is the cheapest), hashes it,
 * keeps a small summary per record, then walks each chain in seq order and reports
 * its first broken link:
 * - an edited record (its hash does not match its content),
 * - a removed record (a seq gap, or records missing at the tail according to the
 *   chain's tail pointer),
 * - a reordered / swapped / re-linked record (its prevHash is not the previous
 *   record's hash, or its `_id` does not match its chain and seq),
 * - a record inserted with a foreign chain or seq (`_id` mismatch, duplicate seq).
 * A chain whose old records retention removed (retention.ts) is verified from its latest
 * checkpoint onward, once every checkpoint of the chain holds: signed by one of `keys` (the hub's
 * public keys, by `kid`), unchanged, each following the previous; a checkpoint that does not hold,
 * or cannot be checked without keys, breaks the chain.
 */

export interface ChainReport {
  chain: string;
  records: number;
  /** Records up to this seq were removed by retention (its latest checkpoint). */
  removedThrough?: number;
  /** Seq of the first broken link; absent when the chain verifies. */
  firstBrokenSeq?: number;
  problem?: string;
}

export interface VerifyResult {
  ok: boolean;
  chains: ChainReport[];
}

interface Summary {
  id: string;
  seq: number;
  prevHash: unknown;
  hash: unknown;
  computed: string | null;
  idMatches: boolean;
}

export async function verifyAuditChain(
  store: Store,
  opts: { chain?: string; keys?: ReadonlyMap<string, KeyObject> } = {},
): Promise<VerifyResult> {
  const db = store.hubDb;
  const byChain = new Map<string, Summary[]>();
  const malformed = new Map<string, string>(); // chain -> problem (first found)
  const filter = opts.chain ? { chain: opts.chain } : {};
  const cursor = db.collection<Record<string, unknown>>(AUDIT_COLLECTION).find(filter as object);
  for await (const doc of readToEnd(cursor)) {
    const id = String(doc._id);
    const parsed = parseAuditRecordId(doc._id);
    const chain = typeof doc.chain === 'string' ? doc.chain : (parsed?.chain ?? '(unknown)');
    if (opts.chain && chain !== opts.chain) continue;
    const seq = doc.seq;
    if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 1) {
      if (!malformed.has(chain)) malformed.set(chain, `malformed record ${id}: no valid seq`);
      if (!byChain.has(chain)) byChain.set(chain, []);
      continue;
    }
    let computed: string | null;
    try {
      computed = typeof doc.prevHash === 'string' ? hashRecord(doc.prevHash, doc) : null;
    } catch {
      computed = null;
    }
    const list = byChain.get(chain) ?? [];
    list.push({
      id,
      seq,
      prevHash: doc.prevHash,
      hash: doc.hash,
      computed,
      idMatches: id === auditRecordId(chain, seq),
    });
    byChain.set(chain, list);
  }

  const pointers = new Map<string, ChainTailDoc>();
  const pointerCursor = db
    .collection<ChainTailDoc>(AUDIT_CHAINS_COLLECTION)
    .find(opts.chain ? { _id: TAIL_PREFIX + opts.chain } : {});
  for await (const p of readToEnd(pointerCursor)) {
    if (typeof p._id !== 'string' || !p._id.startsWith(TAIL_PREFIX)) continue;
    const chain = p._id.slice(TAIL_PREFIX.length);
    pointers.set(chain, p);
    if (!byChain.has(chain)) byChain.set(chain, []);
  }

  const checkpoints = await readCheckpoints(store, opts.chain);
  for (const chain of checkpoints.keys()) if (!byChain.has(chain)) byChain.set(chain, []);

  const chains: ChainReport[] = [];
  for (const chain of [...byChain.keys()].sort()) {
    const cps = checkpoints.get(chain) ?? [];
    const start = startOf(cps, opts.keys);
    // Records a removal cut short left below the checkpoint are not part of the chain any more.
    const list = byChain
      .get(chain)!
      .filter((r) => !('seq' in start) || r.seq > start.seq)
      .sort((a, b) => a.seq - b.seq || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const report: ChainReport = { chain, records: list.length };
    if ('seq' in start && start.seq > 0) report.removedThrough = start.seq;
    const broken = 'problem' in start ? start : walk(chain, list, pointers.get(chain), start);
    if (broken) {
      report.firstBrokenSeq = broken.seq;
      report.problem = broken.problem;
    } else if (malformed.has(chain)) {
      report.firstBrokenSeq = (list[list.length - 1]?.seq ?? 0) + 1;
      report.problem = malformed.get(chain);
    }
    if (malformed.has(chain) && broken) report.problem += `; also ${malformed.get(chain)}`;
    chains.push(report);
  }
  return { ok: chains.every((c) => c.firstBrokenSeq === undefined), chains };
}

/** Where a chain's records start: after its latest checkpoint, when every checkpoint holds. */
function startOf(
  cps: CheckpointDoc[],
  keys: ReadonlyMap<string, KeyObject> | undefined,
): { seq: number; hash: string } | { seq: number; problem: string } {
  if (!cps.length) return { seq: 0, hash: '' };
  if (!keys?.size) {
    return { seq: 1, problem: "retention checkpoints cannot be checked without the hub's public keys" };
  }
  let prev: CheckpointDoc | null = null;
  for (const [i, cp] of cps.entries()) {
    const problem = cp.n !== i + 1 ? `checkpoint ${i + 1} is missing` : checkpointProblem(cp, keys, prev);
    if (problem) return { seq: prev ? prev.lastSeq + 1 : 1, problem: `checkpoint ${i + 1}: ${problem}` };
    prev = cp;
  }
  return { seq: prev!.lastSeq, hash: prev!.lastHash };
}

function walk(
  chain: string,
  list: Summary[],
  pointer: ChainTailDoc | undefined,
  start: { seq: number; hash: string },
): { seq: number; problem: string } | null {
  let expected = start.seq + 1;
  let prevHash = start.hash;
  for (const r of list) {
    if (r.seq < expected) {
      return { seq: r.seq, problem: `duplicate seq ${r.seq} (record ${r.id})` };
    }
    if (r.seq > expected) {
      const missing = r.seq - expected === 1 ? `seq ${expected}` : `seqs ${expected}..${r.seq - 1}`;
      return { seq: expected, problem: `record missing (${missing}; removed?)` };
    }
    if (!r.idMatches) {
      return {
        seq: r.seq,
        problem: `record ${r.id} does not belong at ${auditRecordId(chain, r.seq)} (foreign chain/seq, moved or swapped)`,
      };
    }
    if (r.computed === null || r.computed !== r.hash) {
      return { seq: r.seq, problem: 'hash mismatch (record edited)' };
    }
    if (r.prevHash !== prevHash) {
      return { seq: r.seq, problem: 'prevHash does not match the previous record (reordered, replaced or inserted)' };
    }
    prevHash = r.hash;
    expected++;
  }
  if (pointer && typeof pointer.seq === 'number') {
    const last = expected - 1;
    if (pointer.seq > last) {
      return {
        seq: last + 1,
        problem: `records missing at the tail: the tail pointer says seq ${pointer.seq}, the last record is seq ${last}`,
      };
    }
    if (pointer.seq === start.seq && start.seq > 0 && pointer.hash !== start.hash) {
      return { seq: pointer.seq, problem: 'hash differs from the tail pointer (record replaced)' };
    }
    const at = list[pointer.seq - start.seq - 1];
    if (pointer.seq > start.seq && at && at.hash !== pointer.hash) {
      return { seq: pointer.seq, problem: 'hash differs from the tail pointer (record replaced)' };
    }
  }
  return null;
}
