/**
 * What the durable audit insert costs the embedded store, alone (no hub, no index, no load but
 * this): a store of its own in a temporary folder, an audit writer appending records shaped like
 * the all-papers query's (the citizen's eight documents and three household members' identity),
 * `--batch` at a time (one synced insert command each), one batch after another. Then the same
 * number of records, each stored as one string (its canonical JSON, the form its hash is taken
 * over) beside its `_id`, chain, sequence number and hashes: what a flatter record format would
 * cost the store. The two alternate twice; per insert command, the store's CPU, this process's
 * and the time are printed.
 *
 *   npm run bench:store-writes -- [--batches 800] [--batch 4]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Store } from '../store/connection';
import { startLocalDb } from '../store/localdb';
import { AuditWriter, type AuditEntry } from '../services/audit/writer';
import { auditRecordId, canonicalJSON, hashRecord } from '../services/audit/chain';
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

async function timed(form: string, storePid: number, inserts: number, run: () => Promise<void>): Promise<Figures> {
  const store0 = procCpuS(storePid);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await run();
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const store1 = procCpuS(storePid);
  if (store0 === null || store1 === null) throw new Error('cannot read the store process CPU time from /proc');
  const per = (x: number) => +(x / inserts).toFixed(2);
  return {
    form,
    inserts,
    store_cpu_ms_per_insert: per((store1 - store0) * 1000),
    client_cpu_ms_per_insert: per((cpu.user + cpu.system) / 1000),
    ms_per_insert: per(ms),
  };
}

/** The records through the audit writer (hashed, chained, synced): the form the hub writes. */
async function nested(store: Store, chain: string, o: { batches: number; batch: number }): Promise<void> {
  const w = await AuditWriter.open(store, { chain, citizenIndex: false, commitDelayMs: 0 });
  try {
    for (let b = 0; b < o.batches; b++) {
      await Promise.all(Array.from({ length: o.batch }, (_, k) => w.append(entry(b * o.batch + k))));
    }
    if (w.writes !== o.batches) throw new Error(`expected ${o.batches} insert commands, the writer made ${w.writes}`);
  } finally {
    await w.close();
  }
}

/** The same records, each as its canonical JSON in one string field. */
async function flat(store: Store, chain: string, o: { batches: number; batch: number }): Promise<void> {
  const coll = store.hubDb.collection<{ _id: string }>(`bench_flat_${chain}`);
  let prev = '';
  for (let b = 0; b < o.batches; b++) {
    const docs = Array.from({ length: o.batch }, (_, k) => {
      const seq = b * o.batch + k + 1;
      const record = { ...entry(seq), _id: auditRecordId(chain, seq), chain, seq, prevHash: prev };
      const hash = hashRecord(prev, record);
      prev = hash;
      const { _id, at, prevHash, ...body } = record;
      return { _id, chain, seq, at, prevHash, hash, body: canonicalJSON(body) };
    });
    await coll.insertMany(docs, { ordered: true, writeConcern: { w: 'majority', j: true } });
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { batches: { type: 'string', default: '800' }, batch: { type: 'string', default: '4' } },
  });
  const o = { batches: Number(values.batches), batch: Number(values.batch) };
  if (!Number.isInteger(o.batches) || o.batches < 1 || !Number.isInteger(o.batch) || o.batch < 1)
    throw new Error('--batches and --batch take positive whole numbers');
  const dir = mkdtempSync(join(tmpdir(), 'hub-bench-store-writes-'));
  const db = await startLocalDb({ dataDir: dir, port: 0 });
  const store = await Store.connect({ uri: db.uri, dbPrefix: 'benchw_' });
  try {
    await nested(store, 'warm-up', { batches: 50, batch: o.batch });
    const rows: Figures[] = [];
    for (const round of [1, 2]) {
      rows.push(await timed('nested record', db.pid, o.batches, () => nested(store, `n${round}`, o)));
      rows.push(await timed('one string', db.pid, o.batches, () => flat(store, `s${round}`, o)));
    }
    console.log(`Synced audit inserts of ${o.batch} records each, one after another (embedded store)`);
    console.table(rows);
  } finally {
    await store.close();
    await db.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
