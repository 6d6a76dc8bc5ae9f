/**
 * Retention of the audit and of the citizens' access-log index (Decree 69/2024/NĐ-CP Art. 28: the
 * usage history of e-identification is kept 5 years; `HUB_AUDIT_RETENTION_YEARS`, docs/security.md).
 *
 * A record expires with its month: the sweep at `now` removes the records written before the
 * first day (00:00, Vietnam time) of the month `years` years before `now`'s month, so every
 * record is kept at least `years` years. Per chain it removes a prefix (the records are in `seq`
 * order; it stops at the first one not expired), after
 * 1. checking that prefix's hash chain from the last checkpoint (a broken chain is not
 *    checkpointed: the problem is reported and nothing of that chain is removed), and
 * 2. writing a checkpoint signed by the hub (`auditCheckpoints`, `_id` = `<chain>#<n>`, its insert
 *    deciding it once across instances): the period, the first and last seq removed, the last
 *    record's hash, the count, the previous checkpoint's digest, as a JWS (ES256, the hub's key,
 *    header `typ: audit-checkpoint+jwt`).
 * `npm run audit:verify` then verifies every checkpoint's signature and the chain from the latest
 * one onward (verify.ts). Access-log entries older than the same cutoff are deleted (and the old
 * layouts' buckets and heads' entries), while the audit writer holds its background writes.
 */
import { createHash, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import type { Logger } from 'pino';
import type { Store } from '../../store/connection';
import { isDuplicateKey } from '../../store/concurrency';
import type { SigningKey } from '../access/auth/keys';
import { vietnamDate } from '../accounts/calendar';
import { accessLogCollection } from './access-log';
import { trimLegacyAccessLog } from './access-log-legacy';
import { auditRecordId, hashRecord } from './chain';
import { AUDIT_CHECKPOINTS_COLLECTION, AUDIT_COLLECTION, type AuditWriter } from './writer';
import { readToEnd } from '../../store/cursors';

export const CHECKPOINT_TYPE = 'audit-checkpoint+jwt';

/** What a checkpoint states (and signs). */
export interface CheckpointBody {
  chain: string;
  n: number;
  /** Records from this instant (the previous checkpoint's `periodTo`; null: the chain's start)... */
  periodFrom: string | null;
  /** ...up to (not including) this one were removed. */
  periodTo: string;
  firstSeq: number;
  lastSeq: number;
  /** The hash of record `lastSeq`: record `lastSeq + 1` links to it. */
  lastHash: string;
  count: number;
  /** SHA-256 (hex) of the previous checkpoint's JWS ('' for the first). */
  prev: string;
  retentionYears: number;
}

export interface CheckpointDoc extends CheckpointBody {
  _id: string;
  createdAt: Date;
  jws: string;
}

const BODY_KEYS: Array<keyof CheckpointBody> = [
  'chain',
  'n',
  'periodFrom',
  'periodTo',
  'firstSeq',
  'lastSeq',
  'lastHash',
  'count',
  'prev',
  'retentionYears',
];

/** The first instant kept at `now`: 00:00 (Vietnam) on the 1st of the month `years` years before. */
export function retentionCutoff(now: Date, years: number): Date {
  const today = vietnamDate(now);
  const y = String(Number(today.slice(0, 4)) - years).padStart(4, '0');
  return new Date(`${y}-${today.slice(5, 7)}-01T00:00:00+07:00`);
}

export const digest = (jws: string) => createHash('sha256').update(jws, 'utf8').digest('hex');

export function signCheckpoint(key: SigningKey, issuer: string, body: CheckpointBody): string {
  return jwt.sign({ ...body, iss: issuer }, key.privateKey, {
    algorithm: 'ES256',
    header: { alg: 'ES256', typ: CHECKPOINT_TYPE, kid: key.kid },
  });
}

/**
 * Why a checkpoint does not hold (null: it does): its signature against `keys` (by `kid`), its
 * stored fields against what it signed, and its link to the previous one.
 */
export function checkpointProblem(
  doc: CheckpointDoc,
  keys: ReadonlyMap<string, KeyObject>,
  prev: CheckpointDoc | null,
): string | null {
  const decoded = typeof doc.jws === 'string' ? jwt.decode(doc.jws, { complete: true }) : null;
  if (!decoded || typeof decoded.payload !== 'object') return 'no signed statement';
  const { typ, kid } = decoded.header;
  if (typ !== CHECKPOINT_TYPE) return 'not an audit checkpoint';
  const key = typeof kid === 'string' ? keys.get(kid) : undefined;
  if (!key) return "signed with a key that is not the hub's";
  let payload: Record<string, unknown>;
  try {
    payload = jwt.verify(doc.jws, key, { algorithms: ['ES256'] }) as Record<string, unknown>;
  } catch {
    return 'bad signature (tampered?)';
  }
  for (const k of BODY_KEYS) {
    if (payload[k] !== doc[k]) return `its ${k} differs from what was signed (tampered?)`;
  }
  if (doc._id !== `${doc.chain}#${doc.n}`) return 'stored under another id';
  const expectPrev = prev ? digest(prev.jws) : '';
  if (doc.prev !== expectPrev) return 'does not follow the previous checkpoint';
  const expectFirst = prev ? prev.lastSeq + 1 : 1;
  if (doc.firstSeq !== expectFirst || doc.lastSeq < doc.firstSeq || doc.count !== doc.lastSeq - doc.firstSeq + 1)
    return `does not continue at seq ${expectFirst}`;
  return null;
}

/** Every checkpoint, per chain, in order. */
export async function readCheckpoints(store: Store, chain?: string): Promise<Map<string, CheckpointDoc[]>> {
  const out = new Map<string, CheckpointDoc[]>();
  const col = store.hubDb.collection<CheckpointDoc>(AUDIT_CHECKPOINTS_COLLECTION);
  for await (const d of readToEnd(col.find(chain ? { chain } : {}))) {
    const list = out.get(d.chain) ?? [];
    list.push(d);
    out.set(d.chain, list);
  }
  for (const list of out.values()) list.sort((a, b) => a.n - b.n);
  return out;
}

export interface RetentionOptions {
  now: Date;
  years: number;
  key: SigningKey;
  issuer: string;
  /** The hub's writer: the access-log trimming runs while it holds its background writes. */
  writer?: Pick<AuditWriter, 'exclusiveSide'>;
  logger?: Pick<Logger, 'info' | 'warn' | 'error'>;
}

export interface ChainRetention {
  chain: string;
  removed: number;
  checkpoint?: number;
  problem?: string;
}

export interface RetentionResult {
  cutoff: Date;
  chains: ChainRetention[];
  /** Access-log documents removed: entries older than the cutoff, and the old layouts' buckets. */
  accessLogBuckets: number;
}

/** An expired record, as much as the sweep keeps of it: its links, and whether its hash holds. */
interface Expired {
  prevHash: unknown;
  hash: unknown;
  /** Its content hashes to `hash` (over its own `prevHash`) and its `_id` is its chain and seq. */
  intact: boolean;
}

interface Scan {
  /** The least seq not expired. */
  minLive: number;
  expired: Map<number, Expired>;
}

/**
 * One pass over the audit: per chain, the expired records' links and hash checks (the records
 * themselves are not kept), and the least seq not expired.
 */
async function scanChains(store: Store, cutoff: Date): Promise<Map<string, Scan>> {
  const scans = new Map<string, Scan>();
  const cursor = store.hubDb.collection<Record<string, unknown>>(AUDIT_COLLECTION).find({});
  for await (const r of readToEnd(cursor)) {
    const { chain, seq, at } = r;
    if (typeof chain !== 'string' || typeof seq !== 'number' || !Number.isSafeInteger(seq)) continue;
    const s = scans.get(chain) ?? { minLive: Infinity, expired: new Map<number, Expired>() };
    scans.set(chain, s);
    if (!(at instanceof Date) || at.getTime() >= cutoff.getTime()) {
      s.minLive = Math.min(s.minLive, seq);
      continue;
    }
    let intact: boolean;
    try {
      intact =
        String(r._id) === auditRecordId(chain, seq) &&
        typeof r.prevHash === 'string' &&
        hashRecord(r.prevHash, r) === r.hash;
    } catch {
      intact = false;
    }
    s.expired.set(seq, { prevHash: r.prevHash, hash: r.hash, intact });
  }
  return scans;
}

/** Removes one chain's expired prefix after checking it and writing its checkpoint. */
async function sweepChain(
  store: Store,
  chain: string,
  scan: Scan,
  checkpoints: CheckpointDoc[],
  cutoff: Date,
  opts: RetentionOptions,
): Promise<ChainRetention> {
  const last = checkpoints[checkpoints.length - 1] ?? null;
  const from = (last?.lastSeq ?? 0) + 1;
  let to = from - 1;
  while (scan.expired.has(to + 1) && to + 1 < scan.minLive) to++;
  const col = store.hubDb.collection<Record<string, unknown>>(AUDIT_COLLECTION);
  if (to < from) {
    // A removal cut short after its checkpoint: finish it.
    const leftovers = [...scan.expired.keys()].filter((s) => s < from).length;
    if (leftovers && last) await col.deleteMany({ chain, seq: { $lte: last.lastSeq } });
    return { chain, removed: leftovers };
  }
  let prevHash = last?.lastHash ?? '';
  for (let seq = from; seq <= to; seq++) {
    const r = scan.expired.get(seq)!;
    if (!r.intact || r.prevHash !== prevHash)
      return { chain, removed: 0, problem: `the chain does not verify at seq ${seq}: nothing removed` };
    prevHash = r.hash as string;
  }
  const body: CheckpointBody = {
    chain,
    n: (last?.n ?? 0) + 1,
    periodFrom: last?.periodTo ?? null,
    periodTo: cutoff.toISOString(),
    firstSeq: from,
    lastSeq: to,
    lastHash: prevHash,
    count: to - from + 1,
    prev: last ? digest(last.jws) : '',
    retentionYears: opts.years,
  };
  const cp: CheckpointDoc = {
    _id: `${chain}#${body.n}`,
    ...body,
    createdAt: opts.now,
    jws: signCheckpoint(opts.key, opts.issuer, body),
  };
  try {
    await store.hubDb.collection<CheckpointDoc>(AUDIT_CHECKPOINTS_COLLECTION).insertOne(cp);
  } catch (e) {
    if (isDuplicateKey(e)) return { chain, removed: 0, problem: 'another sweep checkpointed this chain meanwhile' };
    throw e;
  }
  const r = await col.deleteMany({ chain, seq: { $lte: to } });
  return { chain, removed: r.deletedCount, checkpoint: body.n };
}

/** Deletes the access-log entries older than the cutoff (and the old layouts' buckets). */
async function trimAccessLog(store: Store, cutoff: Date): Promise<number> {
  const r = await accessLogCollection(store).deleteMany({ at: { $lt: cutoff } });
  return r.deletedCount + (await trimLegacyAccessLog(store, cutoff));
}

/** The retention sweep (module comment). Safe to run again: a cut-short run is completed. */
export async function sweepAuditRetention(store: Store, opts: RetentionOptions): Promise<RetentionResult> {
  const cutoff = retentionCutoff(opts.now, opts.years);
  const [scans, checkpoints] = await Promise.all([scanChains(store, cutoff), readCheckpoints(store)]);
  const chains: ChainRetention[] = [];
  for (const [chain, scan] of [...scans].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    if (!scan.expired.size) continue;
    const r = await sweepChain(store, chain, scan, checkpoints.get(chain) ?? [], cutoff, opts);
    if (r.problem) opts.logger?.error({ chain, problem: r.problem }, 'audit retention: chain not swept');
    chains.push(r);
  }
  const trim = () => trimAccessLog(store, cutoff);
  const accessLogBuckets = opts.writer ? await opts.writer.exclusiveSide(trim) : await trim();
  opts.logger?.info(
    { cutoff, removed: chains.reduce((n, c) => n + c.removed, 0), accessLogBuckets },
    'audit retention sweep done',
  );
  return { cutoff, chains, accessLogBuckets };
}

/** Runs `run` daily at `at` ("HH:MM", Vietnam time); returns a function that stops it. */
export function scheduleDaily(at: string, run: () => Promise<unknown>, logger: Pick<Logger, 'error'>): () => void {
  const [h, m] = at.split(':').map(Number);
  let timer: NodeJS.Timeout | null = null;
  const next = () => {
    const now = Date.now();
    const vn = new Date(now + 7 * 3_600_000);
    let due = Date.UTC(vn.getUTCFullYear(), vn.getUTCMonth(), vn.getUTCDate(), h, m) - 7 * 3_600_000;
    if (due <= now) due += 86_400_000;
    timer = setTimeout(() => {
      run()
        .catch((err: unknown) => logger.error({ err }, 'scheduled audit retention failed; it runs again tomorrow'))
        .finally(next);
    }, due - now);
    timer.unref();
  };
  next();
  return () => {
    if (timer) clearTimeout(timer);
  };
}
