import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Binary, Int32, Long, ObjectId, Timestamp } from 'mongodb';
import { seed } from '../../mockdata/seed/index';
import { AUDIT_BY_CITIZEN_ENTRIES, startLocalDb } from '../../store/localdb';
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
    // The keeper adds the index within 250 ms of the seed, and a pooled SQLite connection sees a
    // new index at its next real statement, which EXPLAIN is not (it showed a scan right after the
    // seed in 4 runs of 5): a lookup before each explain, until the keeper's index is there.
    let plan = '';
    for (let i = 0; i < 200 && !/USING INDEX \S+__hub_id/.test(plan); i++) {
      if (i > 0) await new Promise((r) => setTimeout(r, 25));
      await store
        .db('pop')
        .collection('congDan')
        .findOne({ _id: '001095012345' as never });
      const explain = await store.db('pop').command({ explain: { find: 'congDan', filter: { _id: '001095012345' } } });
      plan = JSON.stringify(explain.queryPlanner);
    }
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

describe('string ranges of _id (localdb/patch: id-range)', () => {
  /** MongoDB's (and FerretDB's) order of strings: the bytes of their UTF-8. */
  const cmp = (a: string, b: string): number => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
  type Bounds = { $gt?: string; $gte?: string; $lt?: string; $lte?: string };
  const inRange = (s: string, r: Bounds): boolean =>
    (r.$gt === undefined || cmp(s, r.$gt) > 0) &&
    (r.$gte === undefined || cmp(s, r.$gte) >= 0) &&
    (r.$lt === undefined || cmp(s, r.$lt) < 0) &&
    (r.$lte === undefined || cmp(s, r.$lte) <= 0);

  // A seeded generator, so that a failure can be replayed.
  let state = 20261205;
  const rand = (n: number): number => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) % n;
  };
  const pick = <T>(xs: readonly T[]): T => xs[rand(xs.length)];
  // Characters sjson (Go's encoding/json) escapes, control characters, NUL, non-ASCII, U+2028,
  // and the ASCII neighbours of the access-log key's separator.
  const PIECES = [
    'a',
    'b',
    'A',
    'z',
    '0',
    '9',
    ' ',
    '!',
    '"',
    '\\',
    '<',
    '>',
    '&',
    '|',
    '~',
    '\u0000',
    '\u0001',
    '\u001f',
    '\n',
    '\u007f',
    'é',
    'ễ',
    '\u2028',
    '\u2029',
    '😀',
    '\uffff',
    '{',
    '}',
  ];
  const randomString = (): string => Array.from({ length: rand(5) }, () => pick(PIECES)).join('');

  const stringIds = new Set<string>(['', 'a', 'a\u0000', 'a\u0000b', 'a ', 'a!', 'ab', 'abc', 'b', '"', '\\', '<>&']);
  for (const s of ['\u2028', 'x\u2029y', 'Nguyễn', '😀', '65a000000000000000000002', '{"a":1}', '5', 'true', 'null']) {
    stringIds.add(s);
  }
  for (let i = 0; i < 300; i++) stringIds.add(randomString());
  // The access-log entry key: <12-digit citizen>|<fixed-width time>|<chain>|<seq>.
  for (let c = 0; c < 6; c++) {
    for (let e = 0; e < 20; e++) {
      const citizen = String(1_095_012_340 + c).padStart(12, '0');
      const time = new Date(Date.UTC(2026, 0, 1) + e * 3_600_000).toISOString();
      stringIds.add(`${citizen}|${time}|${pick(['audit', 'x'])}|${String(e).padStart(6, '0')}`);
    }
  }
  const OTHER_IDS: unknown[] = [
    new Int32(5),
    7.5,
    Long.fromNumber(123),
    new ObjectId('65a000000000000000000001'),
    { a: 'x' },
    {},
    true,
    null,
    new Date(86_400_000),
    new Binary(Buffer.from('z')),
  ];
  const bound = (): string => (rand(3) === 0 ? randomString() : pick([...stringIds]));
  const randomBounds = (): Bounds => {
    const r: Bounds = {};
    const shape = rand(4); // lower only, upper only, both, or three or four bounds
    if (shape !== 1) r[pick(['$gt', '$gte'] as const)] = bound();
    if (shape !== 0) r[pick(['$lt', '$lte'] as const)] = bound();
    if (shape === 3) {
      r.$gt ??= bound();
      r.$lte ??= bound();
    }
    return r;
  };
  const byteSorted = (ids: string[]): string[] => [...ids].sort(cmp);

  let dataDir: string;
  let db: Awaited<ReturnType<typeof startLocalDb>>;
  let s: Store;
  const sqlSeen: string[] = [];
  const rangeIndexed: string[] = []; // <file>/<table>, from the keeper's log
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'hub-id-range-'));
    db = await startLocalDb({
      dataDir,
      port: 0,
      logLevel: 'debug',
      // FerretDB logs each SQL statement it runs (">>> SELECT ...") at debug level.
      onStderr: (line) => {
        if (line.includes("->>'$._id'")) sqlSeen.push(line);
        const m = /range index created" file=(\S+) table=(\S+)/.exec(line);
        if (m) rangeIndexed.push(`${m[1]}/${m[2]}`);
      },
    });
    s = await Store.connect({ uri: db.uri, dbPrefix: 'ir_' });
  }, 60_000);
  afterAll(async () => {
    await s?.close();
    await db?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const docs = (): { _id: unknown; n: number }[] =>
    [...[...stringIds].map((id) => id as unknown), ...OTHER_IDS].map((_id, n) => ({ _id, n }));
  const nOf = new Map([...stringIds].map((id, n) => [id, n]));

  /** Waits for a condition that an event will make true (a log line, the keeper's pass). */
  async function until(cond: () => boolean | Promise<boolean>, what: string): Promise<void> {
    for (let i = 0; i < 400; i++) {
      if (await cond()) return;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`gave up waiting for ${what}`);
  }
  const sqlRan = (): boolean =>
    sqlSeen.some((l) => l.includes('>>> SELECT') && l.includes("WHERE _ferretdb_sjson->>'$._id'"));

  /** FerretDB's explain: SQLite's EXPLAIN QUERY PLAN of the query it would run. */
  async function planOf(dbName: string, coll: string, filter: object): Promise<string> {
    // EXPLAIN does not make a pooled connection notice a schema change (the keeper's new index);
    // the connection's next real statement does, and the next command is likely to get it again.
    await s.db(dbName).collection(coll).findOne(filter);
    const explain = await s.db(dbName).command({ explain: { find: coll, filter } });
    expect(explain.filterPushdown).toBe(true);
    return JSON.stringify(explain.queryPlanner);
  }

  it('is read through the index, only in the collections named in LOCALDB_ID_RANGE_COLLECTIONS', async () => {
    // Created before the listed collection, in the same database: the keeper's pass that
    // indexes the listed one has seen them too.
    await s.indexDb.collection('unlisted').insertMany(docs() as never[]);
    await s
      .db('elsewhere')
      .collection(AUDIT_BY_CITIZEN_ENTRIES)
      .insertMany(docs() as never[]);
    await s.indexDb.collection(AUDIT_BY_CITIZEN_ENTRIES).insertMany(docs() as never[]);
    await until(() => rangeIndexed.length > 0, 'the keeper to create the range index');
    // Only the listed collection, in the database whose name ends with hubindex (any prefix).
    expect(rangeIndexed).toEqual([expect.stringMatching(/^ir_hubindex\.sqlite\/auditbycitizenentries_\w+$/)]);
    const range = { _id: { $gte: '001095012342|', $lt: '001095012342~' } };
    let plan = '';
    await until(
      async () => (plan = await planOf('hubindex', AUDIT_BY_CITIZEN_ENTRIES, range)).includes('__hub_idrange'),
      'a plan on the index',
    );
    // SQLite's EXPLAIN QUERY PLAN of the pushed-down query: a search of the range on the index.
    expect(plan).toMatch(/SEARCH \S+ USING INDEX \S+__hub_idrange \(<expr>>\? AND <expr><\?\)/);
    for (const [dbName, coll] of [
      ['hubindex', 'unlisted'],
      ['elsewhere', AUDIT_BY_CITIZEN_ENTRIES],
    ]) {
      const other = await planOf(dbName, coll, range);
      expect(other).not.toContain('__hub_idrange');
      expect(other).toMatch(/SCAN/);
    }
    expect(rangeIndexed).toHaveLength(1);
    // Not pushed down: other operators in the _id document, a non-string bound, another key.
    for (const filter of [
      { _id: { $gte: 'a', $ne: 'b' } },
      { _id: { $gte: 5 } },
      { _id: { $gte: 'a' }, n: 1 },
      { _id: { $in: ['a', 'b'] } },
    ]) {
      const explain = await s.indexDb.command({ explain: { find: AUDIT_BY_CITIZEN_ENTRIES, filter } });
      expect([filter, explain.filterPushdown]).toEqual([filter, false]);
    }
  }, 60_000);

  it('returns exactly the string _ids in the range (byte order of UTF-8), with sort, limit, projection and count', async () => {
    const col = s.indexDb.collection<{ _id: unknown; n: number }>(AUDIT_BY_CITIZEN_ENTRIES);
    const unlisted = s.indexDb.collection<{ _id: unknown; n: number }>('unlisted');
    const ids = [...stringIds];
    const fixed: Bounds[] = [
      { $gte: '' },
      { $gt: '' },
      { $lt: '' },
      { $lte: '' },
      { $gte: 'a', $lt: 'a\u0000' },
      { $gte: 'a', $lte: 'a\u0000' },
      { $gt: 'a', $lt: 'ab' },
      { $gte: 'b', $lt: 'a' }, // empty: upper below lower
      { $gte: '\u2028', $lte: '\u2029' },
      { $gte: '"', $lte: '\\' },
      { $gte: '<', $lt: '>' },
      { $gte: '001095012342|', $lt: '001095012342~' },
      { $gte: '001095012342|2026-01-01T05', $lt: '001095012342|2026-01-01T10' },
      { $gte: '0', $lt: '7' }, // the ObjectId's hex, the numbers' text, the date's millis: none is a string
      { $gte: '{', $lt: '|' }, // the object's JSON text
      { $lt: 'true~' },
    ];
    const cases = [...fixed, ...Array.from({ length: 150 }, randomBounds)];
    for (const [i, r] of cases.entries()) {
      const expected = byteSorted(ids.filter((id) => inRange(id, r)));
      sqlSeen.length = 0;
      const got = (await col.find({ _id: r } as never).toArray()).map((d) => d._id as string);
      expect([r, byteSorted(got)]).toEqual([r, expected]);
      // The find itself ran the range query (FerretDB's SQL log).
      await until(sqlRan, 'the range query in FerretDB’s SQL log');
      if (i % 4 === 0) {
        // Sorted both ways, limited, skipped, projected; counted (an aggregation) and the
        // unindexed collection (the pushdown filters its scan).
        expect(await col.find({ _id: r } as never, { sort: { _id: 1 } }).toArray()).toEqual(
          expected.map((id) => ({ _id: id, n: nOf.get(id) })),
        );
        const desc = await col.find({ _id: r } as never, { sort: { _id: -1 }, skip: 1, limit: 3 }).toArray();
        expect(desc.map((d) => d._id)).toEqual([...expected].reverse().slice(1, 4));
        const limited = (await col.find({ _id: r } as never, { limit: 2 }).toArray()).map((d) => d._id as string);
        expect(limited).toHaveLength(Math.min(2, expected.length));
        for (const id of limited) expect(expected).toContain(id);
        const projected = await col
          .find({ _id: r } as never, { projection: { _id: 0, n: 1 }, sort: { n: 1 } })
          .toArray();
        expect(projected).toEqual(expected.map((id) => ({ n: nOf.get(id) })).sort((a, b) => a.n! - b.n!));
        expect(await col.countDocuments({ _id: r } as never)).toBe(expected.length);
        const fromScan = (await unlisted.find({ _id: r } as never).toArray()).map((d) => d._id as string);
        expect(byteSorted(fromScan)).toEqual(expected);
      }
    }
    // The other _ids are still found by the operators that match them.
    expect(await col.countDocuments({ _id: { $gte: 5 } } as never)).toBe(3);
    expect(await col.countDocuments({ _id: { $gte: 'a', $ne: 'ab' } } as never)).toBe(
      ids.filter((id) => cmp(id, 'a') >= 0 && id !== 'ab').length,
    );
  }, 120_000);

  it('deletes exactly the string _ids in the range', async () => {
    const col = s.indexDb.collection<{ _id: unknown; n: number }>(AUDIT_BY_CITIZEN_ENTRIES);
    const ids = [...stringIds];
    let remaining = ids;
    const ranges: Bounds[] = [
      { $gte: '001095012341|', $lt: '001095012341|2026-01-01T08' },
      { $gte: '0', $lt: '7' },
      { $gt: 'a', $lte: 'a\u0000b' },
      // Intervals between two of the ids, so that some survive each.
      ...Array.from({ length: 8 }, (): Bounds => {
        const [lo, hi] = [pick(ids), pick(ids)].sort(cmp);
        return { [pick(['$gt', '$gte'])]: lo, [pick(['$lt', '$lte'])]: hi };
      }),
    ];
    for (const r of ranges) {
      const doomed = remaining.filter((id) => inRange(id, r));
      sqlSeen.length = 0;
      const res = await col.deleteMany({ _id: r } as never);
      expect([r, res.deletedCount]).toEqual([r, doomed.length]);
      await until(sqlRan, 'the range query in FerretDB’s SQL log');
      remaining = remaining.filter((id) => !inRange(id, r));
      const all = await col.find({}).toArray();
      expect(byteSorted(all.filter((d) => typeof d._id === 'string').map((d) => d._id as string))).toEqual(
        byteSorted(remaining),
      );
      expect(all.filter((d) => typeof d._id !== 'string')).toHaveLength(OTHER_IDS.length);
    }
    expect(remaining.length).toBeGreaterThan(0);
    expect(remaining.length).toBeLessThan(stringIds.size);
  }, 120_000);
});
