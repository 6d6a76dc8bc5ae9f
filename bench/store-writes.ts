/**
 * What the durable audit insert costs the embedded store, alone (no hub, no index, no load but
 * this): a store of its own (a fresh folder under .data/), an audit writer appending records
 * shaped like the all-papers query's (the citizen's eight documents and three household members'
 * identity), `--batch` at a time (one synced insert command each), one batch after another. Then
 * the same number of records, each stored as one string: the canonical JSON its hash is taken
 * over (the whole record but the hash), beside its `_id`, chain, sequence number and hash: what a
 * flatter record format would cost the store. The two alternate twice; per insert command, the
 * store's CPU, this process's and the time are printed.
 *
 *   npm run bench:store-writes -- [--batches 800] [--batch 4]
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import type { Collection } from 'mongodb';
import { Store } from '../store/connection';
import { startLocalDb } from '../store/localdb';
import { AuditWriter, type AuditEntry } from '../services/audit/writer';
import { auditRecordId, canonicalJSON, hashCanonical } from '../services/audit/chain';
import { procCpuS } from './profile-probes';

const SCOPES = [
  ['IDENTITY', ['personalId', 'fullName', 'dateOfBirth', 'sex', 'ethnicity', 'nationality', 'vitalStatus']],
  ['IDENTITY_CARD', ['identityCard']],
  ['RESIDENCE', ['residence']],
  ['FAMILY', ['household', 'family']],
  ['DRIVING_LICENCE', ['drivingLicence']],
  ['HEALTH_INSURANCE', ['healthInsurance']],
  ['SOCIAL_INSURANCE', ['socialInsurance']],
  ['HEALTH_RECORD', ['healthRecord']],
] as const;

/** The audit entry of one all-papers read by citizen `i` of their own papers. */
function entry(i: number): AuditEntry {
  const id = (n: number) => String(100_000_000_000 + n);
  return {
    at: new Date(),
    requestId: `bench-${i}`,
    operation: 'Citizen',
    actor: { kind: 'CITIZEN', id: id(i) },
    citizens: [
      {
        citizenId: id(i),
        disclosed: SCOPES.map(([scope, fields]) => ({ scope, paths: fields.map((f) => `citizen.${f}`) })),
        denied: [],
      },
      ...[1, 2, 3].map((m) => ({
        citizenId: id(i * 10 + m),
        disclosed: [{ scope: 'IDENTITY' as const, paths: [`citizen.household.members.${m}`] }],
        denied: [],
      })),
    ],
  };
}

interface Figures {
  form: string;
  inserts: number;
  store_cpu_ms_per_insert: number;
  client_cpu_ms_per_insert: number;
  ms_per_insert: number;
}

/** Per insert command, while `run` makes `inserts` of them. */
async function timed(form: string, storePid: number, inserts: number, run: () => Promise<void>): Promise<Figures> {
  const store0 = procCpuS(storePid);
  if (store0 === null) throw new Error('cannot read the store process CPU time from /proc');
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await run();
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const store1 = procCpuS(storePid);
  if (store1 === null) throw new Error('the store process is gone');
  const per = (x: number) => +(x / inserts).toFixed(2);
  return {
    form,
    inserts,
    store_cpu_ms_per_insert: per((store1 - store0) * 1000),
    client_cpu_ms_per_insert: per((cpu.user + cpu.system) / 1000),
    ms_per_insert: per(ms),
  };
}

interface Run {
  batches: number;
  batch: number;
}

/** The records through the audit writer (hashed, chained, synced): the form the hub writes. */
async function nested(w: AuditWriter, o: Run): Promise<void> {
  const before = w.writes;
  for (let b = 0; b < o.batches; b++) {
    await Promise.all(Array.from({ length: o.batch }, (_, k) => w.append(entry(b * o.batch + k))));
  }
  if (w.writes - before !== o.batches)
    throw new Error(`expected ${o.batches} insert commands, the writer made ${w.writes - before}`);
}

/** The same records, each as the canonical JSON its hash is taken over, in one string field. */
async function flat(coll: Collection<FlatDoc>, chain: string, o: Run): Promise<void> {
  let prev = '';
  for (let b = 0; b < o.batches; b++) {
    const docs = Array.from({ length: o.batch }, (_, k): FlatDoc => {
      const seq = b * o.batch + k + 1;
      const record = { ...entry(b * o.batch + k), _id: auditRecordId(chain, seq), chain, seq, prevHash: prev };
      const body = canonicalJSON(record);
      const hash = hashCanonical(prev, body);
      prev = hash;
      return { _id: record._id, chain, seq, hash, body };
    });
    await coll.insertMany(docs, { ordered: true, writeConcern: { w: 'majority', j: true } });
  }
}

interface FlatDoc {
  _id: string;
  chain: string;
  seq: number;
  hash: string;
  body: string;
}

async function measure(store: Store, storePid: number, o: Run): Promise<Figures[]> {
  // No tail pointer writes but the first and the last (they are not the records' cost).
  const opts = { citizenIndex: false, commitDelayMs: 0, maxBatch: o.batch, pointerIntervalMs: 3_600_000 };
  const rows: Figures[] = [];
  for (const round of [1, 2]) {
    const w = await AuditWriter.open(store, { ...opts, chain: `n${round}` });
    await nested(w, { batches: 20, batch: o.batch }); // warm: the collection exists, the code is compiled
    rows.push(await timed('nested record', storePid, o.batches, () => nested(w, o)));
    await w.close();
    const coll = store.hubDb.collection<FlatDoc>(`bench_flat_${round}`);
    await flat(coll, `w${round}`, { batches: 20, batch: o.batch });
    rows.push(await timed('one string', storePid, o.batches, () => flat(coll, `s${round}`, o)));
  }
  return rows;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { batches: { type: 'string', default: '800' }, batch: { type: 'string', default: '4' } },
  });
  const o = { batches: Number(values.batches), batch: Number(values.batch) };
  if (!Number.isInteger(o.batches) || o.batches < 1 || !Number.isInteger(o.batch) || o.batch < 1 || o.batch > 1000)
    throw new Error('--batches takes a positive whole number, --batch one from 1 to 1000');
  mkdirSync('.data', { recursive: true });
  const dir = mkdtempSync(join('.data', 'bench-store-writes-'));
  try {
    const db = await startLocalDb({ dataDir: dir, port: 0 });
    try {
      const store = await Store.connect({ uri: db.uri, dbPrefix: 'benchw_' });
      try {
        const rows = await measure(store, db.pid, o);
        console.log(`Synced audit inserts of ${o.batch} records each, one after another (embedded store)`);
        console.table(rows);
      } finally {
        await store.close();
      }
    } finally {
      await db.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
