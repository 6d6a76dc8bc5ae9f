import { seed } from '../../../../mockdata/seed/index';
import type { Actor } from '../../../../services/accounts/model';
import { RecordingNotifier } from '../../../../services/accounts/notifier';
import {
  REPORT_COUNTERS_COLLECTION,
  REPORT_LISTS_COLLECTION,
  type AreaDaysDoc,
  type AreaListDoc,
  type AreaStockDoc,
  type ListName,
} from '../../../../services/accounts/reports/model';
import { areaReport, communesOf, decodeCursor, encodeCursor } from '../../../../services/accounts/reports/read';
import { rebuildReports } from '../../../../services/accounts/reports/rebuild';
import { ReportWriter } from '../../../../services/accounts/reports/writer';
import type { AccountDoc } from '../../../../services/accounts/store';
import type { Store } from '../../../../store/connection';
import type { Mutation, Query } from '../../../../generated/graphql';
import { createExecutor } from '../../../support/exec';
import { connectTestStore } from '../../../support/hub';
import {
  allAccounts,
  bruteForce,
  bruteView,
  clonePeople,
  chipHoldersWithoutAccount,
  peopleById,
  listDocs,
  mapOrNull,
  officer,
  orderedMembers,
  reportView,
  shiftDay,
  todayVn,
} from './support';

/**
 * The report counters against the store: recomputed by brute force from the accounts,
 * live updates equal to a rebuild, exact under concurrency, date ranges, targets, access,
 * and paging of the work lists. Own data set under `rpc_` (never the shared `t_`).
 */

const P = '79';
let store: Store;
let ex: Awaited<ReturnType<typeof createExecutor>>;
const notifier = new RecordingNotifier();
let today: string;
let bigCommune: string;
/** The accounts as seeded (read once: reading a whole collection is slow on the embedded store). */
let seeded: AccountDoc[];

const REPORT = `query($a: String!, $f: Date!, $t: Date!) { accountReport(area: $a, from: $f, to: $t) {
  area { code kind } from to
  period { collected { level1 level2 total } activated { level1 level2 total } approved upgraded locked unlocked activationRate }
  cumulative { collected { level1 level2 total } activated { level1 level2 total } approved upgraded locked unlocked activationRate }
  atEnd { accounts { level1 level2 total } pendingApproval approvedNotActivated activationExpired active { level1 level2 total } locked rejected }
  population { eligible14 notRegistered asOf } withoutActivatedAccount
  targets { collectedPerDay activatedPerDay }
  daily { date collected activated collectedTarget activatedTarget collectedProgress activatedProgress }
} }`;

const WORK_LIST = `query($l: WorkList!, $a: String!, $n: Int, $after: String) {
  accountWorkList(list: $l, area: $a, first: $n, after: $after) {
    totalCount pageInfo { endCursor hasNextPage }
    nodes { personalId fullName address phone accountStatus since commune { code } }
  } }`;

type Report = Pick<Query, 'accountReport'>;
/** The number at a dotted path of a stored document (0 when there is none). */
function numberAt(doc: unknown, path: string): number {
  let v = doc;
  for (const k of path.split('.'))
    v = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined;
  return typeof v === 'number' ? v : 0;
}
type WorkList = Pick<Query, 'accountWorkList'>;

const errorOf = (r: { result: { errors?: ReadonlyArray<{ extensions?: Record<string, unknown> }> } }) =>
  r.result.errors?.[0]?.extensions;

beforeAll(async () => {
  store = await connectTestStore('rpc_');
  await seed(store, { citizens: 1000, seed: 7 });
  ex = await createExecutor(store, {}, { notifier });
  today = todayVn();
  seeded = await allAccounts(store);
  const n = new Map<string, number>();
  for (const a of seeded) if (a.area.province === P) n.set(a.area.commune, (n.get(a.area.commune) ?? 0) + 1);
  bigCommune = [...n].sort((a, b) => b[1] - a[1])[0][0];
}, 120_000);

afterAll(async () => {
  await ex?.accounts.reports.idle();
  await ex?.stop();
  await store?.close();
});

describe('(a) the seeded counters equal a brute-force count of the accounts', () => {
  it('for a province and one of its communes, over all time and over a period', async () => {
    const accounts = seeded;
    const from = shiftDay(today, -400);
    for (const [code, inArea] of [
      [P, (a: (typeof accounts)[number]) => a.area.province === P],
      [bigCommune, (a: (typeof accounts)[number]) => a.area.commune === bigCommune],
    ] as const) {
      const r = await areaReport(store, code, { from, to: today, today });
      const view = reportView(r);
      const all = bruteView(bruteForce(accounts, inArea, '0000-01-01', today));
      const period = bruteView(bruteForce(accounts, inArea, from, today));
      expect(view('cumulative')).toEqual(all);
      expect(view('period').flows).toEqual(period.flows);
      // Sanity: the area is not empty, so equality means something.
      expect(all.atEnd.accounts.total).toBeGreaterThan(code === P ? 50 : 3);
      expect(all.flows.activated.total).toBeGreaterThan(0);
      // Cumulative collected is every REGISTER_* entry of the area's accounts.
      const registers = accounts
        .filter(inArea)
        .flatMap((a) => a.history)
        .filter((h) => h.event === 'REGISTER_L1' || h.event === 'REGISTER_L2').length;
      expect(r.cumulative.collected.total).toBe(registers);
      // Population facts: those with no account are the NOT_REGISTERED list.
      const notReg = await listDocs(store, 'NOT_REGISTERED', P);
      const members = [...notReg].filter(([c]) => code === P || c === code);
      expect(r.population?.notRegistered).toBe(members.reduce((s, [, m]) => s + Object.keys(m).length, 0));
      expect(r.withoutActivatedAccount).toBe(r.population!.notRegistered + r.atEnd.approvedNotActivated);
    }
  });

  it('a province is the sum of its communes', async () => {
    const range = { from: shiftDay(today, -200), to: today, today };
    const prov = await areaReport(store, P, range);
    const communes = await Promise.all(communesOf(P).map((c) => areaReport(store, c, range)));
    const sum = (pick: (r: typeof prov) => Record<string, unknown>) => {
      const out: Record<string, number> = {};
      for (const r of communes) {
        for (const [k, v] of Object.entries(pick(r))) {
          if (typeof v === 'number') out[k] = (out[k] ?? 0) + v;
          else if (v && typeof v === 'object')
            for (const [k2, v2] of Object.entries(v)) out[`${k}.${k2}`] = (out[`${k}.${k2}`] ?? 0) + (v2 as number);
        }
      }
      return out;
    };
    const flat = (o: Record<string, unknown>) => {
      const out: Record<string, number> = {};
      for (const [k, v] of Object.entries(o)) {
        if (typeof v === 'number') out[k] = v;
        else if (v && typeof v === 'object') for (const [k2, v2] of Object.entries(v)) out[`${k}.${k2}`] = v2 as number;
      }
      return out;
    };
    const noRate = ({ activationRate, ...rest }: typeof prov.period) => (void activationRate, rest);
    expect(flat(noRate(prov.cumulative))).toEqual(sum((r) => noRate(r.cumulative)));
    expect(flat(noRate(prov.period))).toEqual(sum((r) => noRate(r.period)));
    expect(flat(prov.atEnd as never)).toEqual(sum((r) => r.atEnd as never));
    expect(prov.daily.map((d) => d.collected)).toEqual(
      prov.daily.map((_, i) => communes.reduce((s, r) => s + r.daily[i].collected, 0)),
    );
    expect(prov.cumulative.collected.total).toBeGreaterThan(0);
  });
});

describe('(d) date ranges, targets and access', () => {
  let pastTo: string;

  beforeAll(() => {
    // A past day in the middle of the province's registrations.
    const days = seeded
      .filter((a) => a.area.province === P)
      .map((a) => a.registeredAt.toISOString().slice(0, 10))
      .sort();
    pastTo = days[Math.floor(days.length / 2)];
    expect(pastTo < shiftDay(today, -2)).toBe(true);
  });

  it('a past `to` gives cumulative and states as of the end of that day', async () => {
    const accounts = seeded;
    const from = shiftDay(pastTo, -90);
    for (const [code, inArea] of [
      [P, (a: (typeof accounts)[number]) => a.area.province === P],
      [bigCommune, (a: (typeof accounts)[number]) => a.area.commune === bigCommune],
    ] as const) {
      const r = await areaReport(store, code, { from, to: pastTo, today });
      expect(reportView(r)('cumulative')).toEqual(bruteView(bruteForce(accounts, inArea, '0000-01-01', pastTo)));
      const period = bruteForce(accounts, inArea, from, pastTo);
      expect(reportView(r)('period').flows).toEqual(bruteView(period).flows);
      expect(r.daily).toHaveLength(91);
      expect(r.daily[0].date).toBe(from);
      expect(r.daily[90].date).toBe(pastTo);
      for (const d of r.daily) {
        const [c, a] = period.days.get(d.date) ?? [0, 0];
        expect([d.date, d.collected, d.activated]).toEqual([d.date, c, a]);
      }
    }
    // And not the state as of today (the range really cuts).
    const now = await areaReport(store, P, { from, to: today, today });
    const then = await areaReport(store, P, { from, to: pastTo, today });
    expect(then.cumulative.collected.total).toBeLessThan(now.cumulative.collected.total);
  });

  it('refuses from > to, to after today, from before 2022 and unknown areas (BAD_USER_INPUT)', async () => {
    const sup = officer('SUPERVISOR', P);
    // Accounts started in 2022: the first day is accepted, the day before is not.
    const first = await ex.exec<Report>(sup, REPORT, { a: bigCommune, f: '2022-01-01', t: '2022-01-31' });
    expect(first.result.errors).toBeUndefined();
    expect(first.result.data!.accountReport.daily).toHaveLength(31);
    for (const vars of [
      { a: P, f: '2021-12-31', t: today },
      { a: bigCommune, f: '1900-01-01', t: '2022-01-01' },
      { a: P, f: today, t: shiftDay(today, -1) },
      { a: P, f: today, t: shiftDay(today, 1) },
      { a: '99', f: today, t: today },
      { a: '79999', f: today, t: today },
      { a: 'HCM', f: today, t: today },
    ]) {
      const r = await ex.exec(sup, REPORT, vars);
      expect(errorOf(r)).toMatchObject({ code: 'BAD_USER_INPUT' });
      expect(r.result.data ?? null).toBeNull();
    }
    const wl = await ex.exec(sup, WORK_LIST, { l: 'NOT_REGISTERED', a: '99', n: 5 });
    expect(errorOf(wl)).toMatchObject({ code: 'BAD_USER_INPUT' });
  });

  it('gives population facts only once a population refresh wrote them (eligible14 and asOf)', async () => {
    const col = store.hubDb.collection<{ _id: string; population?: Record<string, unknown> }>(
      REPORT_COUNTERS_COLLECTION,
    );
    const id = `S|${bigCommune}`;
    const saved = (await col.findOne({ _id: id }))!;
    expect([typeof saved.population?.eligible14, typeof saved.population?.asOf]).toEqual(['number', 'string']);
    const range = { from: today, to: today, today };
    const withPopulation = async (population: Record<string, unknown>) => {
      await col.updateOne({ _id: id }, { $set: { population } });
      return areaReport(store, bigCommune, range);
    };
    try {
      // Live updates alone (a registration's -1, or counts without the refresh's day): no facts.
      for (const population of [
        { notRegistered: -1 },
        { eligible14: 9, notRegistered: 4 },
        { notRegistered: 4, asOf: today },
      ]) {
        const r = await withPopulation(population);
        expect({ population, facts: r.population, without: r.withoutActivatedAccount }).toEqual({
          population,
          facts: null,
          without: null,
        });
      }
      const r = await withPopulation({ eligible14: 9, notRegistered: 4, asOf: today });
      expect(r.population).toEqual({ eligible14: 9, notRegistered: 4, asOf: today });
      expect(r.withoutActivatedAccount).toBe(4 + r.atEnd.approvedNotActivated);
      // A live count drifting outside 0…eligible14 until the next refresh is clamped.
      expect((await withPopulation({ eligible14: 9, notRegistered: -2, asOf: today })).population!.notRegistered).toBe(
        0,
      );
      expect((await withPopulation({ eligible14: 9, notRegistered: 12, asOf: today })).population!.notRegistered).toBe(
        9,
      );
    } finally {
      await col.replaceOne({ _id: id }, saved);
    }
    expect((await areaReport(store, bigCommune, range)).population).toEqual(saved.population);
  });

  it('daily rows carry the targets a supervisor set, with cumulative progress', async () => {
    const wg = await ex.exec(
      officer('WORKING_GROUP', P),
      `mutation { reportTargetSet(area: "${P}", collectedPerDay: 2, activatedPerDay: 1) { targets { collectedPerDay } } }`,
    );
    expect(errorOf(wg)).toMatchObject({ code: 'FORBIDDEN', reason: 'ROLE' });
    const other = await ex.exec(
      officer('SUPERVISOR', '01'),
      `mutation { reportTargetSet(area: "${P}", collectedPerDay: 2, activatedPerDay: 1) { targets { collectedPerDay } } }`,
    );
    expect(errorOf(other)).toMatchObject({ code: 'FORBIDDEN', reason: 'OUT_OF_JURISDICTION' });

    const set = await ex.exec<Pick<Mutation, 'reportTargetSet'>>(
      officer('SUPERVISOR', P),
      `mutation { reportTargetSet(area: "${P}", collectedPerDay: 2, activatedPerDay: 1) { targets { collectedPerDay activatedPerDay } userErrors { code } } }`,
    );
    expect(set.result.errors).toBeUndefined();
    expect(set.result.data).toEqual({
      reportTargetSet: { targets: { collectedPerDay: 2, activatedPerDay: 1 }, userErrors: [] },
    });

    const from = shiftDay(pastTo, -20);
    const r = await ex.exec<Report>(officer('WORKING_GROUP', P), REPORT, { a: P, f: from, t: pastTo });
    expect(r.result.errors).toBeUndefined();
    const rep = r.result.data!.accountReport;
    expect(rep.targets).toEqual({ collectedPerDay: 2, activatedPerDay: 1 });
    expect(rep.daily).toHaveLength(21);
    let cumC = 0;
    let cumA = 0;
    rep.daily.forEach((d, i) => {
      cumC += d.collected;
      cumA += d.activated;
      expect(d.collectedTarget).toBe(2);
      expect(d.activatedTarget).toBe(1);
      expect(d.collectedProgress).toBeCloseTo(cumC / (2 * (i + 1)), 10);
      expect(d.activatedProgress).toBeCloseTo(cumA / (1 * (i + 1)), 10);
    });
    expect(cumC).toBe(rep.period.collected.total);
    expect(cumC).toBeGreaterThan(0);
    // A commune without targets of its own has none.
    const c = await ex.exec<Report>(officer('WORKING_GROUP', P), REPORT, { a: bigCommune, f: from, t: pastTo });
    expect(c.result.data!.accountReport.targets).toBeNull();
    expect(c.result.data!.accountReport.daily[0].collectedProgress).toBeNull();
  });

  it('an officer of another province (or of one commune, for the province) is OUT_OF_JURISDICTION', async () => {
    const elsewhere = officer('SUPERVISOR', '01');
    const narrowed = officer(
      'WORKING_GROUP',
      P,
      communesOf(P).find((c) => c !== bigCommune),
    );
    for (const who of [elsewhere, narrowed]) {
      const r = await ex.exec(who, REPORT, { a: who === elsewhere ? bigCommune : P, f: today, t: today });
      expect(errorOf(r)).toMatchObject({ code: 'FORBIDDEN', reason: 'OUT_OF_JURISDICTION' });
      expect(r.result.data ?? null).toBeNull();
      const w = await ex.exec(who, WORK_LIST, { l: 'NOT_REGISTERED', a: P, n: 5 });
      expect(errorOf(w)).toMatchObject({ code: 'FORBIDDEN', reason: 'OUT_OF_JURISDICTION' });
      expect(w.ctx.audit.events).toEqual([]);
    }
    // A DATA_CLEANING officer has no access to reports at all.
    const dc = await ex.exec(officer('DATA_CLEANING', P), REPORT, { a: P, f: today, t: today });
    expect(errorOf(dc)).toMatchObject({ code: 'FORBIDDEN', reason: 'ROLE' });
  });
});

describe('(e) work lists', () => {
  it('pages through a province NOT_REGISTERED list: nothing missing, no duplicates, in order', async () => {
    const expected = orderedMembers(await listDocs(store, 'NOT_REGISTERED', P));
    expect(expected.length).toBeGreaterThan(14); // at least three pages of 7
    const got: Array<[string, string]> = [];
    const audited = new Set<string>();
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const r = await ex.exec<WorkList>(officer('WORKING_GROUP', P), WORK_LIST, {
        l: 'NOT_REGISTERED',
        a: P,
        n: 7,
        after,
      });
      expect(r.result.errors).toBeUndefined();
      const page: WorkList['accountWorkList'] = r.result.data!.accountWorkList;
      pages++;
      expect(page.totalCount).toBe(expected.length);
      expect(page.nodes.length).toBeLessThanOrEqual(7);
      for (const n of page.nodes) {
        got.push([n.commune.code, n.personalId]);
        expect(n.phone).toBeNull();
        expect(n.accountStatus).toBeNull();
      }
      for (const e of r.ctx.audit.events) audited.add(`${e.citizenId}|${e.scope}|${e.decision}`);
      for (const n of page.nodes) {
        expect(audited.has(`${n.personalId}|IDENTITY|DISCLOSED`)).toBe(true);
        expect(audited.has(`${n.personalId}|RESIDENCE|DISCLOSED`)).toBe(true);
      }
      // The request's audit names exactly the citizens it listed.
      expect(new Set(r.ctx.audit.events.map((e) => e.citizenId))).toEqual(new Set(page.nodes.map((n) => n.personalId)));
      if (!page.pageInfo.hasNextPage) {
        expect(page.nodes.length).toBeGreaterThan(0);
        break;
      }
      expect(page.nodes).toHaveLength(7);
      after = page.pageInfo.endCursor;
      expect(pages).toBeLessThan(100);
    }
    expect(got).toEqual(expected);
    expect(new Set(got.map(([, id]) => id)).size).toBe(got.length);
    expect(pages).toBe(Math.ceil(expected.length / 7));
  });

  it('refuses a tampered cursor (BAD_USER_INPUT)', async () => {
    const wg = officer('WORKING_GROUP', P);
    const first = await ex.exec<WorkList>(wg, WORK_LIST, { l: 'NOT_REGISTERED', a: P, n: 3 });
    const cursor = first.result.data!.accountWorkList.pageInfo.endCursor!;
    const { commune, personalId } = decodeCursor(cursor)!;
    const outside = encodeCursor('01001', personalId); // a commune of another province
    const notBase64 = cursor.slice(0, -2) + '!!';
    const garbage = Buffer.from(`${commune}:${personalId}x`).toString('base64url');
    for (const after of [outside, notBase64, garbage, 'AAAA']) {
      const r = await ex.exec(wg, WORK_LIST, { l: 'NOT_REGISTERED', a: P, n: 3, after });
      expect(errorOf(r)).toMatchObject({ code: 'BAD_USER_INPUT' });
      expect(r.ctx.audit.events).toEqual([]);
    }
  });

  it('items carry name and address from the population source and phone from the account', async () => {
    const accounts = new Map(seeded.map((a) => [a._id, a]));
    const expected = orderedMembers(await listDocs(store, 'APPROVED_NOT_ACTIVATED', P));
    expect(expected.length).toBeGreaterThan(3);
    const byId = await peopleById(
      store,
      expected.map(([, id]) => id),
    );
    // Every page (at most 100 items a page), in order.
    const nodes: WorkList['accountWorkList']['nodes'] = [];
    const audited = new Set<string>();
    let after: string | null = null;
    do {
      const r = await ex.exec<WorkList>(officer('WORKING_GROUP', P), WORK_LIST, {
        l: 'APPROVED_NOT_ACTIVATED',
        a: P,
        n: 100,
        after,
      });
      expect(r.result.errors).toBeUndefined();
      const page: WorkList['accountWorkList'] = r.result.data!.accountWorkList;
      nodes.push(...page.nodes);
      for (const e of r.ctx.audit.events) audited.add(e.citizenId);
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
    } while (after);
    expect(nodes.map((n) => [n.commune.code, n.personalId])).toEqual(expected);
    let named = 0;
    for (const n of nodes) {
      const a = accounts.get(n.personalId)!;
      expect(n.phone).toBe(a.phone);
      expect(n.accountStatus).toBe(a.status);
      expect(['APPROVED', 'ACTIVATION_EXPIRED']).toContain(a.status);
      const person = mapOrNull(byId.get(n.personalId)!);
      if (person) {
        named++;
        expect(n.fullName).toBe(person.fullName);
        expect(n.address).toBe(person.residence!.permanentAddress.formatted);
      }
      expect(n.since === null || n.since === (a.notifiedAt ? a.notifiedAt.toISOString() : null)).toBe(true);
    }
    expect(named).toBeGreaterThan(0);
    for (const n of nodes) expect(audited.has(n.personalId)).toBe(true);
  });
});

describe('(c) concurrency', () => {
  it('40 concurrent registrations in one commune are all counted (raw $inc loses some)', async () => {
    // Raw concurrent $inc on the embedded store: lost updates (why the writer exists).
    const col = store.hubDb.collection(REPORT_COUNTERS_COLLECTION);
    await col.insertOne({ _id: 'X|raw' as never, n: 0 });
    await Promise.all(Array.from({ length: 40 }, () => col.updateOne({ _id: 'X|raw' as never }, { $inc: { n: 1 } })));
    const raw = (await col.findOne({ _id: 'X|raw' as never }))!.n as number;
    expect(raw).toBeLessThan(40);
    // The same through a ReportWriter: exact, and coalesced into fewer writes.
    const writer = new ReportWriter(store);
    await Promise.all(
      Array.from({ length: 40 }, () => writer.apply([{ target: 'counters', id: 'X|writer', inc: { n: 1 } }])),
    );
    expect((await col.findOne({ _id: 'X|writer' as never }))!.n).toBe(40);
    expect(writer.writes).toBeLessThan(40);
    await col.deleteMany({ _id: { $in: ['X|raw', 'X|writer'] as never[] } });

    // 40 different people of one commune register at the same time (chip card: approved and notified).
    const base = (await chipHoldersWithoutAccount(store, P, today))[0];
    const commune = base.person.area!.commune;
    const ids = await clonePeople(store, base.doc, 40, { start: 0 });
    const read = async () =>
      new Map(
        await Promise.all(
          [`S|${commune}`, `S|${P}`, `D|${commune}|${today.slice(0, 7)}`].map(
            async (id): Promise<[string, unknown]> => [id, await col.findOne({ _id: id as never })],
          ),
        ),
      );
    const before = await read();
    const results = await Promise.all(
      ids.map((id) => ex.accounts.service.registerLevel1(id, { phone: '0912345678', portraitRef: 'p' })),
    );
    expect(results.map((r) => r.userError)).toEqual(ids.map(() => null));
    expect(results.map((r) => r.account!.status)).toEqual(ids.map(() => 'APPROVED'));
    await ex.accounts.reports.idle();
    const after = await read();
    const d = (id: string, path: string) => numberAt(after.get(id), path) - numberAt(before.get(id), path);
    for (const id of [`S|${commune}`, `S|${P}`]) {
      expect(d(id, 'stock.APPROVED_1')).toBe(40);
      expect(d(id, 'stock.PENDING_1')).toBe(0);
      expect(d(id, 'total.registered_l1')).toBe(40);
      expect(d(id, 'total.approved')).toBe(40);
      expect(d(id, 'total.notified')).toBe(40);
      // Kept live between the population refreshes: 40 fewer citizens without an account.
      expect(d(id, 'population.notRegistered')).toBe(-40);
    }
    const mmdd = today.slice(8, 10);
    const day = `D|${commune}|${today.slice(0, 7)}`;
    expect(d(day, `days.${mmdd}.f.registered_l1`)).toBe(40);
    expect(d(day, `days.${mmdd}.s.APPROVED_1`)).toBe(40);
    // Each is on the commune's APPROVED_NOT_ACTIVATED list with its notice instant.
    const list = await store.hubDb
      .collection<AreaListDoc>(REPORT_LISTS_COLLECTION)
      .findOne({ _id: `L|APPROVED_NOT_ACTIVATED|${commune}` });
    for (const id of ids) expect(list?.m?.[id]).toMatch(/^\d{4}-\d\d-\d\dT/);
  });
});

describe('(b) live updates equal a rebuild', () => {
  const by: Extract<Actor, { kind: 'officer' }> = { kind: 'officer', id: 'CA79-LIVE', area: { province: P } };

  async function snapshot() {
    const counters = new Map<string, unknown>();
    const docs = store.hubDb.collection<Partial<AreaStockDoc> & Partial<AreaDaysDoc> & { _id: string }>(
      REPORT_COUNTERS_COLLECTION,
    );
    for (const d of await docs.find({}).toArray()) {
      const id = String(d._id);
      if (!/^[SD]\|/.test(id)) continue;
      const norm = prune({ stock: d.stock, total: d.total, days: d.days });
      if (norm) counters.set(id, norm);
    }
    const lists = new Map<string, unknown>();
    for (const list of ['APPROVED_NOT_ACTIVATED', 'PENDING_APPROVAL', 'NOT_REGISTERED'] as ListName[]) {
      for (const [commune, m] of await listDocs(store, list)) {
        lists.set(`${list}|${commune}`, Object.fromEntries(Object.entries(m).sort(([a], [b]) => (a < b ? -1 : 1))));
      }
    }
    return { counters: sortedObject(counters), lists: sortedObject(lists) };
  }

  it('~40 transitions through the AccountService, then a rebuild finds the same counters and lists', async () => {
    const accounts = seeded;
    const candidates = await chipHoldersWithoutAccount(store, P, today);
    const [c1, c2] = [
      candidates[0],
      candidates.find((p) => p.person.area!.commune !== candidates[0].person.area!.commune)!,
    ];
    expect(c2).toBeDefined();
    const chip1 = await clonePeople(store, c1.doc, 8, { start: 100 });
    const noChip2 = await clonePeople(store, c2.doc, 5, { start: 200, chip: false });
    const l2 = await clonePeople(store, c2.doc, 3, { start: 300 });
    const svc = ex.accounts.service;
    let transitions = 0;
    const ok = (r: Awaited<ReturnType<typeof svc.lock>>) => {
      expect(r.userError).toBeNull();
      transitions += r.changes.length;
      return r;
    };

    // Each person's transitions in order; different people at the same time (as in production).
    const inP = accounts.filter((a) => a.area.province === P);
    const activeL1 = inP.filter((a) => a.status === 'ACTIVE' && a.level === 1 && !a.pendingLevel);
    const expired = inP.find((a) => a.status === 'ACTIVATION_EXPIRED');
    const pending = inP.find((a) => a.status === 'PENDING');
    const code = (id: string) => notifier.lastCode(id)!;
    await Promise.all([
      // Commune 1: Level 1 in the app with a chip card (approved and notified at once); 5 activate, 2 locked, 1 unlocked.
      ...chip1.map(async (id, i) => {
        ok(await svc.registerLevel1(id, { phone: '0987654321', portraitRef: 'p' }));
        if (i < 5) ok(await svc.activate(id, code(id)));
        if (i < 2) ok(await svc.lock(by, id, { via: 'HOTLINE' }));
        if (i < 1) ok(await svc.unlock(by, id, true));
      }),
      // Commune 2: without a chip card (pending); 3 approved, 1 rejected, 2 of the approved activate.
      ...noChip2.map(async (id, i) => {
        ok(await svc.registerLevel1(id, { phone: '0987654322', portraitRef: 'p' }));
        expect((await svc.get(id))!.status).toBe('PENDING');
        if (i < 3) ok(await svc.decide(id, by, 'APPROVE'));
        if (i === 3) ok(await svc.decide(id, by, 'REJECT', 'portrait does not match'));
        if (i < 2) ok(await svc.activate(id, code(id)));
      }),
      // Level 2 in person: 2 approved, 1 activates.
      ...l2.map(async (id, i) => {
        ok(await svc.registerLevel2(by, id, { phone: '0987654323', fingerprintsCaptured: true }));
        if (i < 2) ok(await svc.decide(id, by, 'APPROVE'));
        if (i < 1) ok(await svc.activate(id, code(id)));
      }),
      // Seeded accounts of the province: an upgrade approved, one left pending, a lock, a phone change,
      // a reopen, an approval.
      (async () => {
        ok(await svc.upgrade(by, activeL1[0]._id, true));
        ok(await svc.decide(activeL1[0]._id, by, 'APPROVE'));
      })(),
      (async () => ok(await svc.upgrade(by, activeL1[1]._id, true)))(),
      (async () => ok(await svc.lock(by, activeL1[2]._id)))(),
      (async () => ok(await svc.changePhone(by, activeL1[3]._id, '0911222333')))(),
      (async () => expired && ok(await svc.reopen(by, expired._id)))(),
      (async () => pending && ok(await svc.decide(pending._id, by, 'APPROVE')))(),
    ]);
    expect(transitions).toBeGreaterThanOrEqual(40);

    await ex.accounts.reports.idle();
    const live = await snapshot();
    // The live path did move things (not a comparison of two unchanged snapshots).
    expect(Object.keys(live.lists)).toContain(`APPROVED_NOT_ACTIVATED|${c1.person.area!.commune}`);

    await rebuildReports(store, { today });
    const rebuilt = await snapshot();
    expect(rebuilt.counters).toEqual(live.counters);
    expect(rebuilt.lists).toEqual(live.lists);
    expect(Object.keys(rebuilt.counters).length).toBeGreaterThan(100);
  });
});

/** Drops zero counts and empty objects (a -1/+1 pair leaves a 0 on the live path only). */
function prune(v: unknown): unknown {
  if (typeof v === 'number') return v === 0 ? undefined : v;
  if (!v || typeof v !== 'object') return v;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v).sort()) {
    const p = prune((v as Record<string, unknown>)[k]);
    if (p !== undefined) out[k] = p;
  }
  return Object.keys(out).length ? out : undefined;
}

function sortedObject(m: Map<string, unknown>): Record<string, unknown> {
  return Object.fromEntries([...m].sort(([a], [b]) => (a < b ? -1 : 1)));
}
