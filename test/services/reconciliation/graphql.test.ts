import { SOURCES } from '../../../connectors/registry';
import { seed } from '../../../mockdata/seed/index';
import type { Principal } from '../../../services/access/auth/principal';
import type { Store } from '../../../store/connection';
import type { Mutation, Query } from '../../../generated/graphql';
import { createExecutor } from '../../support/exec';
import { connectTestStore } from '../../support/hub';

/** The reconciliation runs through GraphQL: roles, jurisdiction, start / follow / cancel. */
let store: Store;
let ex: Awaited<ReturnType<typeof createExecutor>>;

const officer = (province: string, role: 'DATA_CLEANING' | 'WORKING_GROUP' | 'SUPERVISOR' = 'DATA_CLEANING') =>
  ({
    kind: 'OFFICER',
    officerId: `o-${province}-${role}`,
    role,
    jurisdiction: { province },
    unit: 'CA',
    issuer: 'test',
  }) as Principal;

const START = `mutation($a: String!) { reconciliationRunStart(area: $a) { id status area { code } progress { total } } }`;
type Start = Pick<Mutation, 'reconciliationRunStart'>;
type Run = Pick<Query, 'reconciliationRun'>;
const RUN = `query($id: ID!) { reconciliationRun(id: $id) { id status phase findings counts { kind count }
  progress { processed total ratePerS etaS } startedBy finishedAt } }`;

beforeAll(async () => {
  store = await connectTestStore('rcg_');
  await seed(store, { citizens: 400, seed: 23 });
  ex = await createExecutor(store);
}, 120_000);

afterAll(async () => {
  await ex.stop();
  await store.close();
});

describe('reconciliation runs over GraphQL', () => {
  it('a data-cleaning officer starts a run for their province and follows it to DONE', async () => {
    const start = await ex.exec<Start>(officer('79'), START, { a: '79' });
    expect(start.result.errors).toBeUndefined();
    const run = start.result.data!.reconciliationRunStart;
    expect(run).toMatchObject({ status: 'RUNNING', area: { code: '79' } });
    await ex.reconciliation.wait(run.id);
    const after = await ex.exec<Run>(officer('79'), RUN, { id: run.id });
    const r = after.result.data!.reconciliationRun!;
    expect(r.status).toBe('DONE');
    expect(r.startedBy).toBe('officer:o-79-DATA_CLEANING');
    expect(r.progress.processed).toBeGreaterThan(0);
    const total = r.counts.reduce((s, c) => s + c.count, 0);
    expect(total).toBe(r.findings);
    expect(r.findings).toBeGreaterThan(0);
  }, 60_000);

  it('refuses other provinces, other roles (naming the roles needed) and unknown areas; runs elsewhere are NOT_FOUND like unknown ones', async () => {
    const elsewhere = await ex.exec<Start>(officer('01'), START, { a: '79' });
    expect(elsewhere.result.errors?.[0].extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'OUT_OF_JURISDICTION' });
    const role = await ex.exec(officer('79', 'WORKING_GROUP'), START, { a: '79' });
    expect(role.result.errors?.[0].extensions).toMatchObject({
      code: 'FORBIDDEN',
      reason: 'ROLE',
      required: { roles: ['DATA_CLEANING', 'SUPERVISOR'] },
    });
    expect(role.result.errors?.[0].message).toBe(
      'This needs the officer role DATA_CLEANING or SUPERVISOR; your role is WORKING_GROUP',
    );
    const unknown = await ex.exec<Start>(officer('79'), START, { a: '99' });
    expect(unknown.result.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
    const anon = await ex.exec<Start>({ kind: 'ANONYMOUS' }, START, { a: '79' });
    expect(anon.result.errors?.[0].extensions).toMatchObject({ code: 'UNAUTHENTICATED' });
    const mine = await ex.exec<Start>(officer('01'), START, { a: '01' });
    const id = mine.result.data!.reconciliationRunStart.id;
    // Another area's run and an unknown id answer alike: nothing tells that the run exists.
    const peek = await ex.exec<Run>(officer('79'), RUN, { id });
    expect(peek.result.errors?.[0].extensions).toMatchObject({ code: 'NOT_FOUND' });
    const missing = await ex.exec<Run>(officer('79'), RUN, { id: 'no-such-run' });
    expect(missing.result.errors?.[0].extensions).toMatchObject({ code: 'NOT_FOUND' });
    await ex.reconciliation.wait(id);
  }, 60_000);

  it('cancels a running run', async () => {
    const start = await ex.exec<Start>(officer('01', 'SUPERVISOR'), START, { a: '01' });
    const id = start.result.data!.reconciliationRunStart.id;
    const cancel = await ex.exec<Pick<Mutation, 'reconciliationRunCancel'>>(
      officer('01', 'SUPERVISOR'),
      `mutation($id: ID!) { reconciliationRunCancel(id: $id) { status } }`,
      { id },
    );
    expect(cancel.result.errors).toBeUndefined();
    expect(['CANCELLED', 'DONE']).toContain(cancel.result.data!.reconciliationRunCancel?.status);
  }, 60_000);

  it("a run's own cases, paged, filtered and audited like reconciliationCases; its reference date and writes", async () => {
    const start = await ex.exec<Start>(officer('79'), START, { a: '79' });
    const id = start.result.data!.reconciliationRunStart.id;
    await ex.reconciliation.wait(id);
    const Q = `query($id: ID!, $after: String, $kind: DefectKind) { reconciliationRun(id: $id) { findings referenceDate
      writes { findings unchanged index stats }
      cases(first: 7, after: $after, kind: $kind) { totalCount pageInfo { endCursor hasNextPage } nodes { id kind personalId lastSeenRunId } } } }`;
    const seen: string[] = [];
    let after: string | null = null;
    let findings: number;
    for (;;) {
      const r = await ex.exec<Run>(officer('79'), Q, { id, after });
      expect(r.result.errors).toBeUndefined();
      const run: NonNullable<Run['reconciliationRun']> = r.result.data!.reconciliationRun!;
      findings = run.findings;
      // The date validity was judged on, fixed at the start (today in Vietnam for this runner).
      expect(run.referenceDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      // What the run wrote (its findings and those unchanged since the last run add up to them).
      expect(run.writes).not.toBeNull();
      expect(run.writes!.findings + run.writes!.unchanged).toBe(run.findings);
      expect(run.cases.totalCount).toBe(run.findings);
      for (const c of run.cases.nodes) {
        expect(c.lastSeenRunId).toBe(id);
        seen.push(c.id);
      }
      // Every case shown is in the request's audit (identity attributes of its citizen).
      const audited = new Set(r.ctx.audit.events.map((e) => e.citizenId));
      for (const c of run.cases.nodes) if (c.personalId) expect(audited.has(c.personalId)).toBe(true);
      if (!run.cases.pageInfo.hasNextPage) break;
      after = run.cases.pageInfo.endCursor;
    }
    expect(new Set(seen).size).toBe(findings);
    expect(findings).toBeGreaterThan(7);
    // Filtered by kind.
    const m = await ex.exec<Run>(officer('79'), Q, { id, kind: 'MISMATCH' });
    for (const c of m.result.data!.reconciliationRun!.cases.nodes) expect(c.kind).toBe('MISMATCH');
    // Another province's officer sees neither the run nor its cases.
    const other = await ex.exec<Run>(officer('01'), Q, { id });
    expect(other.result.errors?.[0].extensions).toMatchObject({ code: 'NOT_FOUND' });
  }, 60_000);

  it('a national supervisor runs the whole country (orphans with no area included); no one else may', async () => {
    const national = officer('VN', 'SUPERVISOR');
    // A record keyed by a 9-digit number that is nobody's CMND: an orphan with no known area.
    const gplx = store.db(SOURCES.drivingLicence.db).collection(SOURCES.drivingLicence.collection);
    const some = (await gplx.findOne({}))!;
    await gplx.insertOne({ ...some, _id: '999999990' as never });
    const start = await ex.exec<Start>(national, START, { a: 'VN' });
    expect(start.result.errors).toBeUndefined();
    const id = start.result.data!.reconciliationRunStart.id;
    expect(start.result.data!.reconciliationRunStart.area).toEqual({ code: 'VN' });
    await ex.reconciliation.wait(id);
    const Q = `query($id: ID!, $after: String) { reconciliationRun(id: $id) { status findings area { code kind }
      cases(first: 100, after: $after, kind: ORPHAN) { totalCount pageInfo { endCursor hasNextPage } nodes { id area { code } } } } }`;
    let after: string | null = null;
    let noArea = 0;
    for (;;) {
      const r = await ex.exec<Run>(national, Q, { id, after });
      expect(r.result.errors).toBeUndefined();
      const run: NonNullable<Run['reconciliationRun']> = r.result.data!.reconciliationRun!;
      expect(run).toMatchObject({ status: 'DONE', area: { code: 'VN', kind: 'NATIONAL' } });
      noArea += run.cases.nodes.filter((c) => c.area === null && c.id.includes(':999999990:')).length;
      if (!run.cases.pageInfo.hasNextPage) break;
      after = run.cases.pageInfo.endCursor;
    }
    expect(noArea).toBe(1);
    const summary = await ex.exec(
      national,
      `{ reconciliationSummary(area: "VN") { area { kind } cases { status count } } }`,
    );
    expect(summary.result.errors).toBeUndefined();
    // A province supervisor may neither start nor see a national run.
    const province = officer('79', 'SUPERVISOR');
    const refused = await ex.exec<Start>(province, START, { a: 'VN' });
    expect(refused.result.errors?.[0].extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'OUT_OF_JURISDICTION' });
    const peek = await ex.exec<Run>(province, RUN, { id });
    expect(peek.result.errors?.[0].extensions).toMatchObject({ code: 'NOT_FOUND' });
  }, 120_000);
});
