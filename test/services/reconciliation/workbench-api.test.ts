/**
 * What the officers' workbench asks of reconciliation: refusals in plain words (the case's status
 * and what it allows; the roles a refused caller needs), NOT_FOUND alike for unknown cases and cases
 * elsewhere, both sides of a case labelled (raw and normalised), closing many FORMAT_ONLY cases at
 * once (each through the state machine and the audit), past runs, cleanliness over time, cases by
 * age (reading only the index documents a page shows).
 */
import type { Mutation, Query, ReconciliationCase, ReconciliationCaseConnection } from '../../../generated/graphql';
import { seed } from '../../../mockdata/seed/index';
import type { Principal } from '../../../services/access/auth/principal';
import type { Store } from '../../../store/connection';
import { createExecutor } from '../../support/exec';
import { connectTestStore } from '../../support/hub';

let store: Store;
let ex: Awaited<ReturnType<typeof createExecutor>>;
const PROVINCE = '79';

const officer = (
  province: string,
  role: 'DATA_CLEANING' | 'WORKING_GROUP' | 'SUPERVISOR' = 'DATA_CLEANING',
  officerId = `o-${province}-${role}`,
) => ({ kind: 'OFFICER', officerId, role, jurisdiction: { province }, unit: 'CA', issuer: 'test' }) as Principal;

/** The answer's data, typed by the schema (the fields asked are there). */
const data = (r: { result: { data?: unknown } }) => r.result.data as Query & Mutation;

const CASES = `query($area: String!, $kind: DefectKind, $order: ReconciliationCaseOrder, $before: DateTime, $after: String) {
  reconciliationCases(area: $area, kind: $kind, order: $order, firstSeenBefore: $before, first: 100, after: $after) {
    totalCount pageInfo { endCursor hasNextPage }
    nodes { id kind status firstSeenAt field sourceValue populationValue
      comparison { field formOnly population { side source raw normalised key } source { side source raw normalised key } } } } }`;
const RESOLVE = `mutation($id: ID!) { reconciliationCaseResolve(id: $id, note: "x") {
  case { status } userErrors { code message status allowed } } }`;
const BULK = `mutation($ids: [ID!]!, $note: String!, $how: ReconciliationBulkClose) {
  reconciliationCasesCloseFormatOnly(ids: $ids, note: $note, how: $how) {
    closed refused results { id case { id status history { event by note } } userErrors { code message } } } }`;

let runId: string;

beforeAll(async () => {
  store = await connectTestStore('wba_');
  await seed(store, { citizens: 400, seed: 29, rates: { FORMAT_ONLY: 0.15, MISMATCH: 0.15, OLD_ID_KEY: 0.05 } });
  ex = await createExecutor(store);
  const start = await ex.exec(officer(PROVINCE), `mutation { reconciliationRunStart(area: "${PROVINCE}") { id } }`);
  runId = data(start).reconciliationRunStart.id;
  await ex.reconciliation.wait(runId);
}, 120_000);

afterAll(async () => {
  await ex.stop();
  await store.close();
});

async function casesOf(kind: string): Promise<ReconciliationCase[]> {
  const r = await ex.exec(officer(PROVINCE), CASES, { area: PROVINCE, kind });
  expect(r.result.errors).toBeUndefined();
  return data(r).reconciliationCases.nodes;
}

it('an illegal move says the status and what the case allows, in words and as fields', async () => {
  const [open] = await casesOf('MISMATCH');
  const r = await ex.exec(officer(PROVINCE), RESOLVE, { id: open.id });
  expect(data(r).reconciliationCaseResolve.userErrors).toEqual([
    {
      code: 'ILLEGAL_TRANSITION',
      message:
        'This case is open: it cannot be resolved. An open case can be confirmed, dismissed, assigned or given a note. Confirm it first, then resolve it.',
      status: 'OPEN',
      allowed: ['CONFIRM', 'DISMISS', 'ASSIGN', 'NOTE'],
    },
  ]);
  expect(data(r).reconciliationCaseResolve.userErrors[0].message).not.toMatch(/cannot take/);
});

it('an unknown case and a case of another province are both NOT_FOUND, with the same words', async () => {
  const [c] = await casesOf('MISMATCH');
  const Q = `query($id: ID!) { reconciliationCase(id: $id) { id } }`;
  const elsewhere = await ex.exec(officer('01'), Q, { id: c.id });
  const unknown = await ex.exec(officer('01'), Q, { id: 'drivingLicence:000000000000:MISMATCH:sex' });
  expect(elsewhere.result.errors?.[0].extensions).toEqual({ code: 'NOT_FOUND' });
  expect(unknown.result.errors?.[0].extensions).toEqual({ code: 'NOT_FOUND' });
  expect(elsewhere.result.errors?.[0].message).toBe(unknown.result.errors?.[0].message);
  // Acting on it from elsewhere: NOT_FOUND too, and nothing changes.
  const act = await ex.exec(officer('01'), RESOLVE, { id: c.id });
  expect(act.result.errors?.[0].extensions).toEqual({ code: 'NOT_FOUND' });
});

it('a refusal for the role names the roles needed', async () => {
  const r = await ex.exec(officer(PROVINCE, 'WORKING_GROUP'), CASES, { area: PROVINCE });
  expect(r.result.errors?.[0].extensions).toMatchObject({
    code: 'FORBIDDEN',
    reason: 'ROLE',
    required: { roles: ['DATA_CLEANING', 'SUPERVISOR'] },
  });
  expect(r.result.errors?.[0].message).toMatch(/DATA_CLEANING or SUPERVISOR; your role is WORKING_GROUP/);
});

it('both sides of a case are labelled, as stored and normalised; the field is named as in the CSV', async () => {
  const mismatches = await casesOf('MISMATCH');
  const formOnly = await casesOf('FORMAT_ONLY');
  expect(mismatches.length).toBeGreaterThan(0);
  for (const c of [...mismatches, ...formOnly]) {
    const cmp = c.comparison!;
    expect(cmp.field).toBe(c.field);
    expect(['FULL_NAME', 'DATE_OF_BIRTH', 'SEX']).toContain(cmp.field);
    expect(cmp.population).toMatchObject({ side: 'POPULATION', source: 'POPULATION', raw: c.populationValue });
    expect(cmp.source).toMatchObject({ side: 'SOURCE', raw: c.sourceValue });
    expect(cmp.source.source).not.toBe('POPULATION');
    expect(cmp.formOnly).toBe(c.kind === 'FORMAT_ONLY');
    if (cmp.field === 'DATE_OF_BIRTH') {
      expect(cmp.population.normalised).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      if (c.kind === 'FORMAT_ONLY') expect(cmp.source.normalised).toBe(cmp.population.normalised);
    }
    if (cmp.field === 'SEX') expect(['MALE', 'FEMALE']).toContain(cmp.population.normalised);
    if (cmp.field === 'FULL_NAME') {
      expect(cmp.population.key).toEqual(expect.any(String));
      if (c.kind === 'FORMAT_ONLY') expect(cmp.source.key).toBe(cmp.population.key);
    }
  }
  const [other] = await casesOf('OLD_ID_KEY');
  if (other) expect(other.comparison).toBeNull();
});

it('closes many FORMAT_ONLY cases at once, each through the state machine and audited; refuses others per case', async () => {
  const formOnly = (await casesOf('FORMAT_ONLY')).filter((c) => c.status === 'OPEN').slice(0, 3);
  expect(formOnly.length).toBe(3);
  const [mismatch] = await casesOf('MISMATCH');
  const ids = [...formOnly.map((c) => c.id), mismatch.id, 'socialInsurance:000000000000:FORMAT_ONLY:fullName'];
  const r = await ex.exec(officer(PROVINCE), BULK, { ids, note: 'chỉ khác cách viết' });
  expect(r.result.errors).toBeUndefined();
  const out = data(r).reconciliationCasesCloseFormatOnly;
  expect(out).toMatchObject({ closed: 3, refused: 2 });
  expect(out.results.map((x) => x.id)).toEqual(ids);
  for (const x of out.results.slice(0, 3)) {
    expect(x.userErrors).toEqual([]);
    expect(x.case!.status).toBe('RESOLVED');
    expect(x.case!.history.map((h) => h.event)).toEqual(['CONFIRM', 'RESOLVE']);
    expect(x.case!.history[1].note).toBe('chỉ khác cách viết');
  }
  expect(out.results[3].userErrors[0].code).toBe('NOT_FORMAT_ONLY');
  expect(out.results[4]).toMatchObject({ case: null, userErrors: [{ code: 'NOT_FOUND' }] });
  // Every change is in the request's audit record, one per step.
  const changes = r.ctx.audit.caseChanges?.map((c) => `${c.caseId} ${c.event}`).sort();
  expect(changes).toEqual(formOnly.flatMap((c) => [`${c.id} CONFIRM`, `${c.id} RESOLVE`]).sort());
  // Again: the same state machine refuses what is resolved already, in words.
  const again = await ex.exec(officer(PROVINCE), BULK, { ids: [formOnly[0].id], note: 'x' });
  const refused = data(again).reconciliationCasesCloseFormatOnly.results[0].userErrors[0];
  expect(refused.code).toBe('ILLEGAL_TRANSITION');
  expect(refused.message).toContain('This case is resolved');
  const empty = await ex.exec(officer(PROVINCE), BULK, { ids: [formOnly[1].id], note: '  ' });
  expect(data(empty).reconciliationCasesCloseFormatOnly.results[0].userErrors[0].code).toBe('NOTE_REQUIRED');
  const tooMany = await ex.exec(officer(PROVINCE), BULK, { ids: Array(101).fill(formOnly[0].id), note: 'x' });
  expect(tooMany.result.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
});

it('past runs of the area, newest first, paged; cleanliness after each run', async () => {
  const second = await ex.exec(officer(PROVINCE), `mutation { reconciliationRunStart(area: "${PROVINCE}") { id } }`);
  const id2 = data(second).reconciliationRunStart.id;
  await ex.reconciliation.wait(id2);
  const RUNS = `query($after: String) { reconciliationRuns(area: "${PROVINCE}", first: 1, after: $after) {
    totalCount pageInfo { endCursor hasNextPage } nodes { id status area { code } } } }`;
  const p1 = data(await ex.exec(officer(PROVINCE), RUNS, {})).reconciliationRuns;
  expect(p1.totalCount).toBe(2);
  expect(p1.nodes).toEqual([{ id: id2, status: 'DONE', area: { code: PROVINCE } }]);
  const p2 = data(await ex.exec(officer(PROVINCE), RUNS, { after: p1.pageInfo.endCursor })).reconciliationRuns;
  expect(p2.nodes.map((n) => n.id)).toEqual([runId]);
  expect(p2.pageInfo.hasNextPage).toBe(false);
  const other = await ex.exec(officer('01'), RUNS, {});
  expect(other.result.errors?.[0].extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'OUT_OF_JURISDICTION' });

  const CLEAN = `{ reconciliationCleanliness(area: "${PROVINCE}") { at runId sources { source records recordsWithFindings cleanShare } }
    reconciliationSummary(area: "${PROVINCE}") { sources { source records recordsWithFindings cleanShare } } }`;
  const c = data(await ex.exec(officer(PROVINCE), CLEAN));
  expect(c.reconciliationCleanliness.map((p) => p.runId)).toEqual([runId, id2]);
  // The latest point is what the summary says now.
  expect(c.reconciliationCleanliness[1].sources).toEqual(c.reconciliationSummary.sources);
  for (const s of c.reconciliationCleanliness[0].sources) {
    if (s.records) expect(s.cleanShare).toBeCloseTo(1 - s.recordsWithFindings / s.records, 4);
  }
}, 60_000);

it('cases by age: oldest or newest first, and only those first found before an instant', async () => {
  const all: ReconciliationCase[] = [];
  let after: string | null = null;
  for (;;) {
    const r = await ex.exec<Query>(officer(PROVINCE), CASES, { area: PROVINCE, order: 'NEWEST', after });
    expect(r.result.errors).toBeUndefined();
    const page: ReconciliationCaseConnection = data(r).reconciliationCases;
    all.push(...page.nodes);
    if (!page.pageInfo.hasNextPage) break;
    after = page.pageInfo.endCursor;
  }
  const total = data(await ex.exec(officer(PROVINCE), CASES, { area: PROVINCE })).reconciliationCases.totalCount;
  expect(all).toHaveLength(total);
  expect(new Set(all.map((c) => c.id)).size).toBe(total);
  const oldest = data(await ex.exec(officer(PROVINCE), CASES, { area: PROVINCE, order: 'OLDEST' })).reconciliationCases;
  expect(oldest.nodes[0].firstSeenAt <= all[0].firstSeenAt).toBe(true);
  // Age is the start of the first run that found a case: none before the first run started, all after.
  const run = data(await ex.exec(officer(PROVINCE), `{ reconciliationRun(id: "${runId}") { createdAt } }`));
  const started = Date.parse(String(run.reconciliationRun!.createdAt));
  const before = new Date(started - 1).toISOString();
  const none = data(await ex.exec(officer(PROVINCE), CASES, { area: PROVINCE, before })).reconciliationCases;
  expect(none.totalCount).toBe(0);
  const since = new Date(started).toISOString();
  const first = data(await ex.exec(officer(PROVINCE), CASES, { area: PROVINCE, before: since })).reconciliationCases;
  expect(first.totalCount).toBe(total);
  const bad = await ex.exec(officer(PROVINCE), CASES, { area: PROVINCE, order: 'OLDEST', after: 'nope' });
  expect(bad.result.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
}, 60_000);

it('a page by age reads the index documents it shows, not every one of the area', async () => {
  const cases = ex.reconciliation.cases as unknown as { entriesOf(id: string): Promise<unknown> };
  const read = jest.spyOn(cases, 'entriesOf');
  const PAGE = `query($order: ReconciliationCaseOrder) {
    reconciliationCases(area: "${PROVINCE}", order: $order, first: 5) { nodes { id } } }`;
  const docsRead = async (query: string, vars: Record<string, unknown> = {}) => {
    read.mockClear();
    const r = await ex.exec(officer(PROVINCE), query, vars);
    expect(r.result.errors).toBeUndefined();
    return { ids: data(r).reconciliationCases.nodes.map((n) => n.id), docs: new Set(read.mock.calls.map((c) => c[0])) };
  };
  try {
    const all = await docsRead(`{ reconciliationCases(area: "${PROVINCE}", first: 1) { totalCount nodes { id } } }`);
    expect(all.docs.size).toBeGreaterThan(5); // the count reads every one: this area has more than a page's
    for (const order of ['OLDEST', 'NEWEST', 'DUE']) {
      const page = await docsRead(PAGE, { order });
      expect(page.ids).toHaveLength(5);
      expect(page.docs.size).toBeLessThanOrEqual(5);
    }
    // A directory from before it was kept (or lost) is built again from the index, with the same pages.
    const before = await docsRead(PAGE, { order: 'OLDEST' });
    await store.hubDb.collection('reconCaseOrder').deleteMany({});
    expect((await docsRead(PAGE, { order: 'OLDEST' })).ids).toEqual(before.ids);
    expect((await docsRead(PAGE, { order: 'OLDEST' })).docs.size).toBeLessThanOrEqual(5);
  } finally {
    read.mockRestore();
  }
}, 60_000);

it('door-to-door lists are searched on the hub by name or address, marks and case ignored', async () => {
  const wg = { ...officer(PROVINCE, 'WORKING_GROUP'), role: 'WORKING_GROUP' } as Principal;
  const LIST = `query($search: String, $after: String) {
    accountWorkList(list: NOT_REGISTERED, area: "${PROVINCE}", search: $search, first: 5, after: $after) {
      totalCount searchTruncated pageInfo { endCursor hasNextPage } nodes { personalId fullName address } } }`;
  const all = data(await ex.exec(wg, LIST, {})).accountWorkList;
  expect(all.nodes.length).toBeGreaterThan(0);
  const person = all.nodes[0];
  const folded = person
    .fullName!.normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/gi, 'd')
    .toLowerCase();
  const found = data(await ex.exec(wg, LIST, { search: folded })).accountWorkList;
  expect(found.searchTruncated).toBe(false);
  expect(found.nodes.map((n) => n.personalId)).toContain(person.personalId);
  for (const n of found.nodes)
    expect(n.fullName!.toLowerCase()).toContain(person.fullName!.split(' ')[0].toLowerCase());
  const byId = data(await ex.exec(wg, LIST, { search: person.personalId })).accountWorkList;
  expect(byId.nodes.map((n) => n.personalId)).toEqual([person.personalId]);
  expect(byId.totalCount).toBe(1);
  const short = await ex.exec(wg, LIST, { search: 'x' });
  expect(short.result.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  const communes = data(await ex.exec(wg, `{ areaCommunes(province: "${PROVINCE}") { code name } }`)).areaCommunes;
  expect(communes.length).toBeGreaterThan(1);
  for (const c of communes) expect(c.code.startsWith(PROVINCE)).toBe(true);
  const bad = await ex.exec(wg, `{ areaCommunes(province: "99") { code } }`);
  expect(bad.result.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
});
