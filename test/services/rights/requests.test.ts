/**
 * Data-subject requests over real HTTP on the real store, with a clock the test controls
 * (docs/rights.md): the acknowledgement deadline across the 30 April – 1 May holidays and a
 * weekend, the one extension, the officers of the request's area and role, a correction in the
 * data-cleaning queue of the citizen's area and nobody else's, completion once its case is
 * resolved, a run that leaves it alone, overdue counts in the report.
 */
import { mapCitizen } from '../../../connectors/population/connector';
import type { CongDanDoc } from '../../../connectors/population/model';
import { seed } from '../../../mockdata/seed';
import type { AccountDoc } from '../../../services/accounts/store';
import { startTestHub, type TestHub } from '../../support/hub';
import { testKeys } from '../../support/keys';
import { call, type Connection, type Payload, type RequestView } from './support';

const keys = testKeys();
const bearer = (t: string) => ({ authorization: `Bearer ${t}` });
const vn = (s: string) => new Date(`${s}+07:00`);

const REQUEST_FIELDS = `id kind status area { code } source field note caseId acknowledgeBy actBy originalActBy
  acknowledgedAt acknowledgedLate extendedAt extensionReason closedAt closedLate acknowledgementOverdue actionOverdue
  history { event from to by note }`;
const CORRECT = `mutation($input: CorrectionRequestInput!) { correctionRequest(input: $input) {
  request { ${REQUEST_FIELDS} } userErrors { code field } } }`;
const ACT = (name: string, arg = 'note') => `mutation($id: ID!, $t: String${arg === 'reason' ? '!' : ''}) {
  ${name}(id: $id, ${arg}: $t) { request { ${REQUEST_FIELDS} } userErrors { code } } }`;
const LIST = `query($area: String!, $overdueOnly: Boolean, $kind: DataRequestKind) {
  dataRequests(area: $area, overdueOnly: $overdueOnly, kind: $kind, first: 50) { nodes { id kind status } pageInfo { hasNextPage } } }`;
const REPORT = `query($area: String!) { dataRequestReport(area: $area) { asOf
  total { open acknowledgementOverdue actionOverdue overdue } communes { area { code } open overdue } } }`;
const CASES = `query($area: String!) { reconciliationCases(area: $area, kind: CORRECTION_REQUEST, first: 50) {
  nodes { id kind status personalId correctionField dataRequestId dueAt dataRequestStatus } } }`;

interface CaseNode {
  id: string;
  status: string;
  [field: string]: unknown;
}
type Cases = { reconciliationCases: Connection<CaseNode> };
type List = { dataRequests: Connection<RequestView> };
interface Counts {
  open: number;
  acknowledgementOverdue: number;
  actionOverdue: number;
  overdue: number;
}
type Report = {
  dataRequestReport: {
    asOf: string;
    total: Counts;
    communes: Array<{ area: { code: string }; open: number; overdue: number }>;
  };
};

let hub: TestHub;
let clock: Date | null = null;
/** Two citizens with ACTIVE Level 2 accounts living in different provinces. */
let a: { id: string; province: string; commune: string };
let b: { id: string; province: string; commune: string };

const citizen = (id: string) => bearer(keys.citizen(id));
const officer = (role: 'DATA_CLEANING' | 'DATA_PROTECTION' | 'SUPERVISOR' | 'WORKING_GROUP', province: string) =>
  bearer(keys.officer(role, { province }));

beforeAll(async () => {
  hub = await startTestHub({}, 'dsr_', { now: () => clock ?? new Date() });
  await seed(hub.store, { citizens: 200, seed: 31 });
  const accounts = await hub.store.hubDb
    .collection<AccountDoc>('accounts')
    .find({ status: 'ACTIVE', level: 2 })
    .toArray();
  const people = await hub.store.db('pop').collection<CongDanDoc>('congDan').find({}).toArray();
  const areaOf = new Map(people.map((p) => [p._id, mapCitizen(p).area]));
  const placed = accounts
    .map((x) => ({ id: x._id, area: areaOf.get(x._id) }))
    .filter((x): x is { id: string; area: { province: string; commune: string } } => !!x.area);
  const first = placed[0];
  const second = placed.find((x) => x.area.province !== first.area.province)!;
  a = { id: first.id, ...first.area };
  b = { id: second.id, ...second.area };
}, 120_000);

afterAll(async () => {
  await hub?.close();
});

async function correction(who: string, field: string): Promise<RequestView> {
  const r = await call<{ correctionRequest: Payload }>(
    hub.url,
    CORRECT,
    { input: { source: 'DRIVING_LICENCE', field, note: `Sai ${field}: xin sửa` } },
    citizen(who),
  );
  expect(r.errors).toBeUndefined();
  expect(r.data.correctionRequest.userErrors).toEqual([]);
  return r.data.correctionRequest.request!;
}

async function act(name: string, id: string, headers: Record<string, string>, t?: string, arg = 'note') {
  return call<Record<string, Payload>>(hub.url, ACT(name, arg), { id, t }, headers);
}

/** The two correction requests the tests file and follow. */
let first: RequestView;
let second: RequestView;

describe('a correction request, its deadlines and its officers', () => {
  it('is filed with its deadlines: acknowledge by the end of the 2nd working day after receipt', async () => {
    clock = vn('2026-04-29T10:00:00'); // Wednesday; 30 April and 1 May are holidays, then a weekend
    first = await correction(a.id, 'number');
    second = await correction(a.id, 'classes');
    expect(first).toMatchObject({
      kind: 'CORRECTION',
      status: 'RECEIVED',
      area: { code: a.commune },
      source: 'DRIVING_LICENCE',
      field: 'number',
      acknowledgeBy: '2026-05-05T16:59:59.999Z',
      actBy: '2026-05-14T16:59:59.999Z',
      history: [{ event: 'RECEIVE', from: null, to: 'RECEIVED', by: 'citizen' }],
    });
    const bad = await call<{ correctionRequest: Payload }>(
      hub.url,
      CORRECT,
      { input: { source: 'DRIVING_LICENCE', field: 'favouriteColour', note: 'x' } },
      citizen(a.id),
    );
    expect(bad.data.correctionRequest.userErrors).toEqual([{ code: 'UNKNOWN_FIELD', field: 'field' }]);
  });

  it("appears in the data-cleaning queue of the citizen's area, with its deadline, and in no other area's", async () => {
    const mine = await call<Cases>(hub.url, CASES, { area: a.province }, officer('DATA_CLEANING', a.province));
    expect(mine.errors).toBeUndefined();
    const node = mine.data.reconciliationCases.nodes.find((n) => n.id === first.caseId);
    expect(node).toMatchObject({
      kind: 'CORRECTION_REQUEST',
      status: 'OPEN',
      personalId: a.id,
      correctionField: 'number',
      dataRequestId: first.id,
      dueAt: '2026-05-14T16:59:59.999Z',
      dataRequestStatus: 'RECEIVED',
    });
    const theirs = await call<Cases>(hub.url, CASES, { area: b.province }, officer('DATA_CLEANING', b.province));
    expect(theirs.data.reconciliationCases.nodes.map((n) => n.id)).not.toContain(first.caseId);
    const listB = await call<List>(hub.url, LIST, { area: b.province }, officer('DATA_PROTECTION', b.province));
    expect(listB.data.dataRequests.nodes.map((n) => n.id)).not.toContain(first.id);
    // Elsewhere, unknown, or a role that does not handle it: answered alike.
    const peek = await act('dataRequestAcknowledge', first.id, officer('DATA_CLEANING', b.province));
    expect(peek.errors![0].extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'OUT_OF_JURISDICTION' });
    const role = await call<List>(hub.url, LIST, { area: a.province }, officer('WORKING_GROUP', a.province));
    expect(role.errors![0].extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'ROLE' });
  });

  it('acknowledged on the 2nd working day is on time; on the 3rd it is late, and overdue until then', async () => {
    clock = vn('2026-05-05T16:00:00'); // Tuesday: the 2nd working day after receipt
    const on = await act('dataRequestAcknowledge', first.id, officer('DATA_CLEANING', a.province));
    expect(on.data.dataRequestAcknowledge.request).toMatchObject({ status: 'ACKNOWLEDGED', acknowledgedLate: false });

    clock = vn('2026-05-06T09:00:00'); // Wednesday: the 3rd
    const overdue = await call<List>(
      hub.url,
      LIST,
      { area: a.province, overdueOnly: true },
      officer('DATA_CLEANING', a.province),
    );
    expect(overdue.data.dataRequests.nodes.map((n) => n.id)).toEqual([second.id]);
    const report = await call<Report>(hub.url, REPORT, { area: a.province }, officer('DATA_PROTECTION', a.province));
    expect(report.data.dataRequestReport.total).toEqual({
      open: 2,
      acknowledgementOverdue: 1,
      actionOverdue: 0,
      overdue: 1,
    });
    expect(report.data.dataRequestReport.communes).toEqual([{ area: { code: a.commune }, open: 2, overdue: 1 }]);

    const late = await act('dataRequestAcknowledge', second.id, officer('DATA_PROTECTION', a.province));
    expect(late.data.dataRequestAcknowledge.request).toMatchObject({ acknowledgedLate: true });
    const again = await act('dataRequestAcknowledge', second.id, officer('DATA_PROTECTION', a.province));
    expect(again.data.dataRequestAcknowledge.userErrors).toEqual([{ code: 'ILLEGAL_TRANSITION' }]);
  });

  it('the deadline to act is extended once, with a reason, before it passes', async () => {
    const h = officer('DATA_CLEANING', a.province);
    const start = await act('dataRequestStart', first.id, h);
    expect(start.data.dataRequestStart.request!.status).toBe('IN_PROGRESS');
    const noReason = await act('dataRequestExtend', first.id, h, '  ', 'reason');
    expect(noReason.data.dataRequestExtend.userErrors).toEqual([{ code: 'REASON_REQUIRED' }]);
    const ext = await act('dataRequestExtend', first.id, h, 'CSGT cần xác minh hồ sơ gốc', 'reason');
    expect(ext.data.dataRequestExtend.request).toMatchObject({
      status: 'IN_PROGRESS',
      originalActBy: '2026-05-14T16:59:59.999Z',
      actBy: '2026-05-29T16:59:59.999Z',
      extensionReason: 'CSGT cần xác minh hồ sơ gốc',
    });
    const twice = await act('dataRequestExtend', first.id, h, 'lần nữa', 'reason');
    expect(twice.data.dataRequestExtend.userErrors).toEqual([{ code: 'EXTENSION_ALREADY_USED' }]);

    clock = vn('2026-05-15T09:00:00'); // past the second request's deadline to act (14 May)
    const tooLate = await act('dataRequestExtend', second.id, h, 'muộn', 'reason');
    expect(tooLate.data.dataRequestExtend.userErrors).toEqual([{ code: 'DEADLINE_PASSED' }]);
    const report = await call<Report>(hub.url, REPORT, { area: a.province }, officer('SUPERVISOR', a.province));
    expect(report.data.dataRequestReport.total).toMatchObject({ open: 2, actionOverdue: 1, overdue: 1 });
  });
});

describe('a correction request in the data-cleaning queue, and the lists', () => {
  it('the queue orders by legal deadline: the overdue first, the extended one after, then the rest', async () => {
    // The clock is 15 May: the second request's deadline (14 May) has passed; the first's was extended to 29 May.
    const DUE = `query($area: String!, $after: String) { reconciliationCases(area: $area, order: DUE, first: 1, after: $after) {
      totalCount pageInfo { endCursor hasNextPage } nodes { id kind dueAt overdue } } }`;
    const h = officer('DATA_CLEANING', a.province);
    const seen: CaseNode[] = [];
    let after: string | null = null;
    for (let i = 0; i < 3; i++) {
      const r: Awaited<ReturnType<typeof call<Cases>>> = await call<Cases>(
        hub.url,
        DUE,
        { area: a.province, after },
        h,
      );
      expect(r.errors).toBeUndefined();
      seen.push(...r.data.reconciliationCases.nodes);
      if (!r.data.reconciliationCases.pageInfo.hasNextPage) break;
      after = r.data.reconciliationCases.pageInfo.endCursor;
    }
    expect(seen.slice(0, 2)).toEqual([
      { id: second.caseId, kind: 'CORRECTION_REQUEST', dueAt: '2026-05-14T16:59:59.999Z', overdue: true },
      { id: first.caseId, kind: 'CORRECTION_REQUEST', dueAt: '2026-05-29T16:59:59.999Z', overdue: false },
    ]);
    // After the deadlines, the cases without one (none here before a run: the page ends) in area order.
    for (const n of seen.slice(2)) expect(n).toMatchObject({ dueAt: null, overdue: null });
    const bad = await call<Cases>(hub.url, DUE, { area: a.province, after: 'nope' }, h);
    expect(bad.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('a run over the area leaves the correction case alone', async () => {
    const start = await call<{ reconciliationRunStart: { id: string } }>(
      hub.url,
      `mutation($a: String!) { reconciliationRunStart(area: $a) { id } }`,
      { a: a.commune },
      officer('DATA_CLEANING', a.province),
    );
    expect(start.errors).toBeUndefined();
    await hub.reconciliation.wait(start.data.reconciliationRunStart.id);
    const after = await call<Cases>(hub.url, CASES, { area: a.commune }, officer('DATA_CLEANING', a.province));
    expect(after.data.reconciliationCases.nodes.find((n) => n.id === first.caseId)).toMatchObject({
      status: 'OPEN',
    });
  }, 60_000);

  it('is completed once its case is resolved; a refusal needs a reason', async () => {
    const h = officer('DATA_CLEANING', a.province);
    const early = await act('dataRequestComplete', first.id, h, 'đã sửa');
    expect(early.data.dataRequestComplete.userErrors).toEqual([{ code: 'CASE_NOT_RESOLVED' }]);
    for (const m of ['reconciliationCaseConfirm', 'reconciliationCaseResolve']) {
      const r = await call<Record<string, { userErrors: unknown[] }>>(
        hub.url,
        `mutation($id: ID!) { ${m}(id: $id, note: "CSGT đã sửa số GPLX") { case { status } userErrors { code } } }`,
        { id: first.caseId },
        h,
      );
      expect(r.data[m].userErrors).toEqual([]);
    }
    const done = await act('dataRequestComplete', first.id, h, 'Đã sửa theo yêu cầu');
    expect(done.data.dataRequestComplete.request).toMatchObject({ status: 'DONE', closedLate: false });
    const noReason = await act('dataRequestRefuse', second.id, h, '', 'reason');
    expect(noReason.data.dataRequestRefuse.userErrors).toEqual([{ code: 'REASON_REQUIRED' }]);
    const refused = await act('dataRequestRefuse', second.id, h, 'Thông tin hạng GPLX đúng với hồ sơ gốc', 'reason');
    expect(refused.data.dataRequestRefuse.request).toMatchObject({ status: 'REFUSED', closedLate: true });
  });

  it("is the citizen's to see, newest first, and nobody else's", async () => {
    const MY = `query($after: String) { myRequests(first: 1, after: $after) { nodes { id status }
      pageInfo { endCursor hasNextPage } } }`;
    const p1 = await call<{ myRequests: Connection<RequestView> }>(hub.url, MY, {}, citizen(a.id));
    expect(p1.data.myRequests.nodes).toEqual([{ id: second.id, status: 'REFUSED' }]);
    expect(p1.data.myRequests.pageInfo.hasNextPage).toBe(true);
    const p2 = await call<{ myRequests: Connection<RequestView> }>(
      hub.url,
      MY,
      { after: p1.data.myRequests.pageInfo.endCursor },
      citizen(a.id),
    );
    expect(p2.data.myRequests.nodes).toEqual([{ id: first.id, status: 'DONE' }]);
    const other = await call<{ myRequests: Connection<RequestView> }>(hub.url, MY, {}, citizen(b.id));
    expect(other.data.myRequests.nodes).toEqual([]);
    const peek = await call<unknown>(
      hub.url,
      `query($id: ID!) { dataRequest(id: $id) { id } }`,
      { id: first.id },
      citizen(b.id),
    );
    expect(peek.errors![0].extensions!.code).toBe('NOT_FOUND');
  });

  it('a data-cleaning officer sees corrections only; a data-protection officer every kind', async () => {
    clock = null;
    const exp = await call<unknown>(hub.url, `{ myDataExport { generatedAt } }`, {}, citizen(a.id));
    expect(exp.errors).toBeUndefined();
    const dc = await call<List>(hub.url, LIST, { area: a.province }, officer('DATA_CLEANING', a.province));
    expect(new Set(dc.data.dataRequests.nodes.map((n) => n.kind))).toEqual(new Set(['CORRECTION']));
    const dp = await call<List>(hub.url, LIST, { area: a.province }, officer('DATA_PROTECTION', a.province));
    expect(new Set(dp.data.dataRequests.nodes.map((n) => n.kind))).toEqual(new Set(['CORRECTION', 'ACCESS']));
  });

  it('are downloaded as CSV by the officers of the area, audited', async () => {
    const requestId = `csv-${Date.now()}`;
    const res = await fetch(`${hub.url}/rights/requests.csv?area=${a.province}`, {
      headers: { ...officer('DATA_CLEANING', a.province), 'x-request-id': requestId },
    });
    expect(res.status).toBe(200);
    const lines = (await res.text())
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]).toBe(
      'request_id,kind,status,personal_id,commune_code,received_at,acknowledge_by,act_by,extended,acknowledgement_overdue,action_overdue,client_id,source,field',
    );
    expect(lines.slice(1).map((l) => l.split(',').slice(0, 3))).toEqual([
      [second.id, 'CORRECTION', 'REFUSED'],
      [first.id, 'CORRECTION', 'DONE'],
    ]);
    const record = await hub.store.hubDb.collection('audit').findOne({ requestId });
    expect(record).toMatchObject({
      operation: 'dataRequestsCsv',
      citizens: [{ citizenId: a.id, disclosed: [{ scope: 'DATA_REQUESTS' }] }],
    });
    const elsewhere = await fetch(`${hub.url}/rights/requests.csv?area=${a.province}`, {
      headers: officer('DATA_PROTECTION', b.province),
    });
    expect(elsewhere.status).toBe(403);
  });
});
