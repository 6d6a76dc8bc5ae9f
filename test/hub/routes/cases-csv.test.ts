import { seed } from '../../../mockdata/seed/index';
import { issueDevToken } from '../../../services/access/auth/dev-idp';
import type { OfficerRole } from '../../../services/access/auth/principal';
import type { AuditRecordDoc } from '../../../services/audit/model';
import { AUDIT_COLLECTION } from '../../../services/audit/writer';
import { CASE_CSV_COLUMNS } from '../../../hub/routes/cases-csv';
import { RECON_FINDINGS_COLLECTION, type FindingDoc } from '../../../services/reconciliation/model';
import { SOURCES } from '../../../connectors/registry';
import type { Mutation, Query } from '../../../generated/graphql';
import { gql, readJson, startTestHub, type GqlBody, type TestHub } from '../../support/hub';
import { testKeys } from '../../support/keys';
import { parseCsv } from '../../services/accounts/reports/support';

/**
 * The reconciliation workbench over real HTTP with real tokens: a run started and followed by an
 * officer, the cases it leaves (queries, filters, paging, jurisdiction, roles), case changes and
 * their audit, the assignment rules, the area summary and the CSV export of open cases.
 * Own data set under `rch_`.
 */

const keys = testKeys();
let hub: TestHub;
let province: string;
let commune: string;
let findings: FindingDoc[];

const token = (role: OfficerRole, area: { province: string; commune?: string }, officerId = `o-${role}`) =>
  issueDevToken('officer', { role, area, officerId, unit: 'Công an (test)' }, { key: keys.idp });
const bearer = (t: string) => ({ authorization: `Bearer ${t}` });
const cleaner = () => bearer(token('DATA_CLEANING', { province }));

async function auditOf(requestId: string): Promise<AuditRecordDoc[]> {
  const docs = await hub.store.hubDb.collection<AuditRecordDoc>(AUDIT_COLLECTION).find({ requestId }).toArray();
  return docs.sort((a, b) => a.seq - b.seq);
}

const CASES = `query($area: String!, $kind: DefectKind, $status: [ReconciliationCaseStatus!], $source: DataSource,
  $assignee: String, $first: Int, $after: String) {
  reconciliationCases(area: $area, kind: $kind, status: $status, source: $source, assignee: $assignee, first: $first, after: $after) {
    totalCount pageInfo { endCursor hasNextPage }
    nodes { id kind source recordKey personalId area { code kind } field variant sourceValue populationValue
      status assignee firstSeenAt lastSeenAt lastSeenRunId }
  } }`;
// A case's notes and history are asked of one case (their assumed sizes make them costly on a page).
const CASE = `query($id: ID!) { reconciliationCase(id: $id) { id status notes { text by } history { event from to by note assignee } } }`;
const CONFIRM = `mutation($id: ID!, $note: String) { reconciliationCaseConfirm(id: $id, note: $note) {
  case { id status history { event by } } userErrors { code message } } }`;
const ASSIGN = `mutation($id: ID!, $a: String) { reconciliationCaseAssign(id: $id, assignee: $a) {
  case { assignee } userErrors { code } } }`;
type Cases = Pick<Query, 'reconciliationCases'>;
type Case = Pick<Query, 'reconciliationCase'>;
type Assign = Pick<Mutation, 'reconciliationCaseAssign'>;
type Confirm = Pick<Mutation, 'reconciliationCaseConfirm'>;
/** The error code of a refused CSV request (the GraphQL endpoint's error shape). */
const errorCode = async (res: Response) => (await readJson<GqlBody<never>>(res)).errors?.[0].extensions?.code;

beforeAll(async () => {
  hub = await startTestHub({ HUB_CSV_CHUNK: '10' }, 'rch_');
  await seed(hub.store, {
    citizens: 500,
    seed: 31,
    rates: { FORMAT_ONLY: 0.08, MISMATCH: 0.06, OLD_ID_KEY: 0.08, ORPHAN: 0.04, DUPLICATE: 0.04, EXPIRED_ID_CARD: 0.1 },
  });
  // Run every province through the API would take long: one national run, then look at one province.
  const national = await hub.reconciliation.start({ province: 'VN' }, 'operator');
  await hub.reconciliation.wait(national._id);
  const all = await hub.store.hubDb.collection<FindingDoc>(RECON_FINDINGS_COLLECTION).find({}).toArray();
  const count = new Map<string, number>();
  for (const f of all) if (f.area.province) count.set(f.area.province, (count.get(f.area.province) ?? 0) + 1);
  [province] = [...count.entries()].sort((a, b) => b[1] - a[1])[0];
  findings = all.filter((f) => f.area.province === province);
  const byCommune = new Map<string, number>();
  for (const f of findings) if (f.area.commune) byCommune.set(f.area.commune, (byCommune.get(f.area.commune) ?? 0) + 1);
  [commune] = [...byCommune.entries()].sort((a, b) => b[1] - a[1])[0];
}, 120_000);

afterAll(async () => {
  await hub?.close();
});

describe('runs over HTTP', () => {
  it('a data-cleaning officer starts a run of their province and follows it to DONE', async () => {
    const start = await gql<Pick<Mutation, 'reconciliationRunStart'>>(
      hub.url,
      `mutation($a: String!) { reconciliationRunStart(area: $a) { id status } }`,
      { a: province },
      cleaner(),
    );
    expect(start.body.errors).toBeUndefined();
    const id = start.body.data!.reconciliationRunStart.id;
    // The start is audited (a mutation).
    expect(await auditOf(start.headers.get('x-request-id')!)).toHaveLength(1);
    let run: NonNullable<Query['reconciliationRun']>;
    do {
      await new Promise((r) => setTimeout(r, 100));
      const r = await gql<Pick<Query, 'reconciliationRun'>>(
        hub.url,
        `query($id: ID!) { reconciliationRun(id: $id) { status findings casesCleared casesRecurred progress { processed total } } }`,
        { id },
        cleaner(),
      );
      expect(r.body.errors).toBeUndefined();
      run = r.body.data!.reconciliationRun!;
    } while (run.status === 'RUNNING');
    expect(run).toMatchObject({ status: 'DONE', findings: findings.length, casesCleared: 0, casesRecurred: 0 });
  }, 60_000);
});

describe('cases over HTTP', () => {
  it('lists the cases of the area with identity attributes, every listed citizen audited', async () => {
    const r = await gql<Cases>(hub.url, CASES, { area: province, first: 100 }, cleaner());
    expect(r.body.errors).toBeUndefined();
    const conn = r.body.data!.reconciliationCases;
    expect(conn.totalCount).toBe(findings.length);
    const mismatch = conn.nodes.find((n) => n.kind === 'MISMATCH')!;
    expect(mismatch).toMatchObject({ status: 'OPEN', area: { kind: 'COMMUNE' } });
    const one = await gql<Case>(hub.url, CASE, { id: mismatch.id }, cleaner());
    expect(one.body.data!.reconciliationCase).toMatchObject({ status: 'OPEN', history: [], notes: [] });
    expect(['FULL_NAME', 'DATE_OF_BIRTH', 'SEX']).toContain(mismatch.field);
    expect(mismatch.sourceValue).not.toBe(mismatch.populationValue);
    const [record] = await auditOf(r.headers.get('x-request-id')!);
    expect(record.actor).toMatchObject({ kind: 'OFFICER', id: 'o-DATA_CLEANING' });
    // With no person (ORPHAN): the record key (12 digits here), as the audit subject.
    const listed = new Set(conn.nodes.map((n) => n.personalId ?? n.recordKey));
    expect(new Set(record.citizens.map((c) => c.citizenId))).toEqual(listed);
    for (const c of record.citizens) {
      // The population's side (identity, ID card) and the source record's (its document kind).
      for (const d of c.disclosed)
        expect([
          'IDENTITY',
          'IDENTITY_CARD',
          'DRIVING_LICENCE',
          'HEALTH_INSURANCE',
          'SOCIAL_INSURANCE',
          'HEALTH_RECORD',
        ]).toContain(d.scope);
    }
  });

  it('filters and pages; bad arguments are BAD_USER_INPUT', async () => {
    const orphans = findings.filter((f) => f.kind === 'ORPHAN').length;
    const r = await gql<Cases>(hub.url, CASES, { area: province, kind: 'ORPHAN', first: 2 }, cleaner());
    expect(r.body.data!.reconciliationCases.totalCount).toBe(orphans);
    let after = r.body.data!.reconciliationCases.pageInfo.endCursor;
    const seen = r.body.data!.reconciliationCases.nodes.map((n) => n.id);
    while (after) {
      const next = await gql<Cases>(hub.url, CASES, { area: province, kind: 'ORPHAN', first: 2, after }, cleaner());
      seen.push(...next.body.data!.reconciliationCases.nodes.map((n) => n.id));
      after = next.body.data!.reconciliationCases.pageInfo.hasNextPage
        ? next.body.data!.reconciliationCases.pageInfo.endCursor
        : null;
    }
    expect(seen.sort()).toEqual(
      findings
        .filter((f) => f.kind === 'ORPHAN')
        .map((f) => f._id)
        .sort(),
    );
    const bySource = await gql<Cases>(
      hub.url,
      CASES,
      { area: province, source: 'SOCIAL_INSURANCE', first: 100 },
      cleaner(),
    );
    expect(bySource.body.data!.reconciliationCases.totalCount).toBe(
      findings.filter((f) => f.source === 'socialInsurance').length,
    );
    for (const bad of [{ first: 0 }, { first: 101 }, { after: 'nope' }]) {
      const res = await gql<Cases>(hub.url, CASES, { area: province, ...bad }, cleaner());
      expect(res.body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    }
    const unknown = await gql<Cases>(hub.url, CASES, { area: '99' }, cleaner());
    expect(unknown.body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('jurisdiction: other provinces and, for a commune officer, the province and its orphans stay closed', async () => {
    const elsewhere = province === '01' ? '79' : '01';
    const other = bearer(token('DATA_CLEANING', { province: elsewhere }));
    const r = await gql<Cases>(hub.url, CASES, { area: province }, other);
    expect(r.body.errors?.[0].extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'OUT_OF_JURISDICTION' });
    const local = bearer(token('DATA_CLEANING', { province, commune }));
    const mine = await gql<Cases>(hub.url, CASES, { area: commune, first: 100 }, local);
    expect(mine.body.data!.reconciliationCases.totalCount).toBe(
      findings.filter((f) => f.area.commune === commune).length,
    );
    const wide = await gql<Cases>(hub.url, CASES, { area: province }, local);
    expect(wide.body.errors?.[0].extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'OUT_OF_JURISDICTION' });
    const orphan = findings.find((f) => f.kind === 'ORPHAN' && f.area.commune === null)!;
    const one = `query($id: ID!) { reconciliationCase(id: $id) { id status } }`;
    // A case outside the jurisdiction and an unknown id answer alike (NOT_FOUND): no probing.
    const hidden = await gql<Case>(hub.url, one, { id: orphan._id }, local);
    expect(hidden.body.errors?.[0].extensions).toEqual({ code: 'NOT_FOUND' });
    const unknown = await gql<Case>(hub.url, one, { id: 'no:such:case:' }, cleaner());
    expect(unknown.body.errors?.[0].extensions).toEqual({ code: 'NOT_FOUND' });
    expect(unknown.body.errors?.[0].message).toBe(hidden.body.errors?.[0].message);
    const seen = await gql<Case>(hub.url, one, { id: orphan._id }, cleaner());
    expect(seen.body.data!.reconciliationCase).toEqual({ id: orphan._id, status: 'OPEN' });
  });

  it('roles: working groups, citizens and anonymous callers are refused', async () => {
    const wg = await gql<Cases>(hub.url, CASES, { area: province }, bearer(token('WORKING_GROUP', { province })));
    expect(wg.body.errors?.[0].extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'ROLE' });
    const citizen = await gql<Cases>(
      hub.url,
      CASES,
      { area: province },
      bearer(keys.citizen(findings[0].personalId ?? '001095012345')),
    );
    expect(citizen.body.errors?.[0].extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'NOT_SUBJECT' });
    const anon = await gql<Cases>(hub.url, CASES, { area: province });
    expect(anon.body.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    const write = await gql<Confirm>(
      hub.url,
      CONFIRM,
      { id: findings[0]._id },
      bearer(token('ACCOUNT_APPROVER', { province })),
    );
    expect(write.body.errors?.[0].extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'ROLE' });
  });

  it('a case change is committed and audited with the change and the citizen', async () => {
    const f = findings.find((x) => x.kind === 'MISMATCH' && x.personalId)!;
    const r = await gql<Confirm>(hub.url, CONFIRM, { id: f._id, note: 'hồ sơ giấy khớp dân cư' }, cleaner());
    expect(r.body.data!.reconciliationCaseConfirm).toEqual({
      case: { id: f._id, status: 'CONFIRMED', history: [{ event: 'CONFIRM', by: 'officer:o-DATA_CLEANING' }] },
      userErrors: [],
    });
    const [record] = await auditOf(r.headers.get('x-request-id')!);
    expect(record.caseChanges).toEqual([
      {
        caseId: f._id,
        citizenId: f.personalId,
        event: 'CONFIRM',
        from: 'OPEN',
        to: 'CONFIRMED',
        by: 'officer:o-DATA_CLEANING',
        note: 'hồ sơ giấy khớp dân cư',
      },
    ]);
    expect(record.citizens.map((c) => c.citizenId)).toEqual([f.personalId]);
    const again = await gql<Confirm>(hub.url, CONFIRM, { id: f._id }, cleaner());
    // The same length, each error as listed (its message a non-null String by the schema).
    expect(again.body.data!.reconciliationCaseConfirm.userErrors).toMatchObject([{ code: 'ILLEGAL_TRANSITION' }]);
    const dismiss = await gql<Pick<Mutation, 'reconciliationCaseDismiss'>>(
      hub.url,
      `mutation($id: ID!) { reconciliationCaseDismiss(id: $id, reason: "") { case { status } userErrors { code } } }`,
      { id: f._id },
      cleaner(),
    );
    expect(dismiss.body.data!.reconciliationCaseDismiss.userErrors).toEqual([{ code: 'NOTE_REQUIRED' }]);
    const refusedAudit = await auditOf(dismiss.headers.get('x-request-id')!);
    expect(refusedAudit[0].caseChanges).toBeUndefined();
    // Resolving needs a note on the hub, not only in the workbench: absent or blank, refused.
    for (const note of [null, '   ']) {
      const resolve = await gql<Pick<Mutation, 'reconciliationCaseResolve'>>(
        hub.url,
        `mutation($id: ID!, $note: String) { reconciliationCaseResolve(id: $id, note: $note) {
          case { status } userErrors { code message status } } }`,
        { id: f._id, note },
        cleaner(),
      );
      expect(resolve.body.data!.reconciliationCaseResolve).toEqual({
        case: { status: 'CONFIRMED' },
        userErrors: [
          {
            code: 'NOTE_REQUIRED',
            message: 'Say what was corrected and where (a note is required to resolve a case)',
            status: 'CONFIRMED',
          },
        ],
      });
      expect((await auditOf(resolve.headers.get('x-request-id')!))[0].caseChanges).toBeUndefined();
    }
  });

  it('an alias cannot hide a case from the audit (a failing sibling field of the same name)', async () => {
    const f = findings.find((x) => x.kind === 'MISMATCH' && x.personalId && x.personalId !== findings[0].personalId)!;
    const r = await gql<{ x: Query['reconciliationCase'] }>(
      hub.url,
      `query($id: ID!) { x: reconciliationCase(id: $id) { personalId sourceValue populationValue }
        reconciliationCase(id: "no:such:case:") { id } }`,
      { id: f._id },
      cleaner(),
    );
    expect(r.body.data!.x!.personalId).toBe(f.personalId);
    expect(r.body.errors?.[0].path).toEqual(['reconciliationCase']);
    const [record] = await auditOf(r.headers.get('x-request-id')!);
    expect(record.citizens.map((c) => c.citizenId)).toEqual([f.personalId]);
    expect(record.citizens[0].disclosed[0].paths).toEqual(['x']);
  });

  it('data-cleaning officers take and release cases for themselves; supervisors assign anyone', async () => {
    const id = findings.find((x) => x.kind === 'OLD_ID_KEY')!._id;
    const me = bearer(token('DATA_CLEANING', { province }, 'dc-1'));
    const other = await gql<Assign>(hub.url, ASSIGN, { id, a: 'dc-2' }, me);
    expect(other.body.data!.reconciliationCaseAssign.userErrors).toEqual([{ code: 'INVALID_ASSIGNEE' }]);
    const take = await gql<Assign>(hub.url, ASSIGN, { id, a: 'dc-1' }, me);
    expect(take.body.data!.reconciliationCaseAssign).toEqual({ case: { assignee: 'dc-1' }, userErrors: [] });
    const mine = await gql<Cases>(hub.url, CASES, { area: province, assignee: 'dc-1' }, me);
    expect(mine.body.data!.reconciliationCases.nodes.map((n) => n.id)).toEqual([id]);
    const sup = bearer(token('SUPERVISOR', { province }, 'sup-1'));
    expect(
      (await gql<Assign>(hub.url, ASSIGN, { id, a: 'dc-2' }, sup)).body.data!.reconciliationCaseAssign.case,
    ).toEqual({
      assignee: 'dc-2',
    });
    const release = await gql<Assign>(hub.url, ASSIGN, { id, a: null }, me);
    expect(release.body.data!.reconciliationCaseAssign.userErrors).toEqual([{ code: 'INVALID_ASSIGNEE' }]);
    // A colleague's case cannot be taken over by a data-cleaning officer (only by a supervisor).
    const takeOver = await gql<Assign>(hub.url, ASSIGN, { id, a: 'dc-1' }, me);
    expect(takeOver.body.data!.reconciliationCaseAssign.userErrors).toEqual([{ code: 'INVALID_ASSIGNEE' }]);
    const byOwner = await gql<Assign>(
      hub.url,
      ASSIGN,
      { id, a: null },
      bearer(token('DATA_CLEANING', { province }, 'dc-2')),
    );
    expect(byOwner.body.data!.reconciliationCaseAssign).toEqual({ case: { assignee: null }, userErrors: [] });
  });

  it('the summary gives the share of clean records per source and the cases by status', async () => {
    const r = await gql<Pick<Query, 'reconciliationSummary'>>(
      hub.url,
      `query($a: String!) { reconciliationSummary(area: $a) { area { code } asOf complete runIds
        sources { source records recordsWithFindings cleanShare openCases { kind count } }
        cases { status count } } }`,
      { a: province },
      cleaner(),
    );
    expect(r.body.errors).toBeUndefined();
    const s = r.body.data!.reconciliationSummary;
    expect(s.complete).toBe(true);
    expect(s.runIds.length).toBeGreaterThanOrEqual(1);
    expect(s.sources.map((x) => x.source)).toEqual([
      'POPULATION',
      'DRIVING_LICENCE',
      'HEALTH_INSURANCE',
      'SOCIAL_INSURANCE',
      'HEALTH_RECORD',
    ]);
    for (const x of s.sources) {
      expect(x.records).toBeGreaterThan(0);
      expect(x.recordsWithFindings).toBeLessThanOrEqual(x.records);
      expect(x.cleanShare).toBeCloseTo(1 - x.recordsWithFindings / x.records, 3);
    }
    const byStatus = new Map(s.cases.map((c) => [c.status, c.count]));
    expect([...byStatus.values()].reduce((a, b) => a + b, 0)).toBe(findings.length);
    expect(byStatus.get('CONFIRMED')).toBeGreaterThanOrEqual(1);
    const open = s.sources.flatMap((x) => x.openCases).reduce((a, c) => a + c.count, 0);
    expect(open).toBe(byStatus.get('OPEN')! + byStatus.get('CONFIRMED')!);
  });
});

describe('a later run over HTTP', () => {
  it('audits the cases it clears, as the SYSTEM', async () => {
    const orphan = findings.find((f) => f.kind === 'ORPHAN')!;
    const s = SOURCES[orphan.source];
    await hub.store
      .db(s.db)
      .collection(s.collection)
      .deleteOne({ _id: orphan.recordKey as never });
    const run = await hub.reconciliation.start({ province }, 'test');
    await hub.reconciliation.wait(run._id);
    expect((await hub.reconciliation.get(run._id))!.casesCleared).toBe(1);
    const [record] = await auditOf(`reconciliation-run:${run._id}`);
    expect(record.actor).toEqual({ kind: 'SYSTEM', id: `run:${run._id}` });
    expect(record.caseChanges).toEqual([
      expect.objectContaining({
        caseId: orphan._id,
        event: 'CLEARED',
        from: 'OPEN',
        to: 'RESOLVED',
        by: `run:${run._id}`,
      }),
    ]);
  }, 60_000);
});

describe('CSV export of open cases', () => {
  const url = (q: string) => `${hub.url}/reconciliation/cases.csv?${q}`;

  it('refuses missing tokens, other roles, bad parameters and areas elsewhere', async () => {
    expect((await fetch(url(`area=${province}`))).status).toBe(401);
    expect(
      (await fetch(url(`area=${province}`), { headers: bearer(token('WORKING_GROUP', { province })) })).status,
    ).toBe(403);
    for (const q of [
      'area=99',
      `area=${province}&status=NOPE`,
      `area=${province}&kind=X`,
      `area=${province}&source=Y`,
    ]) {
      const res = await fetch(url(q), { headers: cleaner() });
      expect(res.status).toBe(400);
      expect(await errorCode(res)).toBe('BAD_USER_INPUT');
    }
    const elsewhere = province === '01' ? '79' : '01';
    expect((await fetch(url(`area=${elsewhere}`), { headers: cleaner() })).status).toBe(403);
  });

  it('streams the open and confirmed cases of the area, each chunk audited first', async () => {
    const res = await fetch(url(`area=${province}`), { headers: cleaner() });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const rows = parseCsv((await res.text()).replace(/^\uFEFF/, ''));
    expect(rows[0]).toEqual([...CASE_CSV_COLUMNS]);
    const body = rows.slice(1);
    const open = await gql<Cases>(
      hub.url,
      CASES,
      { area: province, status: ['OPEN', 'CONFIRMED'], first: 1 },
      cleaner(),
    );
    expect(body).toHaveLength(open.body.data!.reconciliationCases.totalCount);
    for (const row of body) expect(['OPEN', 'CONFIRMED']).toContain(row[1]);
    const records = await auditOf(res.headers.get('x-request-id')!);
    // One record per chunk of at most 10 rows (a chunk never spans two communes).
    expect(records.length).toBeGreaterThanOrEqual(Math.ceil(body.length / 10));
    for (const r of records) expect(r.citizens.length).toBeLessThanOrEqual(10);
    const audited = new Set(records.flatMap((r) => r.citizens.map((c) => c.citizenId)));
    // The person, else (ORPHAN) the record key: every row's subject is audited.
    expect(audited).toEqual(new Set(body.map((r) => r[5] || r[4])));
  });
});

describe('CSV export of a national supervisor', () => {
  const url = (q: string) => `${hub.url}/reconciliation/cases.csv?${q}`;
  const national = () => bearer(token('SUPERVISOR', { province: 'VN' }, 'o-national'));

  it('exports VN (every case, also those of no known area) and any province, like the GraphQL query', async () => {
    const res = await fetch(url('area=VN'), { headers: national() });
    expect(res.status).toBe(200);
    const body = parseCsv((await res.text()).replace(/^\uFEFF/, '')).slice(1);
    const open = await gql<Cases>(hub.url, CASES, { area: 'VN', status: ['OPEN', 'CONFIRMED'], first: 1 }, national());
    expect(open.body.errors).toBeUndefined();
    expect(body).toHaveLength(open.body.data!.reconciliationCases.totalCount);
    const unknown = await hub.store.hubDb
      .collection<FindingDoc>(RECON_FINDINGS_COLLECTION)
      .countDocuments({ 'area.province': null });
    if (unknown > 0) expect(body.some((r) => r[6] === '')).toBe(true); // cases of no known area too
    const ofProvince = await fetch(url(`area=${province}`), { headers: national() });
    expect(ofProvince.status).toBe(200);
    const rows = parseCsv((await ofProvince.text()).replace(/^\uFEFF/, '')).slice(1);
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) expect(r[6]).toBe(province);
  });

  it('refuses VN to officers of a province (FORBIDDEN), as the GraphQL query does', async () => {
    const res = await fetch(url('area=VN'), { headers: cleaner() });
    expect(res.status).toBe(403);
    expect(await errorCode(res)).toBe('FORBIDDEN');
    const q = await gql<Cases>(hub.url, CASES, { area: 'VN', first: 1 }, cleaner());
    expect(q.body.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });
});
