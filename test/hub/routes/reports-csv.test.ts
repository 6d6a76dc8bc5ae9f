import { request } from 'node:http';
import { seed } from '../../../mockdata/seed/index';
import { AUDIT_COLLECTION } from '../../../services/audit/writer';
import type { AuditRecordDoc } from '../../../services/audit/model';
import { CSV_COLUMNS, csvCell } from '../../../hub/routes/reports-csv';
import type { ListName } from '../../../services/accounts/reports/model';
import { areaInfo } from '../../../services/accounts/reports/read';
import { refreshPopulation } from '../../../services/accounts/reports/rebuild';
import { ReportWriter } from '../../../services/accounts/reports/writer';
import { ACCOUNTS_COLLECTION, type AccountDoc } from '../../../services/accounts/store';
import { startTestHub, type GqlBody, type TestHub } from '../../support/hub';
import { testKeys } from '../../support/keys';
import {
  clonePeople,
  listDocs,
  mapOrNull,
  orderedMembers,
  parseCsv,
  peopleById,
  todayVn,
} from '../../services/accounts/reports/support';

/**
 * The work-list CSV export over real HTTP with real tokens: access, format, one row per
 * list member, one audit record per chunk naming exactly the rows it covers, streaming.
 * Own data set under `rpv_` (never the shared `t_`).
 */

const P = '79';
const CHUNK = 50;
const keys = testKeys();
let hub: TestHub;
/** A commune given more than CHUNK people with no account (clones), two of them with awkward names. */
let crowded: string;
let quoted: string;
let formula: string;

/** What a cell holds once parsed: the value, with a leading = + - @ TAB CR defused. */
const defused = (v: string | null | undefined) => (v && /^[=+\-@\t\r]/.test(v) ? `'${v}` : (v ?? ''));
const bearer = (t: string) => ({ authorization: `Bearer ${t}` });
/** The error code of a refused export (the GraphQL endpoint's error shape). */
const errorCode = (body: string) => (JSON.parse(body) as GqlBody<never>).errors?.[0].extensions?.code;
const url = (list: string, area: string) =>
  `${hub.url}/reports/work-list.csv?list=${encodeURIComponent(list)}&area=${encodeURIComponent(area)}`;

interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A GET over node:http, so that the transfer headers are seen as sent. */
function get(target: string, headers: Record<string, string> = {}): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = request(target, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

async function auditOf(requestId: string): Promise<AuditRecordDoc[]> {
  const docs = await hub.store.hubDb.collection<AuditRecordDoc>(AUDIT_COLLECTION).find({ requestId }).toArray();
  return docs.sort((a, b) => a.seq - b.seq);
}

beforeAll(async () => {
  hub = await startTestHub({ HUB_CSV_CHUNK: String(CHUNK) }, 'rpv_');
  const store = hub.store;
  await seed(store, { citizens: 400, seed: 5 });
  const today = todayVn();
  // Someone of the province with no account (on its NOT_REGISTERED list): the clones' model.
  const notRegistered = orderedMembers(await listDocs(store, 'NOT_REGISTERED', P)).map(([, id]) => id);
  const candidates = await peopleById(store, notRegistered);
  const baseDoc = [...candidates.values()].find((d) => mapOrNull(d)?.area?.province === P)!;
  const base = { doc: baseDoc, person: mapOrNull(baseDoc)! };
  crowded = base.person.area!.commune;
  const ids = await clonePeople(store, base.doc, CHUNK + 12, {
    start: 0,
    edit: (d, i) => {
      if (i === 0) d.hoTen = 'Nguyễn Văn "Tí", Em';
      if (i === 1) d.hoTen = '=HYPERLINK("http://x.example","bấm")';
    },
  });
  [quoted, formula] = ids;
  // The nightly refresh puts them on the commune's NOT_REGISTERED list (through the writer).
  const writer = new ReportWriter(store);
  await refreshPopulation(store, writer, { today });
  await writer.idle();
}, 120_000);

afterAll(async () => {
  await hub?.close();
});

describe('access', () => {
  it('401 without a token or with a bad one', async () => {
    for (const headers of [{}, bearer('not-a-jwt'), { authorization: 'Basic abc' }]) {
      const r = await get(url('NOT_REGISTERED', P), headers);
      expect(r.status).toBe(401);
      expect(errorCode(r.body)).toBe('UNAUTHENTICATED');
      expect(r.body).not.toContain(crowded);
    }
  });

  it('403 for a citizen, another province, a commune officer asking for the province, and the wrong role', async () => {
    for (const token of [
      keys.citizen(quoted),
      keys.officer('SUPERVISOR', { province: '01' }),
      keys.officer('WORKING_GROUP', { province: P, commune: crowded }),
      keys.officer('DATA_CLEANING', { province: P }),
    ]) {
      const r = await get(url('NOT_REGISTERED', P), bearer(token));
      expect(r.status).toBe(403);
      expect(errorCode(r.body)).toBe('FORBIDDEN');
    }
    // An officer of another province asking for one of this province's communes.
    const r = await get(url('NOT_REGISTERED', crowded), bearer(keys.officer('WORKING_GROUP', { province: '01' })));
    expect(r.status).toBe(403);
  });

  it('400 for an unknown list or area', async () => {
    const token = keys.officer('WORKING_GROUP', { province: P });
    for (const [list, area] of [
      ['FOO', P],
      ['', P],
      ['not_registered', P],
      ['NOT_REGISTERED', '99'],
      ['NOT_REGISTERED', '7'],
      ['NOT_REGISTERED', ''],
      ['NOT_REGISTERED', `${P}999`],
    ]) {
      const r = await get(url(list, area), bearer(token));
      expect([list, area, r.status]).toEqual([list, area, 400]);
      expect(errorCode(r.body)).toBe('BAD_USER_INPUT');
    }
  });
});

describe('export', () => {
  async function exportList(list: ListName, area: string) {
    const r = await get(url(list, area), bearer(keys.officer('WORKING_GROUP', { province: P })));
    expect(r.status).toBe(200);
    return r;
  }

  function rowsOf(r: Raw): string[][] {
    expect(r.body.startsWith('\uFEFF')).toBe(true);
    expect(r.body.endsWith('\r\n')).toBe(true);
    const rows = parseCsv(r.body.slice(1));
    expect(rows[0]).toEqual([...CSV_COLUMNS]);
    for (const row of rows) expect(row).toHaveLength(CSV_COLUMNS.length);
    return rows.slice(1);
  }

  it('a province NOT_REGISTERED list: text/csv, BOM, header, one row per member, streamed and audited per chunk', async () => {
    const r = await exportList('NOT_REGISTERED', P);
    expect(r.headers['content-type']).toMatch(/^text\/csv; charset=utf-8/);
    expect(r.headers['content-disposition']).toBe(`attachment; filename="not_registered-${P}.csv"`);
    // Streamed: chunked transfer, no length known up front.
    expect(r.headers['content-length']).toBeUndefined();
    expect(r.headers['transfer-encoding']).toBe('chunked');

    const byCommune = await listDocs(hub.store, 'NOT_REGISTERED', P);
    const expected = orderedMembers(byCommune);
    expect(byCommune.get(crowded)!).toHaveProperty(quoted);
    const rows = rowsOf(r);
    expect(rows.map((row) => [row[4], row[0]])).toEqual(expected);
    const people = await peopleById(
      hub.store,
      rows.map((row) => row[0]),
    );
    for (const row of rows) {
      const person = mapOrNull(people.get(row[0])!);
      expect(row[1]).toBe(defused(person?.fullName));
      expect(row[2]).toBe(defused(person?.residence?.permanentAddress.formatted));
      expect(row[3]).toBe(''); // no account, no phone
      expect(row[5]).toBe(areaInfo(row[4])!.name);
      expect(row[6]).toBe('');
    }

    // Audit: one record per chunk (at most CHUNK rows; chunks follow the communes), before the rows.
    const records = await auditOf(String(r.headers['x-request-id']));
    expect(records.length).toBe(
      [...byCommune.values()].reduce((s, m) => s + Math.ceil(Object.keys(m).length / CHUNK), 0),
    );
    const audited: string[] = [];
    for (const rec of records) {
      expect(rec.operation).toBe('workListCsv:NOT_REGISTERED');
      expect(rec.actor).toMatchObject({ kind: 'OFFICER', id: 'CA-TEST-7' });
      expect(rec.citizens.length).toBeGreaterThan(0);
      expect(rec.citizens.length).toBeLessThanOrEqual(CHUNK);
      for (const c of rec.citizens) {
        expect(c.disclosed.map((d) => d.scope).sort()).toEqual(['IDENTITY', 'RESIDENCE']);
        audited.push(c.citizenId);
      }
    }
    expect(audited).toEqual(rows.map((row) => row[0]));
  });

  it('a commune with more than one chunk: ceil(rows / 50) audit records naming exactly the exported IDs', async () => {
    const r = await exportList('NOT_REGISTERED', crowded);
    const rows = rowsOf(r);
    const members = Object.keys((await listDocs(hub.store, 'NOT_REGISTERED', P)).get(crowded)!).sort();
    expect(rows.map((row) => row[0])).toEqual(members);
    expect(rows.length).toBeGreaterThan(CHUNK);
    const records = await auditOf(String(r.headers['x-request-id']));
    expect(records).toHaveLength(Math.ceil(rows.length / CHUNK));
    expect(records.map((rec) => rec.citizens.length)).toEqual([CHUNK, rows.length - CHUNK]);
    expect(records.flatMap((rec) => rec.citizens.map((c) => c.citizenId))).toEqual(rows.map((row) => row[0]));
    for (const rec of records) expect(rec.operation).toBe('workListCsv:NOT_REGISTERED');
    // An officer of that commune alone may export it too.
    const own = await get(
      url('NOT_REGISTERED', crowded),
      bearer(keys.officer('WORKING_GROUP', { province: P, commune: crowded })),
    );
    expect(own.status).toBe(200);
    expect(rowsOf(own)).toEqual(rows);
  });

  it('quotes per RFC 4180 and defuses spreadsheet formulas', async () => {
    const r = await exportList('NOT_REGISTERED', crowded);
    // Raw bytes: the quote doubled inside a quoted cell; the formula prefixed with an apostrophe.
    expect(r.body).toContain(`\r\n${quoted},"Nguyễn Văn ""Tí"", Em",`);
    expect(r.body).toContain(`\r\n${formula},"'=HYPERLINK(""http://x.example"",""bấm"")",`);
    const rows = new Map(rowsOf(r).map((row) => [row[0], row]));
    expect(rows.get(quoted)![1]).toBe('Nguyễn Văn "Tí", Em');
    expect(rows.get(formula)![1]).toBe(`'=HYPERLINK("http://x.example","bấm")`);
    // Addresses hold commas: they come back whole.
    const address = mapOrNull((await peopleById(hub.store, [quoted])).get(quoted)!)!.residence!.permanentAddress
      .formatted;
    expect(address).toContain(',');
    expect(rows.get(quoted)![2]).toBe(address);
  });

  it('an APPROVED_NOT_ACTIVATED list carries the phone and status from the account', async () => {
    const expected = orderedMembers(await listDocs(hub.store, 'APPROVED_NOT_ACTIVATED', P));
    const col = hub.store.hubDb.collection<AccountDoc>(ACCOUNTS_COLLECTION);
    const accounts = new Map(
      (await Promise.all(expected.map(([, id]) => col.findOne({ _id: id })))).map((a) => [a!._id, a!]),
    );
    expect(expected.length).toBeGreaterThan(0);
    const r = await exportList('APPROVED_NOT_ACTIVATED', P);
    const rows = rowsOf(r);
    expect(rows.map((row) => [row[4], row[0]])).toEqual(expected);
    for (const row of rows) {
      const a = accounts.get(row[0])!;
      // "+84…" starts like a formula, so it is defused too.
      expect(row[3]).toBe(defused(a.phone));
      expect(row[3]).toMatch(/^'\+84\d{9}$/);
      expect(row[6]).toBe(a.status);
      expect(row[7]).toBe(a.notifiedAt ? a.notifiedAt.toISOString() : '');
    }
    const records = await auditOf(String(r.headers['x-request-id']));
    expect(records.every((rec) => rec.operation === 'workListCsv:APPROVED_NOT_ACTIVATED')).toBe(true);
    expect(records.flatMap((rec) => rec.citizens.map((c) => c.citizenId))).toEqual(rows.map((row) => row[0]));
  });

  it('an empty list gives the header only, and no audit record', async () => {
    const empty = (await listDocs(hub.store, 'PENDING_APPROVAL', P)).has(crowded);
    expect(empty).toBe(false);
    const r = await exportList('PENDING_APPROVAL', crowded);
    expect(rowsOf(r)).toEqual([]);
    expect(await auditOf(String(r.headers['x-request-id']))).toEqual([]);
  });
});

describe('csvCell', () => {
  it.each([
    ['plain', 'plain'],
    ['', ''],
    [null, ''],
    [undefined, ''],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['line\nbreak', '"line\nbreak"'],
    ['cr\rx', '"cr\rx"'],
    ['=1+1', "'=1+1"],
    ['+84912345678', "'+84912345678"],
    ['-2', "'-2"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tx', "'\tx"],
    ['=A1,B1', `"'=A1,B1"`],
    ['1=1', '1=1'],
  ])('%j → %j', (input, out) => {
    expect(csvCell(input)).toBe(out);
  });
});
