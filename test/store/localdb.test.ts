import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Binary, Int32, Long, ObjectId, Timestamp } from 'mongodb';
import { seed } from '../../mockdata/seed/index';
import { startLocalDb } from '../../store/localdb';
import { Store } from '../../store/connection';
import { connectTestStore } from '../support/hub';

let store: Store;
beforeAll(async () => {
  store = await connectTestStore();
});
afterAll(() => store.close());

describe('embedded store', () => {
  it('is FerretDB unless MONGODB_URI points elsewhere, and picks the lookup strategy from it', () => {
    expect(store.lookupStrategy).toBe(store.isFerretDb ? 'parallel' : 'in');
  });

  it('answers an _id lookup through an index, not a table scan', async () => {
    if (!store.isFerretDb) return; // a real MongoDB always uses its _id index
    const explain = await store.db('pop').command({ explain: { find: 'congDan', filter: { _id: '001095012345' } } });
    const plan = JSON.stringify(explain.queryPlanner);
    expect(plan).toMatch(/USING INDEX \S+__hub_id/);
  });
});

describe('embedded store lifecycle', () => {
  it('drops and re-creates a database of the same name cleanly, indexing it each time', async () => {
    const s = await connectTestStore('lifecycle_');
    try {
      for (let round = 0; round < 3; round++) {
        const col = s.db('d').collection<{ _id: string; round: number }>('c');
        await col.insertMany(Array.from({ length: 200 }, (_, i) => ({ _id: String(i).padStart(12, '0'), round })));
        await new Promise((r) => setTimeout(r, 600)); // the keeper runs every 250 ms
        expect(await col.findOne({ _id: '000000000123' })).toEqual({ _id: '000000000123', round });
        if (s.isFerretDb) {
          const explain = await s.db('d').command({ explain: { find: 'c', filter: { _id: '000000000123' } } });
          expect(JSON.stringify(explain.queryPlanner)).toMatch(/USING INDEX \S+__hub_id/);
        }
        await s.db('d').dropDatabase();
      }
    } finally {
      await s.close();
    }
  });
});

describe('the patched decoder (localdb/patch)', () => {
  it('decodes every stored document exactly as FerretDB’s own decoder does', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'hub-sjson-verify-'));
    const reports: string[] = [];
    const db = await startLocalDb({
      dataDir,
      port: 0,
      env: { LOCALDB_SJSON_VERIFY: '1' },
      onStderr: (line) => {
        if (/LOCALDB SJSON (MISMATCH|DECLINED)/.test(line)) reports.push(line);
      },
    });
    const s = await Store.connect({ uri: db.uri, dbPrefix: 'sj_' });
    try {
      // Every BSON type the store keeps, and strings that need escaping.
      const edge = {
        _id: 'edge',
        double: [0.1, 1e300, -2.5e-300, 3, Number.MAX_SAFE_INTEGER + 2],
        int32: [0, -1, 2147483647, -2147483648].map((v) => new Int32(v)),
        long: [Long.fromString('9007199254740993'), Long.fromNumber(-5)],
        date: [new Date(0), new Date('2026-12-01T07:00:00.123Z'), new Date(-86_400_000)],
        bin: [new Binary(Buffer.from([0, 1, 2, 255])), new Binary(Buffer.alloc(0)), new Binary(Buffer.from('x'), 4)],
        oid: new ObjectId('0123456789abcdef01234567'),
        re: /^Nguy[eễ]n.*$/im,
        ts: new Timestamp({ t: 1_700_000_000, i: 7 }),
        flags: [true, false, null],
        text: [
          'Nguyễn Văn "An" \\ / \b\f\n\r\t',
          '\u0000\u001f\u2028\u2029 <>&',
          '😀 𝔘 \ud7ff\ue000',
          'Ha\u0300 (NFD)',
          '',
        ],
        nested: { a: { b: { c: [{}, { d: [1, 'two', { e: null }] }] } }, empty: {}, none: [] },
      };
      const col = s.db('x').collection('edge');
      await col.insertOne(edge as never);
      // (The driver gives int32 back as plain numbers.)
      expect(await col.findOne({ _id: 'edge' as never }, { promoteLongs: false })).toEqual({
        ...edge,
        int32: [0, -1, 2147483647, -2147483648],
      });
      // A seeded data set: the five sources and the hub's own collections, read in full.
      await seed(s, { citizens: 300, seed: 4 });
      for (const name of ['pop', 'gplx', 'bhyt', 'bhxh', 'ehr', 'hub', 'hubindex']) {
        for (const c of await s.db(name).listCollections().toArray()) {
          await s.db(name).collection(c.name).find({}).toArray();
        }
      }
      expect(reports).toEqual([]);
    } finally {
      await s.close();
      await db.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});

describe('derived data commits without a sync (localdb/patch: relaxed-sync)', () => {
  it('opens the access-log index database with synchronous=NORMAL, every other with SQLite’s default', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'hub-relaxed-sync-'));
    const opened = new Map<string, string>();
    const db = await startLocalDb({
      dataDir,
      port: 0,
      logLevel: 'debug',
      onStderr: (line) => {
        const m = /Database created.*name=(\S+).*uri=(\S+)/.exec(line);
        if (m) opened.set(m[1], decodeURIComponent(m[2]));
      },
    });
    const s = await Store.connect({ uri: db.uri, dbPrefix: 'rs_' });
    try {
      await s.indexDb.collection('x').insertOne({ _id: 'a' as never });
      await s.hubDb.collection('x').insertOne({ _id: 'a' as never });
      expect(opened.get('rs_hubindex')).toContain('synchronous(normal)');
      expect(opened.get('rs_hub')).toBeDefined();
      expect(opened.get('rs_hub')).not.toContain('synchronous');
    } finally {
      await s.close();
      await db.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});
