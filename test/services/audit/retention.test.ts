/**
 * Audit retention (services/audit/retention.ts, Decree 69/2024 Art. 28: 5 years) on the real store
 * with a clock the test controls: an expired month is removed behind a signed checkpoint, the
 * month not yet expired is kept, the chain verifies from the checkpoint (also with
 * `npm run audit:verify`), a tampered or missing checkpoint is detected, a broken chain is not
 * swept, the access log loses the same months, and a writer reopened on a swept chain goes on.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { readAccessLog } from '../../../services/audit/access-log';
import {
  readCheckpoints,
  retentionCutoff,
  sweepAuditRetention,
  type CheckpointDoc,
} from '../../../services/audit/retention';
import { verifyAuditChain } from '../../../services/audit/verify';
import {
  AUDIT_CHAINS_COLLECTION,
  AUDIT_CHECKPOINTS_COLLECTION,
  AUDIT_COLLECTION,
  AuditWriter,
  TAIL_PREFIX,
  type AuditEntry,
} from '../../../services/audit/writer';
import type { Store } from '../../../store/connection';
import { connectTestStore } from '../../support/hub';
import { testKeys } from '../../support/keys';
import { containing, matching } from '../../support/matchers';

const run = promisify(execFile);
const PREFIX = 'aret_';
const keys = testKeys();
const hubKeys = new Map([[keys.tokenService.kid, keys.tokenService.publicKey]]);
const vn = (s: string) => new Date(`${s}+07:00`);
const CITIZEN = '001095000042';
const quiet = { warn: () => undefined, error: () => undefined, info: () => undefined };

let store: Store;

function entry(at: Date, i: number): AuditEntry {
  return {
    at,
    requestId: `req-${i}`,
    operation: 'CitizenQuery',
    actor: { kind: 'CLIENT', id: 'dvc', clientId: 'dvc', clientName: 'Cổng DVC', consentId: 'c1', purpose: '1.001' },
    citizens: [{ citizenId: CITIZEN, disclosed: [{ scope: 'IDENTITY', paths: ['citizen.fullName'] }], denied: [] }],
  };
}

async function writeChain(chain: string, times: string[]): Promise<AuditWriter> {
  const w = await AuditWriter.open(store, { chain, logger: quiet });
  for (const [i, t] of times.entries()) await w.append(entry(vn(t), i));
  await w.flush();
  return w;
}

const sweep = (now: string, writer?: AuditWriter) =>
  sweepAuditRetention(store, {
    now: vn(now),
    years: 5,
    key: keys.tokenService,
    issuer: 'urn:vn-papers-hub',
    writer,
    logger: quiet,
  });

const verify = async (chain: string, k: ReadonlyMap<string, never> | typeof hubKeys = hubKeys) =>
  (await verifyAuditChain(store, { chain, keys: k })).chains[0];

const checkpoints = () => store.hubDb.collection<CheckpointDoc>(AUDIT_CHECKPOINTS_COLLECTION);

beforeAll(async () => {
  store = await connectTestStore(PREFIX);
  await store.hubDb.dropDatabase();
  await store.indexDb.dropDatabase();
});

afterAll(async () => {
  await store.close();
});

describe('retention of 5 years, month by month', () => {
  let writer: AuditWriter;

  beforeAll(async () => {
    writer = await writeChain('ret-a', [
      '2020-12-10T09:00:00',
      '2021-01-15T09:00:00',
      '2021-02-28T23:30:00', // the last half hour of February, Vietnam time (16:30 UTC)
      '2021-03-31T23:00:00',
      '2025-06-01T09:00:00',
    ]);
  });

  it('a record expires with its month, 5 years on', () => {
    expect(retentionCutoff(vn('2026-03-31T23:00:00'), 5)).toEqual(vn('2021-03-01T00:00:00'));
    expect(retentionCutoff(vn('2026-04-01T00:30:00'), 5)).toEqual(vn('2021-04-01T00:00:00'));
  });

  it('removes the expired months behind a signed checkpoint and keeps the month not yet expired', async () => {
    const r = await sweep('2026-03-31T23:00:00', writer);
    expect(r.chains).toEqual([{ chain: 'ret-a', removed: 3, checkpoint: 1 }]);
    const left = await store.hubDb.collection<{ seq: number }>(AUDIT_COLLECTION).find({ chain: 'ret-a' }).toArray();
    expect(left.map((d) => d.seq).sort()).toEqual([4, 5]);
    const [cp] = (await readCheckpoints(store, 'ret-a')).get('ret-a')!;
    expect(cp).toMatchObject({
      _id: 'ret-a#1',
      n: 1,
      periodFrom: null,
      periodTo: '2021-02-28T17:00:00.000Z',
      firstSeq: 1,
      lastSeq: 3,
      count: 3,
      prev: '',
      retentionYears: 5,
    });
    expect(await verify('ret-a')).toEqual({ chain: 'ret-a', records: 2, removedThrough: 3 });
    // The access log lost the same months.
    const log = await readAccessLog(store, CITIZEN, { first: 100 });
    expect(log.entries.map((e) => e.at.toISOString())).toEqual([
      vn('2025-06-01T09:00:00').toISOString(),
      vn('2021-03-31T23:00:00').toISOString(),
    ]);
  });

  it('sweeping again at the same time changes nothing; the next month goes once it has expired', async () => {
    expect((await sweep('2026-03-31T23:30:00')).chains).toEqual([]);
    const r = await sweep('2026-04-01T00:30:00', writer);
    expect(r.chains).toEqual([{ chain: 'ret-a', removed: 1, checkpoint: 2 }]);
    const cps = (await readCheckpoints(store, 'ret-a')).get('ret-a')!;
    expect(cps[1]).toMatchObject({ periodFrom: '2021-02-28T17:00:00.000Z', firstSeq: 4, lastSeq: 4, count: 1 });
    expect(await verify('ret-a')).toEqual({ chain: 'ret-a', records: 1, removedThrough: 4 });
    // The writer goes on after the removed records.
    await writer.append(entry(vn('2026-04-01T01:00:00'), 9));
    await writer.flush();
    expect(await verify('ret-a')).toEqual({ chain: 'ret-a', records: 2, removedThrough: 4 });
  });

  it('a tampered, missing or unverifiable checkpoint breaks the chain', async () => {
    const original = (await checkpoints().findOne({ _id: 'ret-a#1' }))!;
    await checkpoints().updateOne({ _id: 'ret-a#1' }, { $set: { count: 2, lastSeq: 2 } });
    expect(await verify('ret-a')).toMatchObject({
      problem: matching(/^checkpoint 1: its lastSeq differs/),
    });
    // A re-signed statement from a key the hub does not hold.
    const forged = { ...original, jws: original.jws.replace(/\.[^.]+$/, '.AAAA') };
    await checkpoints().replaceOne({ _id: 'ret-a#1' }, forged);
    expect(await verify('ret-a')).toMatchObject({ problem: 'checkpoint 1: bad signature (tampered?)' });
    await checkpoints().replaceOne({ _id: 'ret-a#1' }, original);
    expect((await verify('ret-a')).problem).toBeUndefined();

    const second = (await checkpoints().findOne({ _id: 'ret-a#2' }))!;
    await checkpoints().deleteOne({ _id: 'ret-a#2' });
    expect(await verify('ret-a')).toMatchObject({
      firstBrokenSeq: 4,
      problem: matching(/record missing/),
    });
    await checkpoints().insertOne(second);
    expect(await verify('ret-a', new Map())).toMatchObject({
      problem: matching(/without the hub's public keys/),
    });
    expect((await verify('ret-a')).problem).toBeUndefined();
  });

  it('npm run audit:verify checks the checkpoints with the hub key and exits 1 on a tampered one', async () => {
    const env = { ...process.env, HUB_DB_PREFIX: PREFIX, HUB_KEYS_DIR: keys.keysDir };
    const args = [require.resolve('tsx/cli'), join(__dirname, '../../../scripts/audit-verify.ts'), '--chain', 'ret-a'];
    const ok = await run(process.execPath, args, { env });
    expect(ok.stdout).toContain('chain ret-a: 2 records (seqs 1..4 removed by retention, checkpointed), OK');
    await checkpoints().updateOne({ _id: 'ret-a#2' }, { $set: { lastHash: '0'.repeat(64) } });
    await expect(run(process.execPath, args, { env })).rejects.toMatchObject({
      code: 1,
      stdout: containing('BROKEN'),
    });
  }, 60_000);
});

describe('what is not swept', () => {
  it('a chain that does not verify is reported and nothing of it removed', async () => {
    await writeChain('ret-b', ['2020-01-05T09:00:00', '2020-02-05T09:00:00', '2025-01-01T09:00:00']);
    await store.hubDb
      .collection(AUDIT_COLLECTION)
      .updateOne({ _id: 'ret-b:000000000002' as never }, { $set: { operation: 'Edited' } });
    const r = await sweep('2026-03-31T23:00:00');
    expect(r.chains.find((c) => c.chain === 'ret-b')).toEqual({
      chain: 'ret-b',
      removed: 0,
      problem: 'the chain does not verify at seq 2: nothing removed',
    });
    expect(await store.hubDb.collection(AUDIT_COLLECTION).countDocuments({ chain: 'ret-b' })).toBe(3);
    expect((await readCheckpoints(store, 'ret-b')).get('ret-b')).toBeUndefined();
  });

  it('a chain wholly expired goes on from its checkpoint when its writer reopens, tail pointer lost', async () => {
    await writeChain('ret-c', ['2019-05-05T09:00:00', '2019-06-05T09:00:00']);
    const r = await sweep('2026-03-31T23:00:00');
    expect(r.chains.find((c) => c.chain === 'ret-c')).toEqual({ chain: 'ret-c', removed: 2, checkpoint: 1 });
    expect(await verify('ret-c')).toEqual({ chain: 'ret-c', records: 0, removedThrough: 2 });
    await store.hubDb.collection(AUDIT_CHAINS_COLLECTION).deleteOne({ _id: `${TAIL_PREFIX}ret-c` as never });
    const w = await AuditWriter.open(store, { chain: 'ret-c', logger: quiet });
    const rec = await w.append(entry(vn('2026-04-01T09:00:00'), 1));
    await w.close();
    expect(rec.seq).toBe(3);
    expect(await verify('ret-c')).toEqual({ chain: 'ret-c', records: 1, removedThrough: 2 });
  });
});
