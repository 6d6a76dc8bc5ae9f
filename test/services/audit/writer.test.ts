import { expect } from '@jest/globals';
import { Store } from '../../../store/connection';
import { auditRecordId, hashRecord } from '../../../services/audit/chain';
import {
  AUDIT_CHAINS_COLLECTION,
  AuditWriteError,
  AuditWriter,
  TAIL_PREFIX,
  type AuditEntry,
  type AuditLogger,
} from '../../../services/audit/writer';
import { verifyAuditChain } from '../../../services/audit/verify';
import { InvalidCursorError, accessLogCollection, readAccessLog } from '../../../services/audit/access-log';
import { legacyAccessLogCollection } from '../../../services/audit/access-log-legacy';
import type { AuditRecordDoc } from '../../../services/audit/model';

const PREFIX = 'audit_';
let store: Store;

const quiet: AuditLogger = { warn: () => undefined, error: () => undefined };

function connect(): Promise<Store> {
  const uri = process.env.MONGODB_URI;
  if (!uri) throw new Error('MONGODB_URI is not set: run through jest');
  return Store.connect({ uri, dbPrefix: PREFIX, maxPoolSize: 16 });
}

beforeAll(async () => {
  store = await connect();
  await store.hubDb.dropDatabase();
});
afterAll(async () => {
  await store.hubDb.dropDatabase();
  await store.close();
});

function entry(i: number, over: Partial<AuditEntry> = {}): AuditEntry {
  return {
    at: new Date(Date.UTC(2025, 5, 1, 8, 0, 0) + i * 1000),
    requestId: `req-${i}`,
    operation: 'CitizenQuery',
    actor: {
      kind: 'CLIENT',
      id: 'dvc',
      clientId: 'dvc',
      clientName: 'Cổng DVC',
      consentId: 'cons-1',
      purpose: '1.001',
      dossierRef: `HS-${i}`,
    },
    citizens: [
      {
        citizenId: '001095000001',
        disclosed: [{ scope: 'IDENTITY', paths: ['citizen.identity.fullName'] }],
        denied: [{ scope: 'HEALTH_RECORD', path: 'citizen.healthRecord', reason: 'NOT_CONSENTED' }],
      },
    ],
    ...over,
  };
}

const records = (chain: string) =>
  store.hubDb
    .collection<AuditRecordDoc>('audit')
    .find({ chain })
    .toArray()
    .then((a) => a.sort((x, y) => x.seq - y.seq));

async function chainReport(chain: string) {
  const r = await verifyAuditChain(store, { chain });
  expect(r.chains).toHaveLength(1);
  return r.chains[0];
}

async function writeChain(chain: string, n: number): Promise<AuditWriter> {
  const w = await AuditWriter.open(store, { chain, logger: quiet });
  for (let i = 1; i <= n; i++) await w.append(entry(i));
  await w.flush();
  return w;
}

describe('AuditWriter', () => {
  it('appends sequentially: contiguous seqs, linked hashes, one write per append, verifies', async () => {
    const w = await AuditWriter.open(store, { chain: 'seq', logger: quiet });
    const out: AuditRecordDoc[] = [];
    for (let i = 1; i <= 5; i++) out.push(await w.append(entry(i)));
    await w.close();
    expect(out.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(out[0]._id).toBe('seq:000000000001');
    expect(out[0].prevHash).toBe('');
    for (let i = 1; i < 5; i++) expect(out[i].prevHash).toBe(out[i - 1].hash);
    expect(w.writes).toBe(5);
    expect(w.records).toBe(5);
    const stored = await records('seq');
    expect(stored.map((r) => r.hash)).toEqual(out.map((r) => r.hash));
    // What was stored hashes to what was returned (no undefined -> null drift).
    for (const r of stored) expect(hashRecord(r.prevHash, r)).toBe(r.hash);
    expect(await chainReport('seq')).toEqual({ chain: 'seq', records: 5 });
    const tail = await store.hubDb.collection(AUDIT_CHAINS_COLLECTION).findOne({ _id: TAIL_PREFIX + 'seq' } as object);
    expect(tail).toMatchObject({ seq: 5, hash: out[4].hash });
  });

  it('group-commits 200 concurrent appends in a handful of writes, in arrival order', async () => {
    const w = await AuditWriter.open(store, { chain: 'conc', logger: quiet });
    const out = await Promise.all(Array.from({ length: 200 }, (_, i) => w.append(entry(i + 1))));
    await w.close();
    expect(out.map((r) => r.requestId)).toEqual(Array.from({ length: 200 }, (_, i) => `req-${i + 1}`));
    expect(out.map((r) => r.seq)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    expect(w.writes).toBeLessThanOrEqual(3);
    const stored = await records('conc');
    expect(stored).toHaveLength(200);
    expect(new Set(stored.map((r) => r._id)).size).toBe(200);
    expect(stored.map((r) => r.seq)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    expect(await chainReport('conc')).toEqual({ chain: 'conc', records: 200 });
  });

  it('batches appends that arrive while a write is in flight (waves), respecting maxBatch', async () => {
    const w = await AuditWriter.open(store, { chain: 'waves', maxBatch: 64, logger: quiet });
    const all: Promise<AuditRecordDoc>[] = [];
    for (let wave = 0; wave < 30; wave++) {
      for (let i = 0; i < 10; i++) all.push(w.append(entry(wave * 10 + i + 1)));
      await new Promise((r) => setTimeout(r, 1));
    }
    const out = await Promise.all(all);
    await w.close();
    expect(out.map((r) => r.seq)).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
    expect(w.writes).toBeLessThan(30);
    expect(w.writes).toBeGreaterThanOrEqual(Math.ceil(300 / 64));
    expect(await chainReport('waves')).toEqual({ chain: 'waves', records: 300 });
    console.log(
      `audit group commit: 300 appends in 30 waves -> ${w.writes} record writes, ${w.sideWrites} background writes`,
    );
  });

  it('splits a batch larger than insertCommandChars into ordered insert commands, one chain', async () => {
    // Each record's canonical JSON is about 550 characters: at most three to a 2,000-character command.
    const w = await AuditWriter.open(store, { chain: 'split', insertCommandChars: 2_000, logger: quiet });
    const out = await Promise.all(Array.from({ length: 20 }, (_, i) => w.append(entry(i + 1))));
    await w.close();
    expect(out.map((r) => r.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(w.writes).toBeGreaterThanOrEqual(7);
    expect((await records('split')).map((r) => r.requestId)).toEqual(out.map((r) => r.requestId));
    expect(await chainReport('split')).toEqual({ chain: 'split', records: 20 });
  });

  it('a restarted writer with the same chain id continues the chain', async () => {
    const a = await writeChain('restart', 3);
    await a.close();
    const b = await AuditWriter.open(store, { chain: 'restart', logger: quiet });
    expect(b.lastSeq).toBe(3);
    expect(b.lastHash).toBe(a.lastHash);
    const r = await b.append(entry(4));
    await b.close();
    expect(r.seq).toBe(4);
    expect(r.prevHash).toBe(a.lastHash);
    expect(await chainReport('restart')).toEqual({ chain: 'restart', records: 4 });
  });

  it('finds the true tail when records lie beyond the tail pointer (pointer lost or stale)', async () => {
    const a = await writeChain('gallop', 37);
    await a.close();
    const chains = store.hubDb.collection(AUDIT_CHAINS_COLLECTION);
    await chains.deleteOne({ _id: TAIL_PREFIX + 'gallop' } as object);
    const b = await AuditWriter.open(store, { chain: 'gallop', logger: quiet });
    expect(b.lastSeq).toBe(37);
    expect(b.lastHash).toBe(a.lastHash);
    await b.close();
    const first = (await records('gallop'))[0];
    await chains.updateOne(
      { _id: TAIL_PREFIX + 'gallop' } as object,
      { $set: { seq: 1, hash: first.hash } },
      { upsert: true },
    );
    const c = await AuditWriter.open(store, { chain: 'gallop', logger: quiet });
    expect(c.lastSeq).toBe(37);
    expect((await c.append(entry(38))).seq).toBe(38);
    await c.close();
    expect(await chainReport('gallop')).toEqual({ chain: 'gallop', records: 38 });
  });

  it('a failed write rejects every append of its batch and does not advance the chain', async () => {
    const w = await AuditWriter.open(store, { chain: 'fail', logger: quiet });
    await w.append(entry(1));
    const spy = jest.spyOn(w, 'insertRecords').mockRejectedValueOnce(new Error('store down'));
    const batch = await Promise.allSettled([w.append(entry(2)), w.append(entry(3)), w.append(entry(4))]);
    expect(batch.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    for (const r of batch) expect((r as PromiseRejectedResult).reason).toBeInstanceOf(AuditWriteError);
    expect(w.failedWrites).toBe(1);
    expect(w.lastSeq).toBe(1);
    spy.mockRestore();
    const next = await w.append(entry(5));
    expect(next.seq).toBe(2);
    expect(next.requestId).toBe('req-5');
    await w.close();
    expect((await records('fail')).map((r) => r.requestId)).toEqual(['req-1', 'req-5']);
    expect(await chainReport('fail')).toEqual({ chain: 'fail', records: 2 });
  });

  it('after a partially applied failed batch the next batch continues after what landed (no gap, no duplicate)', async () => {
    const w = await AuditWriter.open(store, { chain: 'partial', logger: quiet });
    await w.append(entry(1));
    const real = w.insertRecords.bind(w);
    const spy = jest.spyOn(w, 'insertRecords').mockImplementationOnce(async (docs, sizes) => {
      await real(docs.slice(0, 1), sizes.slice(0, 1));
      throw new Error('connection reset');
    });
    const batch = await Promise.allSettled([w.append(entry(2)), w.append(entry(3))]);
    expect(batch.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    spy.mockRestore();
    const next = await w.append(entry(4));
    expect(next.seq).toBe(3);
    await w.close();
    expect((await records('partial')).map((r) => r.seq)).toEqual([1, 2, 3]);
    expect(await chainReport('partial')).toEqual({ chain: 'partial', records: 3 });
  });

  it('a duplicate _id in a later insert command of a batch: the batch rejects, the chain goes on after what landed', async () => {
    const w = await AuditWriter.open(store, { chain: 'dup-mid', insertCommandChars: 1_200, logger: quiet });
    await w.append(entry(1));
    // Another process wrote seq 5 (the second command of the next batch: two records per command).
    await store.hubDb.collection('audit').insertOne({ _id: auditRecordId('dup-mid', 5) } as never);
    const batch = await Promise.allSettled([2, 3, 4, 5, 6, 7].map((i) => w.append(entry(i))));
    expect(batch.every((r) => r.status === 'rejected')).toBe(true);
    await store.hubDb.collection('audit').deleteOne({ _id: auditRecordId('dup-mid', 5) } as never);
    const next = await w.append(entry(8));
    expect(next.seq).toBe(5);
    await w.close();
    expect((await records('dup-mid')).map((r) => r.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(await chainReport('dup-mid')).toEqual({ chain: 'dup-mid', records: 5 });
  });

  it('rejects appends when its store client is closed (nothing durable, caller must not disclose)', async () => {
    const s2 = await connect();
    const w = await AuditWriter.open(s2, { chain: 'closed', logger: quiet });
    await w.append(entry(1));
    await w.flush();
    await s2.close();
    await expect(w.append(entry(2))).rejects.toBeInstanceOf(AuditWriteError);
    await w.close();
    // Another process continues the chain consistently.
    const w2 = await AuditWriter.open(store, { chain: 'closed', logger: quiet });
    expect((await w2.append(entry(3))).seq).toBe(2);
    await w2.close();
    expect(await chainReport('closed')).toEqual({ chain: 'closed', records: 2 });
  });

  it('two writers sharing a chain id never fork it (unique _id), they re-sync instead', async () => {
    const a = await AuditWriter.open(store, { chain: 'shared', logger: quiet });
    const b = await AuditWriter.open(store, { chain: 'shared', logger: quiet });
    await a.append(entry(1));
    await expect(b.append(entry(2))).rejects.toBeInstanceOf(AuditWriteError); // seq 1 taken
    expect((await b.append(entry(3))).seq).toBe(2);
    await a.close();
    await b.close();
    expect(await chainReport('shared')).toEqual({ chain: 'shared', records: 2 });
  });
});

describe('verifyAuditChain', () => {
  const audit = () => store.hubDb.collection<AuditRecordDoc>('audit');

  it('detects an edited record and reports its seq', async () => {
    await (await writeChain('v-edit', 10)).close();
    await audit().updateOne({ _id: auditRecordId('v-edit', 5) }, { $set: { 'actor.purpose': 'something else' } });
    expect(await chainReport('v-edit')).toMatchObject({
      records: 10,
      firstBrokenSeq: 5,
      problem: expect.stringMatching(/hash mismatch/),
    });
  });

  it('detects an edited record whose hash was recomputed, at the next link', async () => {
    await (await writeChain('v-rehash', 10)).close();
    const r = (await audit().findOne({ _id: auditRecordId('v-rehash', 5) }))!;
    const edited = { ...r, requestId: 'forged' };
    edited.hash = hashRecord(edited.prevHash, edited);
    await audit().replaceOne({ _id: r._id }, edited);
    expect(await chainReport('v-rehash')).toMatchObject({
      firstBrokenSeq: 6,
      problem: expect.stringMatching(/prevHash/),
    });
  });

  it('detects a removed record', async () => {
    await (await writeChain('v-rm', 10)).close();
    await audit().deleteOne({ _id: auditRecordId('v-rm', 4) });
    expect(await chainReport('v-rm')).toMatchObject({
      records: 9,
      firstBrokenSeq: 4,
      problem: expect.stringMatching(/missing/),
    });
  });

  it('detects records removed at the tail through the tail pointer', async () => {
    await (await writeChain('v-tail', 10)).close();
    await audit().deleteMany({ _id: { $in: [auditRecordId('v-tail', 9), auditRecordId('v-tail', 10)] } });
    expect(await chainReport('v-tail')).toMatchObject({
      records: 8,
      firstBrokenSeq: 9,
      problem: expect.stringMatching(/tail/),
    });
  });

  it('detects two swapped records (whole documents, or their contents)', async () => {
    await (await writeChain('v-swap', 10)).close();
    const r3 = (await audit().findOne({ _id: auditRecordId('v-swap', 3) }))!;
    const r4 = (await audit().findOne({ _id: auditRecordId('v-swap', 4) }))!;
    const { _id: id3, ...body3 } = r3;
    const { _id: id4, ...body4 } = r4;
    await audit().replaceOne({ _id: id3 }, body4);
    await audit().replaceOne({ _id: id4 }, body3);
    expect(await chainReport('v-swap')).toMatchObject({ firstBrokenSeq: 3 });

    await (await writeChain('v-swap2', 10)).close();
    const s3 = (await audit().findOne({ _id: auditRecordId('v-swap2', 3) }))!;
    const s4 = (await audit().findOne({ _id: auditRecordId('v-swap2', 4) }))!;
    const content = (r: AuditRecordDoc) => ({ at: r.at, requestId: r.requestId, actor: r.actor, citizens: r.citizens });
    await audit().updateOne({ _id: s3._id }, { $set: content(s4) });
    await audit().updateOne({ _id: s4._id }, { $set: content(s3) });
    expect(await chainReport('v-swap2')).toMatchObject({
      firstBrokenSeq: 3,
      problem: expect.stringMatching(/hash mismatch/),
    });
  });

  it('detects a record inserted with a foreign chain/seq', async () => {
    await (await writeChain('v-foreign', 6)).close();
    const r2 = (await audit().findOne({ _id: auditRecordId('v-foreign', 2) }))!;
    await audit().insertOne({ ...r2, _id: 'elsewhere:000000000002' });
    expect(await chainReport('v-foreign')).toMatchObject({ records: 7, firstBrokenSeq: 2 });
  });

  it('reports every chain, only broken ones as broken', async () => {
    const r = await verifyAuditChain(store);
    expect(r.ok).toBe(false);
    const byChain = new Map(r.chains.map((c) => [c.chain, c]));
    expect(byChain.get('conc')).toEqual({ chain: 'conc', records: 200 });
    expect(byChain.get('v-edit')?.firstBrokenSeq).toBe(5);
  });
});

describe('access log', () => {
  const citizen = '001095777777';
  const read = (
    i: number,
    actor: AuditEntry['actor'],
    disclosed: AuditEntry['citizens'][number]['disclosed'],
    id = citizen,
  ): AuditEntry => entry(i, { actor, citizens: [{ citizenId: id, disclosed, denied: [] }] });

  it('lists who read the citizen’s data, newest first, paged by cursor', async () => {
    const w = await AuditWriter.open(store, { chain: 'alog', logger: quiet });
    const client = {
      kind: 'CLIENT' as const,
      id: 'bank',
      clientId: 'bank',
      clientName: 'Ngân hàng A',
      purpose: 'KYC',
      dossierRef: 'HS-9',
      consentId: 'c9',
    };
    const officer = { kind: 'OFFICER' as const, id: 'o1', officerUnit: 'Công an phường X' };
    await Promise.all([
      w.append(
        read(1, client, [
          { scope: 'IDENTITY', paths: ['a'] },
          { scope: 'RESIDENCE', paths: ['b', 'c'] },
        ]),
      ),
      w.append(read(2, officer, [{ scope: 'IDENTITY', paths: ['a'] }])),
      // not listed: the citizen's own read, a request where everything was denied, another citizen
      w.append(read(3, { kind: 'CITIZEN', id: citizen }, [{ scope: 'IDENTITY', paths: ['a'] }])),
      w.append(read(4, client, [])),
      w.append(read(5, client, [{ scope: 'FAMILY', paths: ['f'] }], '001095888888')),
    ]);
    await w.append(read(6, client, [{ scope: 'DRIVING_LICENCE', paths: ['d'] }]));
    await w.append(read(7, officer, [{ scope: 'IDENTITY', paths: ['a'] }]));
    await w.flush();

    const p1 = await readAccessLog(store, citizen, { first: 2 });
    expect(p1.entries.map((e) => e.requestId)).toEqual(['req-7', 'req-6']);
    expect(p1.hasNextPage).toBe(true);
    expect(p1.entries[0]).toMatchObject({
      actorKind: 'OFFICER',
      officerUnit: 'Công an phường X',
      documents: ['IDENTITY'],
    });
    expect(p1.entries[1]).toMatchObject({
      actorKind: 'CLIENT',
      clientName: 'Ngân hàng A',
      purpose: 'KYC',
      dossierRef: 'HS-9',
      documents: ['DRIVING_LICENCE'],
    });
    expect(p1.entries[0].at).toBeInstanceOf(Date);
    const p2 = await readAccessLog(store, citizen, { first: 2, after: p1.endCursor });
    expect(p2.entries.map((e) => e.requestId)).toEqual(['req-2', 'req-1']);
    expect(p2.entries[1].documents).toEqual(['IDENTITY', 'RESIDENCE']);
    expect(p2.hasNextPage).toBe(false);
    const p3 = await readAccessLog(store, citizen, { first: 2, after: p2.endCursor });
    expect(p3).toEqual({ entries: [], hasNextPage: false, endCursor: null });
    expect((await readAccessLog(store, '001095888888')).entries.map((e) => e.requestId)).toEqual(['req-5']);
    expect(await readAccessLog(store, 'nobody')).toEqual({ entries: [], hasNextPage: false, endCursor: null });
    await expect(readAccessLog(store, citizen, { after: 'garbage' })).rejects.toBeInstanceOf(InvalidCursorError);
    // A well-formed cursor whose time is no date (beyond ±8.64e15 ms) is refused the same way, not a 500.
    const forged = Buffer.from(JSON.stringify(['al1', Number.MAX_SAFE_INTEGER, 'x', 1])).toString('base64url');
    await expect(readAccessLog(store, citizen, { after: forged })).rejects.toBeInstanceOf(InvalidCursorError);
    // A second writer (another hub process) adds to the same citizen's log.
    const w2 = await AuditWriter.open(store, { chain: 'alog2', logger: quiet });
    await w2.append(read(8, client, [{ scope: 'IDENTITY', paths: ['a'] }]));
    await w2.close();
    await w.close();
    expect((await readAccessLog(store, citizen, { first: 1 })).entries[0]).toMatchObject({
      requestId: 'req-8',
      chain: 'alog2',
    });
  });

  it('keeps only the newest entries per citizen', async () => {
    const w = await AuditWriter.open(store, { chain: 'alog-max', accessLogMax: 5, logger: quiet });
    const actor = { kind: 'CLIENT' as const, clientId: 'x', clientName: 'X' };
    for (let i = 1; i <= 4; i++) await w.append(read(i, actor, [{ scope: 'IDENTITY', paths: ['a'] }], '001095999999'));
    await Promise.all(
      Array.from({ length: 6 }, (_, k) =>
        w.append(read(5 + k, actor, [{ scope: 'IDENTITY', paths: ['a'] }], '001095999999')),
      ),
    );
    await w.close();
    // One document per entry, none beyond the bound (5 + slack 1).
    const kept = await accessLogCollection(store).countDocuments({
      _id: { $gte: '001095999999|', $lt: '001095999999|:' },
    });
    expect([5, 6]).toContain(kept);
    const page = await readAccessLog(store, '001095999999', { first: 100 });
    expect(page.entries).toHaveLength(kept);
    expect(page.entries.map((e) => e.requestId).slice(0, 5)).toEqual(['req-10', 'req-9', 'req-8', 'req-7', 'req-6']);
  });

  it('pages across entries (one small document each) and reads the older layouts', async () => {
    const id = '001095666666';
    const w = await AuditWriter.open(store, { chain: 'alog-hours', logger: quiet });
    const actor = { kind: 'CLIENT' as const, clientId: 'x', clientName: 'X' };
    // Ten reads, one every 5 minutes: five buckets of ten minutes.
    for (let i = 0; i < 10; i++) {
      await w.append({
        ...read(i, actor, [{ scope: 'IDENTITY', paths: ['a'] }], id),
        at: new Date(Date.UTC(2025, 6, 1, 8, 5 * i)),
      });
    }
    await w.close();
    // One document per entry, its `_id` the citizen, the time, the chain and the seq.
    const docs = await accessLogCollection(store)
      .find({ _id: { $gte: `${id}|`, $lt: `${id}|:` } })
      .toArray();
    expect(docs.map((d) => d._id).sort()[0]).toBe(`${id}|${Date.UTC(2025, 6, 1, 8, 0)}|alog-hours|1`);
    expect(docs).toHaveLength(10);
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const p = await readAccessLog(store, id, { first: 3, after });
      seen.push(...p.entries.map((e) => e.requestId));
      if (!p.hasNextPage) break;
      after = p.endCursor;
    }
    expect(seen).toEqual(['req-9', 'req-8', 'req-7', 'req-6', 'req-5', 'req-4', 'req-3', 'req-2', 'req-1', 'req-0']);
    const legacy = (await readAccessLog(store, id, { first: 1 })).entries[0];
    // The layouts before entries, no longer written: ten-minute buckets with a head listing them,
    // before them hour documents, and a head of the first layout holding entries (an entry written
    // in both layouts, by a pass cut short across the upgrade, is listed once): all still read, in order.
    const coll = legacyAccessLogCollection(store);
    await coll.insertOne({
      _id: `${id}|20250701080`,
      e: [{ ...legacy, requestId: 'req-0', chain: 'alog-hours', seq: 1, at: new Date(Date.UTC(2025, 6, 1, 8, 0)) }],
    });
    await coll.insertOne({
      _id: `${id}|2025070107`,
      e: [
        { ...legacy, requestId: 'hour-1', at: new Date(Date.UTC(2025, 6, 1, 7, 10)) },
        { ...legacy, requestId: 'hour-2', at: new Date(Date.UTC(2025, 6, 1, 7, 50)) },
      ],
    });
    await coll.insertOne({
      _id: id,
      h: { '20250701080': 1, '2025070107': 2 },
      entries: [{ ...legacy, requestId: 'old-1', at: new Date(Date.UTC(2024, 0, 1)) }],
      n: 1,
    });
    const all = await readAccessLog(store, id, { first: 100 });
    expect(all.entries.map((e) => e.requestId)).toEqual([...seen, 'hour-2', 'hour-1', 'old-1']);
    const paged: string[] = [];
    after = null;
    for (;;) {
      const p = await readAccessLog(store, id, { first: 4, after });
      paged.push(...p.entries.map((e) => e.requestId));
      if (!p.hasNextPage) break;
      after = p.endCursor;
    }
    expect(paged).toEqual(all.entries.map((e) => e.requestId));
  });

  it('indexes a batch touching many citizens (more than one bulkWrite command), twice', async () => {
    const w = await AuditWriter.open(store, { chain: 'alog-many', logger: quiet });
    const actor = { kind: 'CLIENT' as const, clientId: 'x', clientName: 'X' };
    const ids = Array.from({ length: 150 }, (_, i) => `0790${String(i).padStart(8, '0')}`);
    for (const round of [0, 1]) {
      await Promise.all(
        ids.map((id, i) => w.append(read(round * 1000 + i, actor, [{ scope: 'IDENTITY', paths: ['a'] }], id))),
      );
      await w.flush();
    }
    await w.close();
    expect(w.writes).toBeLessThanOrEqual(4);
    for (const id of [ids[0], ids[99], ids[149]]) {
      const page = await readAccessLog(store, id);
      expect(page.entries).toHaveLength(2);
    }
  });
});
