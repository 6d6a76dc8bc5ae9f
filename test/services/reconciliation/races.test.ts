/**
 * Reconciliation mutations under concurrency, over real HTTP on the real store, with two hub
 * instances on one store (own data set under `rca_`): one RUNNING run per area whatever the
 * instance asked, a run cancelled on another instance than the one executing it ends CANCELLED
 * (never DONE after a cancellation was answered), and case actions fired at once leave a history
 * of legal moves only, one entry per success.
 */
import { seed } from '../../../mockdata/seed/index';
import { mapCitizen } from '../../../connectors/population/connector';
import { POPULATION_COLLECTION, POPULATION_DB, type CongDanDoc } from '../../../connectors/population/model';
import { issueDevToken } from '../../../services/access/auth/dev-idp';
import { CASE_MOVES } from '../../../services/reconciliation/case-actions';
import type { Mutation, Query } from '../../../generated/graphql';
import {
  type CaseStatus,
  RECON_CASE_EVENTS_COLLECTION,
  type CaseEventDoc,
  RECON_FINDINGS_COLLECTION,
  type FindingDoc,
  RECON_RUNS_COLLECTION,
  type RunDoc,
} from '../../../services/reconciliation/model';
import { gql, startTestHub, type TestHub } from '../../support/hub';
import { testKeys } from '../../support/keys';

const PARALLEL = 24;
const keys = testKeys();
let hub: TestHub;
let other: TestHub;
let province: string;
const bearer = (t: string) => ({ authorization: `Bearer ${t}` });
const supervisorOf = (p: string, officerId = 'o-sup') =>
  bearer(
    issueDevToken(
      'officer',
      { role: 'SUPERVISOR', area: { province: p }, officerId, unit: 'Công an (test)' },
      { key: keys.idp },
    ),
  );
const supervisor = () => supervisorOf(province);

const START = `mutation($a: String!) { reconciliationRunStart(area: $a) { id status } }`;
const CANCEL = `mutation($id: ID!) { reconciliationRunCancel(id: $id) { id status } }`;
const CASES = `query($area: String!) { reconciliationCases(area: $area, first: 5) { nodes { id status } } }`;
const ACTIONS: Record<string, string> = {
  CONFIRM: `mutation($id: ID!) { reconciliationCaseConfirm(id: $id) { case { status } userErrors { code } } }`,
  RESOLVE: `mutation($id: ID!) { reconciliationCaseResolve(id: $id, note: "fixed") { case { status } userErrors { code } } }`,
  DISMISS: `mutation($id: ID!) { reconciliationCaseDismiss(id: $id, reason: "not a defect") { case { status } userErrors { code } } }`,
  REOPEN: `mutation($id: ID!) { reconciliationCaseReopen(id: $id) { case { status } userErrors { code } } }`,
};

type Start = Pick<Mutation, 'reconciliationRunStart'>;
type Cases = Pick<Query, 'reconciliationCases'>;
/** Any one case action: its payload under the mutation's name. */
type CaseAction = Record<string, { userErrors: Array<{ code: string }> }>;

const runsOf = async (p: string): Promise<RunDoc[]> =>
  (await hub.store.hubDb.collection<RunDoc>(RECON_RUNS_COLLECTION).find({}).toArray()).filter(
    (r) => r.area.province === p && r.area.commune === null,
  );

beforeAll(async () => {
  // Throttled, so that a run lasts long enough to be raced.
  hub = await startTestHub({ HUB_RECON_MAX_DOCS_PER_S: '600' }, 'rca_');
  other = await startTestHub({ HUB_RECON_MAX_DOCS_PER_S: '600' }, 'rca_');
  await seed(hub.store, { citizens: 300, seed: 41, rates: { MISMATCH: 0.1, ORPHAN: 0.05 } });
  const people = await hub.store.db(POPULATION_DB).collection<CongDanDoc>(POPULATION_COLLECTION).find({}).toArray();
  const count = new Map<string, number>();
  for (const p of people.map(mapCitizen)) if (p.area) count.set(p.area.province, (count.get(p.area.province) ?? 0) + 1);
  [province] = [...count.entries()].sort((a, b) => b[1] - a[1])[0];
}, 120_000);

afterAll(async () => {
  await other?.close();
  await hub?.close();
});

describe('reconciliation runs', () => {
  it('starts one RUNNING run per area, whichever instance is asked', async () => {
    const results = await Promise.all(
      Array.from({ length: PARALLEL }, (_, i) =>
        gql<Start>((i % 2 ? other : hub).url, START, { a: province }, supervisor()),
      ),
    );
    for (const r of results) expect(r.body.errors).toBeUndefined();
    const ids = new Set(results.map((r) => r.body.data!.reconciliationRunStart.id));
    const runs = await runsOf(province);
    await Promise.all([...ids].flatMap((id) => [hub.reconciliation.wait(id), other.reconciliation.wait(id)]));
    expect(ids.size).toBe(1);
    expect(runs.filter((r) => r.status === 'RUNNING')).toHaveLength(1);
  }, 120_000);

  it('a run cancelled through another instance than the one executing it ends CANCELLED', async () => {
    const start = await gql<Start>(hub.url, START, { a: province }, supervisor());
    const id = start.body.data!.reconciliationRunStart.id;
    const results = await Promise.all(
      Array.from({ length: PARALLEL }, () =>
        gql<Pick<Mutation, 'reconciliationRunCancel'>>(other.url, CANCEL, { id }, supervisor()),
      ),
    );
    const said = results.map((r) => {
      expect(r.body.errors).toBeUndefined();
      return r.body.data!.reconciliationRunCancel?.status;
    });
    await hub.reconciliation.wait(id);
    const final = (await hub.reconciliation.get(id))!;
    for (const s of said) expect(['CANCELLED', 'DONE', 'RUNNING']).toContain(s);
    if (said.includes('CANCELLED')) expect(final.status).toBe('CANCELLED');
    if (said.includes('DONE')) expect(final.status).toBe('DONE');
  }, 120_000);
});

describe('reconciliation cases', () => {
  it('concurrent actions on one case leave legal moves only, one history entry per success', async () => {
    const done = await hub.reconciliation.start({ province }, 'operator');
    await hub.reconciliation.wait(done._id);
    await other.reconciliation.wait(done._id);
    const list = await gql<Cases>(hub.url, CASES, { area: province }, supervisor());
    expect(list.body.errors).toBeUndefined();
    const id = list.body.data!.reconciliationCases.nodes[0].id;
    const names = Object.keys(ACTIONS);
    const results = await Promise.all(
      Array.from({ length: PARALLEL * 2 }, (_, i) =>
        gql<CaseAction>((i % 2 ? other : hub).url, ACTIONS[names[i % names.length]], { id }, supervisor()),
      ),
    );
    let ok = 0;
    for (const r of results) {
      expect(r.body.errors).toBeUndefined();
      const [p] = Object.values(r.body.data!);
      if (p.userErrors.length === 0) ok++;
      else expect(['ILLEGAL_TRANSITION', 'CONCURRENT_CHANGE']).toContain(p.userErrors[0].code);
    }
    const c = await hub.reconciliation.cases.get(id);
    expect(c!.history).toHaveLength(ok);
    let status: CaseStatus = 'OPEN';
    for (const h of c!.history) {
      expect(h.from).toBe(status);
      expect(CASE_MOVES[h.event].from).toContain(h.from);
      expect(h.to).toBe(CASE_MOVES[h.event].to ?? h.from);
      status = h.to;
    }
    expect(c!.status).toBe(status);
  }, 120_000);

  it('an officer acts on a case only while its area is theirs, decided on the area the action is written against', async () => {
    const run = await hub.reconciliation.start({ province }, 'operator');
    await hub.reconciliation.wait(run._id);
    await other.reconciliation.wait(run._id);
    const list = await gql<Cases>(hub.url, CASES, { area: province }, supervisor());
    const id = list.body.data!.reconciliationCases.nodes[1].id;
    const findings = hub.store.hubDb.collection<FindingDoc>(RECON_FINDINGS_COLLECTION);
    const home = (await findings.findOne({ _id: id }))!.area;
    const away = { province: province === '01' ? '79' : '01', commune: null };
    const NOTE = `mutation($id: ID!, $t: String!) { reconciliationCaseNote(id: $id, text: $t) { userErrors { code } } }`;
    // A run moving the case's person writes the finding's area (the same write): back and forth
    // while officers of both provinces act on the case through both instances.
    let moving = true;
    const mover = (async () => {
      for (let i = 0; moving; i++) await findings.updateOne({ _id: id }, { $set: { area: i % 2 ? home : away } });
    })();
    const results = await Promise.all(
      Array.from({ length: PARALLEL * 2 }, (_, i) => {
        const p = i % 2 ? province : away.province;
        return gql<Pick<Mutation, 'reconciliationCaseNote'>>(
          (i % 4 < 2 ? hub : other).url,
          NOTE,
          { id, t: `note ${i}` },
          supervisorOf(p, `o-${p}`),
        );
      }),
    );
    moving = false;
    await mover;
    await findings.updateOne({ _id: id }, { $set: { area: home } });
    for (const r of results) {
      // Refused: a case outside the officer's area answers as one that is not there (NOT_FOUND), or
      // FORBIDDEN when the area moved under the action's commit.
      if (r.body.errors) expect(['FORBIDDEN', 'NOT_FOUND']).toContain(r.body.errors[0].extensions?.code);
      else expect(r.body.data!.reconciliationCaseNote.userErrors).toEqual([]);
    }
    // Every committed action was by an officer of the area it was written against.
    const events = await hub.store.hubDb
      .collection<CaseEventDoc>(RECON_CASE_EVENTS_COLLECTION)
      .find({ caseId: id })
      .toArray();
    const notes = events.filter((e) => e.state.history.at(-1)!.event === 'NOTE');
    expect(notes.length).toBe(results.filter((r) => !r.body.errors).length);
    for (const e of notes) expect(e.state.history.at(-1)!.by).toBe(`officer:o-${e.state.area.province}`);
  }, 120_000);
});
