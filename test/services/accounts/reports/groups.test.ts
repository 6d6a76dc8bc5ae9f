/**
 * The eligible groups in the reports and work lists (Decree 69/2024 Art. 7, 10 as summarised) over
 * real HTTP with real tokens and the real store: a child under 6 and a child of 6 to 13 registered
 * by their parent, a foreigner with a residence card and a citizen of 14+ registering the same day;
 * each group counted apart, the 14+ figures unchanged by the others, the groups adding up to the
 * area's figures, GraphQL, the CSV and a rebuild of the stored counters agreeing, and the
 * door-to-door lists per group. Own data set under `rgr_`.
 */
import { request } from 'node:http';
import { seed } from '../../../../mockdata/seed/index';
import { POPULATION_COLLECTION, POPULATION_DB, type CongDanDoc } from '../../../../connectors/population/model';
import type { CitizenRecord } from '../../../../connectors/population/connector';
import { REPORT_COUNTERS_COLLECTION, REPORT_LISTS_COLLECTION } from '../../../../services/accounts/reports/model';
import { rebuildReports } from '../../../../services/accounts/reports/rebuild';
import { ACCOUNTS_COLLECTION, type AccountDoc } from '../../../../services/accounts/store';
import { CSV_COLUMNS, REPORT_CSV_COLUMNS } from '../../../../hub/routes/reports-csv';
import { gql, startTestHub, type TestHub } from '../../../support/hub';
import { testKeys } from '../../../support/keys';
import { mapOrNull, parseCsv } from './support';

const TODAY = '2026-11-20';
const NOW = new Date('2026-11-20T03:00:00Z'); // 10:00 in Vietnam, a Friday
const keys = testKeys();
let hub: TestHub;
let P: string;
let parent: CitizenRecord;
let small: CitizenRecord;
let schoolChild: CitizenRecord;
let schoolParent: CitizenRecord;
let foreigner: CitizenRecord;
let adult: CitizenRecord;

const bearer = (t: string) => ({ authorization: `Bearer ${t}` });
const FLOWS = 'collected { level1 level2 total } approved activated { total } rejected';
const STATES = 'accounts { level1 level2 total } pendingApproval approvedNotActivated active { total } locked rejected';
const REPORT = `query($a: String!, $f: Date!, $t: Date!) { accountReport(area: $a, from: $f, to: $t) {
  period { ${FLOWS} } cumulative { ${FLOWS} } atEnd { ${STATES} }
  population { eligible14 notRegistered asOf } withoutActivatedAccount
  groups { group period { ${FLOWS} } cumulative { ${FLOWS} } atEnd { ${STATES} } population { eligible notRegistered } }
} }`;
const LIST = `query($l: WorkList!, $a: String!, $g: AccountGroup, $first: Int) {
  accountWorkList(list: $l, area: $a, group: $g, first: $first) { totalCount nodes { personalId groups accountStatus } }
}`;

interface Flows {
  collected: { level1: number; level2: number; total: number };
  approved: number;
  activated: { total: number };
  rejected: number;
}
interface States {
  accounts: { level1: number; level2: number; total: number };
  pendingApproval: number;
  approvedNotActivated: number;
  active: { total: number };
  locked: number;
  rejected: number;
}
interface GroupView {
  group: string;
  period: Flows;
  cumulative: Flows;
  atEnd: States;
  population: { eligible: number; notRegistered: number } | null;
}
interface Report {
  period: Flows;
  cumulative: Flows;
  atEnd: States;
  population: { eligible14: number; notRegistered: number; asOf: string } | null;
  withoutActivatedAccount: number | null;
  groups: GroupView[];
}

async function report(area: string): Promise<Report> {
  const r = await gql<{ accountReport: Report }>(
    hub.url,
    REPORT,
    { a: area, f: TODAY, t: TODAY },
    bearer(keys.officer('WORKING_GROUP', { province: area.slice(0, 2) })),
  );
  expect(r.body.errors).toBeUndefined();
  return r.body.data!.accountReport;
}

const group = (r: Report, g: string) => r.groups.find((x) => x.group === g)!;

async function workList(list: string, g: string | null, first = 100) {
  const r = await gql<{
    accountWorkList: {
      totalCount: number;
      nodes: Array<{ personalId: string; groups: string[]; accountStatus: string | null }>;
    };
  }>(hub.url, LIST, { l: list, a: P, g, first }, bearer(keys.officer('WORKING_GROUP', { province: P })));
  expect(r.body.errors).toBeUndefined();
  return r.body.data!.accountWorkList;
}

function get(target: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(target, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

const age = (dob: string) => {
  const [y, m, d] = dob.split('-').map(Number);
  const [ty, tm, td] = TODAY.split('-').map(Number);
  return ty - y - (tm < m || (tm === m && td < d) ? 1 : 0);
};

/** The counter and list documents the test's people touch, as a rebuild would write them. */
async function snapshot() {
  const counters = await hub.store.hubDb
    .collection(REPORT_COUNTERS_COLLECTION)
    .find({ _id: { $in: [`S|${P}`, `S|${small.area!.commune}`, `S|${foreigner.area!.commune}`] } as never })
    .toArray();
  const lists = await hub.store.hubDb
    .collection(REPORT_LISTS_COLLECTION)
    .find({
      _id: {
        $in: ['PENDING_APPROVAL', 'APPROVED_NOT_ACTIVATED', 'NOT_REGISTERED', 'NOT_REGISTERED_GROUPS'].flatMap((l) =>
          [small.area!.commune, foreigner.area!.commune, schoolChild.area!.commune].map((c) => `L|${l}|${c}`),
        ),
      } as never,
    })
    .toArray();
  // The live path leaves zeros of -1/+1 pairs and emptied lists that a rebuild does not write.
  const docs = [...counters, ...lists].map((d) => prune(d) as { _id: string; list?: string; m?: unknown });
  return Object.fromEntries(docs.filter((d) => !d.list || d.m).map((d) => [d._id, d]));
}

beforeAll(async () => {
  hub = await startTestHub({}, 'rgr_', { now: () => NOW });
  await seed(hub.store, { citizens: 1500, seed: 43 });
  const pop = hub.store.db(POPULATION_DB).collection<CongDanDoc>(POPULATION_COLLECTION);
  const people = (await pop.find({}).toArray()).map(mapOrNull).filter((p): p is CitizenRecord => !!p);
  const byId = new Map(people.map((p) => [p.personalId, p]));
  const accounts = new Map(
    (await hub.store.hubDb.collection<AccountDoc>(ACCOUNTS_COLLECTION).find({}).toArray()).map((a) => [a._id, a]),
  );
  // A parent with an ACTIVE Level 2 account, a child under 6 and a child of 6 to 13 with an identity card.
  const child = (p: CitizenRecord, lo: number, hi: number, card: boolean) =>
    (p.family.dependants ?? [])
      .map((d) => (d.personalId ? byId.get(d.personalId) : undefined))
      .find(
        (c) =>
          !!c?.dateOfBirth &&
          c.vitalStatus === 'ALIVE' &&
          !!c.area &&
          c.area.province === p.area?.province &&
          !accounts.has(c.personalId) &&
          age(c.dateOfBirth) >= lo &&
          age(c.dateOfBirth) < hi &&
          (!card || (c.identityCard?.kind === 'IDENTITY_CARD' && (c.identityCard.expiresOn ?? '9') > TODAY)),
      );
  const parents = people.filter((p) => {
    const a = accounts.get(p.personalId);
    return a?.status === 'ACTIVE' && a.level === 2 && p.vitalStatus === 'ALIVE' && !!p.area;
  });
  const withSmall = parents.filter((p) => child(p, 0, 5, false));
  const withSchool = parents.filter((p) => child(p, 6, 14, true));
  parent = withSmall.find((p) => withSchool.some((q) => q.area!.province === p.area!.province))!;
  expect(parent).toBeDefined();
  P = parent.area!.province;
  small = child(parent, 0, 5, false)!;
  schoolParent = withSchool.find((q) => q.area!.province === P)!;
  schoolChild = child(schoolParent, 6, 14, true)!;
  const adults = people.filter(
    (p) =>
      p.area?.province === P &&
      p.vitalStatus === 'ALIVE' &&
      !!p.dateOfBirth &&
      age(p.dateOfBirth) >= 20 &&
      p.nationality === 'Việt Nam' &&
      !accounts.has(p.personalId) &&
      p.identityCard?.kind === 'CCCD_CHIP' &&
      (p.identityCard.expiresOn ?? '9') > '2027-12-31',
  );
  [adult, foreigner] = adults;
  // The foreigner: a person of the province with a valid temporary residence card (written before
  // the rebuild below, so the population facts know them as a foreigner).
  await pop.updateOne(
    { _id: foreigner.personalId },
    {
      $set: {
        quocTich: 'Hàn Quốc',
        lichSuGiayTo: [],
        theCuTru: {
          loai: 'TAM_TRU',
          so: 'TR7654321',
          ngayCap: '2025-03-01',
          ngayHetHan: '2027-02-28',
          noiCap: 'Cục Quản lý xuất nhập cảnh',
        },
      },
      $unset: { theCanCuoc: '' },
    },
  );
  await rebuildReports(hub.store, { today: TODAY });
}, 180_000);

afterAll(async () => {
  await hub?.close();
});

describe('the eligible groups in the reports', () => {
  let before: Report;
  let after: Report;

  beforeAll(async () => {
    before = await report(P);
    const register = async (token: string, query: string, input: Record<string, unknown>) => {
      const r = await gql<Record<string, { userErrors: unknown[] }>>(hub.url, query, { input }, bearer(token));
      expect(r.body.errors).toBeUndefined();
      expect(Object.values(r.body.data!)[0].userErrors).toEqual([]);
    };
    const CHILD = `mutation($input: AccountRegisterChildInput!) { accountRegisterChild(input: $input) { userErrors { code } } }`;
    const SELF = `mutation($input: AccountRegisterInput!) { accountRegister(input: $input) { userErrors { code } } }`;
    await register(keys.citizen(parent.personalId), CHILD, {
      personalId: small.personalId,
      phone: '0912000001',
      portraitRef: 'app:child:1',
    });
    await register(keys.citizen(schoolParent.personalId), CHILD, {
      personalId: schoolChild.personalId,
      phone: '0912000002',
      portraitRef: 'app:child:2',
    });
    await register(keys.citizen(foreigner.personalId), SELF, {
      level: 1,
      phone: '0912000003',
      portraitRef: 'app:f:1',
    });
    await register(keys.citizen(adult.personalId), SELF, { level: 1, phone: '0912000004', portraitRef: 'app:a:1' });
    after = await report(P);
  }, 60_000);

  it('counts each group apart: the children, the foreigner, the guardian-registered', () => {
    expect(group(after, 'CHILD_UNDER_6').period.collected).toEqual({ level1: 1, level2: 0, total: 1 });
    expect(group(after, 'CHILD_UNDER_6').atEnd.pendingApproval).toBe(
      group(before, 'CHILD_UNDER_6').atEnd.pendingApproval + 1,
    );
    // The child with a chip identity card is approved at once by the automatic check.
    expect(group(after, 'CHILD_6_14').period).toMatchObject({ collected: { total: 1 }, approved: 1 });
    expect(group(after, 'GUARDIAN_REGISTERED').period.collected.total).toBe(2);
    expect(group(after, 'FOREIGNER').period.collected.total).toBe(1);
    expect(group(after, 'FOREIGNER').atEnd.accounts.total).toBe(group(before, 'FOREIGNER').atEnd.accounts.total + 1);
    expect(group(after, 'CITIZEN_14').period.collected.total).toBe(1);
    for (const g of ['CHILD_UNDER_6', 'CHILD_6_14', 'FOREIGNER']) {
      expect(group(after, g).population!.eligible).toBe(group(before, g).population!.eligible);
      expect(group(after, g).population!.eligible).toBeGreaterThan(0);
      expect(group(after, g).population!.notRegistered).toBe(group(before, g).population!.notRegistered - 1);
    }
    expect(group(after, 'GUARDIAN_REGISTERED').population).toBeNull();
  });

  it('keeps the 14+ figures: only the citizen of 14+ changes them', () => {
    expect(after.population!.eligible14).toBe(before.population!.eligible14);
    expect(after.population!.notRegistered).toBe(before.population!.notRegistered - 1);
    expect(group(after, 'CITIZEN_14').population).toEqual({
      eligible: after.population!.eligible14,
      notRegistered: after.population!.notRegistered,
    });
    expect(after.period.collected.total).toBe(4);
  });

  it('the groups other than GUARDIAN_REGISTERED add up to the area', () => {
    const parts = ['CITIZEN_14', 'CHILD_6_14', 'CHILD_UNDER_6', 'FOREIGNER'].map((g) => group(after, g));
    const sum = (f: (g: GroupView) => number) => parts.reduce((n, g) => n + f(g), 0);
    expect(sum((g) => g.atEnd.accounts.total)).toBe(after.atEnd.accounts.total);
    expect(sum((g) => g.atEnd.pendingApproval)).toBe(after.atEnd.pendingApproval);
    expect(sum((g) => g.atEnd.approvedNotActivated)).toBe(after.atEnd.approvedNotActivated);
    expect(sum((g) => g.cumulative.collected.total)).toBe(after.cumulative.collected.total);
    expect(sum((g) => g.period.collected.total)).toBe(after.period.collected.total);
  });

  it('a rebuild of the stored counters and lists gives the same report and documents', async () => {
    const live = await snapshot();
    await rebuildReports(hub.store, { today: TODAY });
    expect(await snapshot()).toEqual(live);
    expect(await report(P)).toEqual(after);
  });

  it('door-to-door lists per group, agreeing with the report and with the CSV', async () => {
    const pendingSmall = await workList('PENDING_APPROVAL', 'CHILD_UNDER_6');
    expect(pendingSmall.nodes).toContainEqual({
      personalId: small.personalId,
      groups: ['CHILD_UNDER_6', 'GUARDIAN_REGISTERED'],
      accountStatus: 'PENDING',
    });
    const pendingForeign = await workList('PENDING_APPROVAL', 'FOREIGNER');
    expect(pendingForeign.nodes.map((n) => n.personalId)).toContain(foreigner.personalId);
    expect(pendingForeign.nodes.every((n) => n.groups.includes('FOREIGNER'))).toBe(true);
    const pending14 = await workList('PENDING_APPROVAL', 'CITIZEN_14', 100);
    expect(pending14.nodes.map((n) => n.personalId)).not.toContain(small.personalId);
    expect(pending14.nodes.every((n) => n.groups.join() === 'CITIZEN_14')).toBe(true);
    const all = await workList('PENDING_APPROVAL', null, 100);
    expect(all.totalCount).toBe(
      pending14.totalCount +
        pendingSmall.totalCount +
        pendingForeign.totalCount +
        (await workList('PENDING_APPROVAL', 'CHILD_6_14')).totalCount,
    );

    // NOT_REGISTERED: without a group the seeds' list (citizens 14+); per group the group's people.
    const seeds = await workList('NOT_REGISTERED', null, 100);
    expect(seeds.totalCount).toBe(after.population!.notRegistered);
    expect(seeds.nodes.every((n) => n.groups.join() === 'CITIZEN_14')).toBe(true);
    for (const g of ['CHILD_UNDER_6', 'CHILD_6_14', 'FOREIGNER']) {
      const l = await workList('NOT_REGISTERED', g, 100);
      expect(l.totalCount).toBe(group(after, g).population!.notRegistered);
      expect(l.nodes.every((n) => n.groups.join() === g)).toBe(true);
      const csv = await get(
        `${hub.url}/reports/work-list.csv?list=NOT_REGISTERED&area=${P}&group=${g}`,
        bearer(keys.officer('WORKING_GROUP', { province: P })),
      );
      expect(csv.status).toBe(200);
      const rows = parseCsv(csv.body.replace(/^\uFEFF/, ''));
      expect(rows[0]).toEqual([...CSV_COLUMNS]);
      expect(
        rows
          .slice(1)
          .map((r) => r[0])
          .sort(),
      ).toEqual(l.nodes.map((n) => n.personalId).sort());
      expect(rows.slice(1).every((r) => r[CSV_COLUMNS.indexOf('groups')] === g)).toBe(true);
    }
    expect((await workList('NOT_REGISTERED', 'CHILD_UNDER_6', 100)).nodes.map((n) => n.personalId)).not.toContain(
      small.personalId,
    );
    const bad = await get(
      `${hub.url}/reports/work-list.csv?list=NOT_REGISTERED&area=${P}&group=ADULTS`,
      bearer(keys.officer('WORKING_GROUP', { province: P })),
    );
    expect(bad.status).toBe(400);
  });

  it('the report CSV gives the same figures as GraphQL, a row for the area and one per group', async () => {
    const csv = await get(
      `${hub.url}/reports/account-report.csv?area=${P}&from=${TODAY}&to=${TODAY}`,
      bearer(keys.officer('WORKING_GROUP', { province: P })),
    );
    expect(csv.status).toBe(200);
    const [head, ...rows] = parseCsv(csv.body.replace(/^\uFEFF/, ''));
    expect(head).toEqual([...REPORT_CSV_COLUMNS]);
    const at = (row: string[], col: (typeof REPORT_CSV_COLUMNS)[number]) => row[REPORT_CSV_COLUMNS.indexOf(col)];
    const figures = (x: Pick<GroupView, 'period' | 'cumulative' | 'atEnd'>) => [
      String(x.period.collected.total),
      String(x.period.approved),
      String(x.cumulative.collected.total),
      String(x.atEnd.accounts.total),
      String(x.atEnd.pendingApproval),
      String(x.atEnd.approvedNotActivated),
    ];
    const cols = [
      'collected_total',
      'approved',
      'cumulative_collected_total',
      'accounts_total',
      'pending_approval',
      'approved_not_activated',
    ] as const;
    expect(rows.map((r) => r[0])).toEqual(['AREA', ...after.groups.map((g) => g.group)]);
    expect(cols.map((c) => at(rows[0], c))).toEqual(figures(after));
    expect(at(rows[0], 'not_registered')).toBe(String(after.population!.notRegistered));
    for (const g of after.groups) {
      const row = rows.find((r) => r[0] === g.group)!;
      expect(cols.map((c) => at(row, c))).toEqual(figures(g));
      expect(at(row, 'eligible')).toBe(g.population ? String(g.population.eligible) : '');
      expect(at(row, 'not_registered')).toBe(g.population ? String(g.population.notRegistered) : '');
    }
    const outside = await get(
      `${hub.url}/reports/account-report.csv?area=${P}&from=${TODAY}&to=${TODAY}`,
      bearer(keys.officer('WORKING_GROUP', { province: P === '01' ? '79' : '01' })),
    );
    expect(outside.status).toBe(403);
  });

  it("a rejected child returns to their group's NOT_REGISTERED list; live counters still equal a rebuild", async () => {
    const o = keys.officer('ACCOUNT_APPROVER', { province: P });
    const r = await gql<{ accountReject: { userErrors: unknown[] } }>(
      hub.url,
      `mutation($id: PersonalId!) { accountReject(personalId: $id, reason: "portrait unclear") { userErrors { code } } }`,
      { id: small.personalId },
      bearer(o),
    );
    expect(r.body.data!.accountReject.userErrors).toEqual([]);
    const l = await workList('NOT_REGISTERED', 'CHILD_UNDER_6', 100);
    expect(l.nodes.map((n) => n.personalId)).toContain(small.personalId);
    expect((await workList('NOT_REGISTERED', null, 100)).nodes.map((n) => n.personalId)).not.toContain(
      small.personalId,
    );
    const rejected = await report(P);
    expect(group(rejected, 'CHILD_UNDER_6').population!.notRegistered).toBe(
      group(before, 'CHILD_UNDER_6').population!.notRegistered,
    );
    expect(rejected.population).toEqual(after.population);
    const live = await snapshot();
    await rebuildReports(hub.store, { today: TODAY });
    expect(await snapshot()).toEqual(live);
  });
});

/** Drops zero counts and empty objects (a -1/+1 pair leaves a 0 on the live path only). */
function prune(v: unknown): unknown {
  if (typeof v === 'number') return v === 0 ? undefined : v;
  if (!v || typeof v !== 'object' || v instanceof Date) return v;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v).sort()) {
    const p = prune((v as Record<string, unknown>)[k]);
    if (p !== undefined) out[k] = p;
  }
  return Object.keys(out).length ? out : undefined;
}
