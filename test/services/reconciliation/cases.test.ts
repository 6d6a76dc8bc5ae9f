import pino from 'pino';
import { REFERENCE_TODAY } from '../../../mockdata/generator/dates';
import { PROVINCES } from '../../../mockdata/generator/areas';
import { SOURCES, SOURCE_NAMES } from '../../../connectors/registry';
import { seed } from '../../../mockdata/seed/index';
import { MAX_NOTES } from '../../../services/reconciliation/case-actions';
import { decodeKey, encodeKey, indexIdsOf } from '../../../services/reconciliation/case-index';
import { CaseInputError } from '../../../services/reconciliation/case-queries';
import { CaseService } from '../../../services/reconciliation/cases';
import {
  RECON_CASE_EVENTS_COLLECTION,
  RECON_CASE_INDEX_COLLECTION,
  RECON_CASES_COLLECTION,
  type CaseDoc,
  type CaseEventDoc,
  type CaseFilter,
  type CaseView,
  RECON_FINDINGS_COLLECTION,
  type FindingDoc,
  RECON_STATS_COLLECTION,
  RECON_RUNS_COLLECTION,
} from '../../../services/reconciliation/model';
import { PopulationIndex } from '../../../services/reconciliation/population-index';
import { ReconciliationRunner } from '../../../services/reconciliation/runs';
import { areaStats } from '../../../services/reconciliation/stats';
import { areaInfo, type AreaInfo } from '../../../services/accounts/reports/read';
import type { CongDanDoc } from '../../../connectors/population/model';
import type { Store } from '../../../store/connection';
import { connectTestStore } from '../../support/hub';

/**
 * Reconciliation cases against the store: every finding of a run is an OPEN case; paging and
 * filters equal a brute-force reading of the findings; the transitions, notes and assignment
 * with their history; compare-and-set across two services; roll-forward of a cut-short action;
 * what a later run does to cases (CLEARED, RECURRED, DISMISSED kept); the per-area figures.
 * Own data set under `rcc_`.
 */

const logger = pino({ level: 'silent' });
const RATES = {
  FORMAT_ONLY: 0.06,
  MISMATCH: 0.05,
  OLD_ID_KEY: 0.06,
  ORPHAN: 0.03,
  DUPLICATE: 0.04,
  DECEASED_ACTIVE: 0.5,
  EXPIRED_ID_CARD: 0.1,
};
let store: Store;
let runner: ReconciliationRunner;
let cases: CaseService;
let province: string;
let area: AreaInfo;
let findings: FindingDoc[];

async function run(r: ReconciliationRunner, a: { province: string; commune?: string | null }) {
  const d = await r.start(a, 'officer:test');
  await r.wait(d._id);
  const done = (await r.get(d._id))!;
  expect(done.status).toBe('DONE');
  return done;
}

async function allPages(filter: CaseFilter, first: number, a = area): Promise<CaseView[]> {
  const out: CaseView[] = [];
  let after: string | null = null;
  for (;;) {
    const p = await cases.page(a, filter, { first, after });
    out.push(...p.nodes);
    if (!p.hasNextPage) return out;
    after = p.endCursor;
  }
}

const officer = (id = 'o-1') => `officer:${id}`;

beforeAll(async () => {
  store = await connectTestStore('rcc_');
  await seed(store, { citizens: 900, seed: 77, rates: RATES });
  for (const c of [
    RECON_RUNS_COLLECTION,
    RECON_FINDINGS_COLLECTION,
    RECON_CASES_COLLECTION,
    RECON_CASE_EVENTS_COLLECTION,
    RECON_CASE_INDEX_COLLECTION,
    RECON_STATS_COLLECTION,
  ]) {
    await store.hubDb
      .collection(c)
      .drop()
      .catch(() => undefined);
  }
  cases = new CaseService({ store, logger });
  runner = new ReconciliationRunner({ store, logger, today: () => REFERENCE_TODAY, cases });
  // The province with the most findings in a national run.
  const national = await run(runner, { province: 'VN' });
  const all = await store.hubDb.collection<FindingDoc>(RECON_FINDINGS_COLLECTION).find({}).toArray();
  const byProvince = new Map<string, number>();
  for (const f of all) if (f.area.province) byProvince.set(f.area.province, (byProvince.get(f.area.province) ?? 0) + 1);
  [province] = [...byProvince.entries()].sort((a, b) => b[1] - a[1])[0];
  area = areaInfo(province)!;
  findings = all.filter((f) => f.area.province === province);
  expect(national.findings).toBe(all.length);
}, 120_000);

afterAll(async () => {
  await runner?.close();
  await store?.close();
});

describe('index keys', () => {
  it('encode to field names without . or $ and decode back', () => {
    for (const k of [
      'drivingLicence:0123.45$x%2E:MISMATCH:fullName',
      '$a.b',
      '%',
      'plain:1:ORPHAN:',
      // Any string: NUL and other control characters, lone surrogates, `%u` sequences.
      'healthRecord:079\u0000190\u001f\u007f:ORPHAN:',
      'x\ud800y\udc00z\ud83d\ude00%u0041',
    ]) {
      const e = encodeKey(k);
      // What a field name may not hold: '.', '$', C0 control characters and DEL.
      expect([...e].filter((c) => c === '.' || c === '$' || c < ' ' || c === '\u007f')).toEqual([]);
      expect(Buffer.from(e, 'utf8').toString('utf8')).toBe(e);
      expect(decodeKey(e)).toBe(k);
    }
  });

  it('cover a commune, a province (its records without commune first) and the whole country', () => {
    expect(indexIdsOf({ province: '79', commune: '79001' })).toEqual(['79|79001']);
    const p = indexIdsOf({ province: '79', commune: null });
    expect(p[0]).toBe('79|-');
    expect(p.slice(1).every((id) => id.startsWith('79|'))).toBe(true);
    const n = indexIdsOf({ province: 'VN', commune: null });
    expect(n).toContain('79|-');
    expect(n[n.length - 1]).toBe('-|-');
  });
});

describe('cases from a run', () => {
  it('every finding of the area is one OPEN case; pages walk them all once, in order', async () => {
    const listed = await allPages({}, 7);
    expect(listed.map((c) => c.id).sort()).toEqual(findings.map((f) => f._id).sort());
    expect(new Set(listed.map((c) => c.id)).size).toBe(listed.length);
    for (const c of listed) {
      expect(c.status).toBe('OPEN');
      expect(c.history).toEqual([]);
      expect(c.finding.area.province).toBe(province);
    }
    const page = await cases.page(area, {}, { first: 5 });
    expect(await page.totalCount()).toBe(findings.length);
  });

  it('filters by source, kind and status equal a brute-force reading of the findings', async () => {
    for (const source of SOURCE_NAMES) {
      const want = findings.filter((f) => f.source === source).map((f) => f._id);
      expect((await allPages({ source }, 50)).map((c) => c.id).sort()).toEqual(want.sort());
    }
    for (const kind of ['MISMATCH', 'ORPHAN', 'OLD_ID_KEY'] as const) {
      const want = findings.filter((f) => f.kind === kind).map((f) => f._id);
      expect(want.length).toBeGreaterThan(0);
      const page = await cases.page(area, { kind }, { first: 500 });
      expect(page.nodes.map((c) => c.id).sort()).toEqual(want.sort());
      expect(await page.totalCount()).toBe(want.length);
    }
    expect((await allPages({ statuses: ['CONFIRMED'] }, 50)).length).toBe(0);
  });

  it('a commune lists only its cases; a bad cursor is refused', async () => {
    const commune = findings.find((f) => f.area.commune)!.area.commune!;
    const want = findings.filter((f) => f.area.commune === commune).map((f) => f._id);
    expect((await allPages({}, 3, areaInfo(commune)!)).map((c) => c.id).sort()).toEqual(want.sort());
    await expect(cases.page(area, {}, { first: 5, after: 'garbage' })).rejects.toThrow(CaseInputError);
    const p = await cases.page(area, {}, { first: 1 });
    await expect(cases.page(areaInfo(commune)!, {}, { first: 5, after: p.endCursor })).rejects.toThrow(CaseInputError);
  });
});

describe('handling a case', () => {
  it('OPEN → CONFIRMED → RESOLVED → OPEN, with history, notes and the index copy', async () => {
    const id = findings.find((f) => f.kind === 'MISMATCH')!._id;
    const c1 = await cases.act(id, { type: 'CONFIRM', note: 'checked against the paper file' }, officer());
    expect(c1.userError).toBeNull();
    expect(c1.case!.status).toBe('CONFIRMED');
    expect(c1.change).toMatchObject({ caseId: id, event: 'CONFIRM', from: 'OPEN', to: 'CONFIRMED', by: officer() });
    expect((await cases.page(area, { statuses: ['CONFIRMED'] }, { first: 10 })).nodes.map((c) => c.id)).toEqual([id]);
    const c2 = await cases.act(id, { type: 'RESOLVE', note: 'fixed at the source' }, officer('o-2'));
    expect(c2.case!.status).toBe('RESOLVED');
    const c3 = await cases.act(id, { type: 'REOPEN', note: 'the source still has it' }, officer());
    expect(c3.case!.status).toBe('OPEN');
    const got = (await cases.get(id))!;
    expect(got.history.map((h) => [h.seq, h.event, h.from, h.to, h.by])).toEqual([
      [1, 'CONFIRM', 'OPEN', 'CONFIRMED', officer()],
      [2, 'RESOLVE', 'CONFIRMED', 'RESOLVED', officer('o-2')],
      [3, 'REOPEN', 'RESOLVED', 'OPEN', officer()],
    ]);
    expect(got.notes.map((n) => n.text)).toEqual([
      'checked against the paper file',
      'fixed at the source',
      'the source still has it',
    ]);
    expect((await cases.page(area, { statuses: ['OPEN'] }, { first: 1000 })).nodes.map((c) => c.id)).toContain(id);
    const events = await store.hubDb.collection<CaseEventDoc>(RECON_CASE_EVENTS_COLLECTION).find({}).toArray();
    expect(events.filter((e) => e.caseId === id).map((e) => e.seq)).toEqual([1, 2, 3]);
  });

  it('refuses illegal moves, dismissals without a reason, empty or long notes, bad assignees', async () => {
    const id = findings.find((f) => f.kind === 'ORPHAN')!._id;
    expect((await cases.act(id, { type: 'RESOLVE' }, officer())).userError!.code).toBe('ILLEGAL_TRANSITION');
    expect((await cases.act(id, { type: 'REOPEN' }, officer())).userError!.code).toBe('ILLEGAL_TRANSITION');
    expect((await cases.act(id, { type: 'DISMISS', note: '  ' }, officer())).userError!.code).toBe('NOTE_REQUIRED');
    expect((await cases.act(id, { type: 'NOTE', note: '' }, officer())).userError!.code).toBe('NOTE_REQUIRED');
    // Resolving needs a note too (once the move is legal): the case stays CONFIRMED.
    expect((await cases.act(id, { type: 'CONFIRM' }, officer())).case!.status).toBe('CONFIRMED');
    const unexplained = await cases.act(id, { type: 'RESOLVE', note: ' ' }, officer());
    expect(unexplained.userError).toMatchObject({ code: 'NOTE_REQUIRED', status: 'CONFIRMED' });
    expect((await cases.get(id))!.status).toBe('CONFIRMED');
    expect((await cases.act(id, { type: 'NOTE', note: 'x'.repeat(2001) }, officer())).userError!.code).toBe(
      'NOTE_TOO_LONG',
    );
    expect((await cases.act(id, { type: 'ASSIGN', assignee: 'bad id!' }, officer())).userError!.code).toBe(
      'INVALID_ASSIGNEE',
    );
    const d = await cases.act(id, { type: 'DISMISS', note: 'test record of the agency' }, officer());
    expect(d.case!.status).toBe('DISMISSED');
    expect((await cases.act(id, { type: 'CONFIRM' }, officer())).userError!.code).toBe('ILLEGAL_TRANSITION');
    expect((await cases.get(id))!.history.map((h) => h.event)).toEqual(['CONFIRM', 'DISMISS']);
  });

  it('assigns, filters by assignee, unassigns; an assignment that changes nothing commits nothing', async () => {
    const id = findings.find((f) => f.kind === 'OLD_ID_KEY')!._id;
    expect((await cases.act(id, { type: 'ASSIGN', assignee: 'o-7' }, officer('sup'))).case!.assignee).toBe('o-7');
    const none = await cases.act(id, { type: 'ASSIGN', assignee: 'o-7' }, officer('sup'));
    expect(none.change).toBeNull();
    expect((await cases.page(area, { assignee: 'o-7' }, { first: 10 })).nodes.map((c) => c.id)).toEqual([id]);
    await cases.act(id, { type: 'NOTE', note: 'called the commune police' }, officer('o-7'));
    expect((await cases.act(id, { type: 'ASSIGN', assignee: null }, officer('sup'))).case!.assignee).toBeNull();
    expect((await cases.page(area, { assignee: 'o-7' }, { first: 10 })).nodes).toEqual([]);
    expect((await cases.get(id))!.history.map((h) => h.event)).toEqual(['ASSIGN', 'NOTE', 'ASSIGN']);
  });

  it('two services (two hub instances) confirming at once: exactly one wins', async () => {
    const id = findings.filter((f) => f.kind === 'MISMATCH')[1]._id;
    const other = new CaseService({ store, logger });
    const [a, b] = await Promise.all([
      cases.act(id, { type: 'CONFIRM' }, officer('a')),
      other.act(id, { type: 'CONFIRM' }, officer('b')),
    ]);
    const won = [a, b].filter((r) => r.change);
    expect(won).toHaveLength(1);
    expect([a, b].find((r) => !r.change)!.userError!.code).toBe('ILLEGAL_TRANSITION');
    expect((await cases.get(id))!.history).toHaveLength(1);
  });

  it('an action whose case document was not written is rolled forward by the next one', async () => {
    const id = findings.filter((f) => f.kind === 'MISMATCH')[2]._id;
    await cases.act(id, { type: 'CONFIRM' }, officer());
    const committed = (await store.hubDb.collection<CaseDoc>(RECON_CASES_COLLECTION).findOne({ _id: id }))!;
    // A commit cut short after its event: the event says RESOLVED, the case document still CONFIRMED.
    const at = new Date();
    const state: CaseDoc = {
      ...committed,
      status: 'RESOLVED',
      seq: 2,
      updatedAt: at,
      history: [
        ...committed.history,
        { seq: 2, at, by: officer('x'), event: 'RESOLVE', from: 'CONFIRMED', to: 'RESOLVED' },
      ],
    };
    await store.hubDb
      .collection<CaseEventDoc>(RECON_CASE_EVENTS_COLLECTION)
      .insertOne({ _id: `${id}#2`, caseId: id, seq: 2, at, state });
    const r = await cases.act(id, { type: 'RESOLVE', note: 'fixed at the source' }, officer());
    expect(r.userError!.code).toBe('ILLEGAL_TRANSITION'); // already RESOLVED once rolled forward
    expect((await cases.get(id))!.status).toBe('RESOLVED');
    expect((await cases.page(area, { statuses: ['RESOLVED'] }, { first: 100 })).nodes.map((c) => c.id)).toContain(id);
  });
});

describe('a later run and the cases', () => {
  it('clears cases no longer found, brings back resolved ones still there, keeps dismissals', async () => {
    // An orphan record removed from its source (fixed at the source): its case must clear.
    const untouched = await cases.getMany(findings.map((f) => f._id));
    const orphan = findings.find((f, i) => f.kind === 'ORPHAN' && untouched[i]!.history.length === 0)!;
    const s = SOURCES[orphan.source];
    await store
      .db(s.db)
      .collection(s.collection)
      .deleteOne({ _id: orphan.recordKey as never });
    // A case resolved without fixing anything: it must recur.
    const recurring = findings.filter((f) => f.kind === 'FORMAT_ONLY')[0]._id;
    await cases.act(recurring, { type: 'CONFIRM' }, officer());
    await cases.act(recurring, { type: 'RESOLVE', note: 'fixed at the source' }, officer());
    // A dismissed case stays dismissed.
    const dismissed = findings.filter((f) => f.kind === 'FORMAT_ONLY')[1]._id;
    await cases.act(dismissed, { type: 'DISMISS', note: 'accepted spelling' }, officer());

    const done = await run(runner, { province });
    expect(done.casesCleared).toBe(1);
    expect(done.casesRecurred).toBeGreaterThanOrEqual(1);
    const cleared = (await cases.get(orphan._id))!;
    expect(cleared.status).toBe('RESOLVED');
    expect(cleared.history[cleared.history.length - 1]).toMatchObject({ event: 'CLEARED', by: `run:${done._id}` });
    expect(cleared.lastSeen?.runId).not.toBe(done._id);
    expect(await cases.keysLastSeenBy({ province, commune: null }, done.createdAt)).not.toContain(orphan._id);
    const back = (await cases.get(recurring))!;
    expect(back.status).toBe('OPEN');
    expect(back.history[back.history.length - 1]).toMatchObject({ event: 'RECURRED', by: `run:${done._id}` });
    expect((await cases.get(dismissed))!.status).toBe('DISMISSED');
    // Re-running changes nothing more.
    const again = await run(runner, { province });
    expect(again.casesCleared).toBe(0);
    expect(again.casesRecurred).toBe(0);
  });
});

describe('a person who moves', () => {
  it("takes their cases to the new area: never listed in the old one, not cleared by the old area's run", async () => {
    const f = findings.find((x) => x.kind === 'MISMATCH' && x.personalId && x.area.commune)!;
    const other = PROVINCES.find((p) => p.code !== province && p.communes.length > 0)!;
    const newCommune = other.communes[0].code;
    const pop = store.db(SOURCES.population.db).collection<CongDanDoc>(SOURCES.population.collection);
    const person = (await pop.findOne({ _id: f.personalId! }))!;
    const before = person.noiThuongTru;
    const { huyen: _legacy, ...today } = before;
    await pop.updateOne(
      { _id: f.personalId! },
      { $set: { noiThuongTru: { ...today, xa: { ma: newCommune, ten: 'x' }, tinh: { ma: other.code, ten: 'y' } } } },
    );
    try {
      // A run of the new province finds the case there.
      await run(runner, { province: other.code });
      const moved = (await cases.get(f._id))!;
      expect(moved.finding.area).toEqual({ province: other.code, commune: newCommune });
      expect((await allPages({}, 50, areaInfo(newCommune)!)).map((c) => c.id)).toContain(f._id);
      // The old province does not list it any more (its stale entry is dropped when met).
      expect((await allPages({}, 50)).map((c) => c.id)).not.toContain(f._id);
      // Its next run does not clear it: it lives on, OPEN, under the new area.
      await run(runner, { province });
      expect((await cases.get(f._id))!.status).toBe('OPEN');
      const oldIndex = await store.hubDb
        .collection<{ _id: string; m?: Record<string, unknown> }>(RECON_CASE_INDEX_COLLECTION)
        .findOne({ _id: `${province}|${f.area.commune}` });
      expect(Object.keys(oldIndex?.m ?? {})).not.toContain(encodeKey(f._id));
    } finally {
      await pop.updateOne({ _id: f.personalId! }, { $set: { noiThuongTru: before } });
      // Back home: the province's figures and cases as before, for the tests after this one.
      await run(runner, { province });
    }
  });
});

describe('per-area figures', () => {
  it('records per source and records with findings equal a brute-force count', async () => {
    // Areas of people, as a run sees them.
    const index = new PopulationIndex({ today: REFERENCE_TODAY });
    const pop = store.db(SOURCES.population.db).collection<CongDanDoc>(SOURCES.population.collection);
    for await (const p of pop.find({})) index.add(p);
    const stats = await areaStats(store, { province, commune: null });
    expect(stats.complete).toBe(true);
    expect(stats.asOf).toBeInstanceOf(Date);
    const latest = await store.hubDb
      .collection<FindingDoc>(RECON_FINDINGS_COLLECTION)
      .find({})
      .toArray()
      .then(async (all) => {
        const run = (await runner.get(stats.runs[0]))!;
        const seen = new Set(await runner.cases.keysLastSeenBy(run.area, run.createdAt));
        return all.filter((f) => f.area.province === province && seen.has(f._id));
      });
    for (const s of stats.sources) {
      const flagged = new Set(latest.filter((f) => f.source === s.source).map((f) => f.recordKey));
      expect({ source: s.source, with: s.withFindings }).toEqual({ source: s.source, with: flagged.size });
      expect(s.records).toBeGreaterThanOrEqual(s.withFindings);
      if (s.records) expect(s.cleanShare).toBeCloseTo(1 - s.withFindings / s.records, 3);
    }
    const popStats = stats.sources.find((s) => s.source === 'population')!;
    let inProvince = 0;
    for (let slot = 0; slot < index.size; slot++) if (index.areaOfSlot(slot)?.province === province) inProvince++;
    expect(popStats.records).toBe(inProvince);
    // A commune's figures add up into the province's.
    const communes = [...new Set(latest.map((f) => f.area.commune).filter((c): c is string => !!c))];
    let sum = 0;
    for (const c of communes) sum += (await areaStats(store, { province, commune: c })).sources[0].records;
    expect(sum).toBeLessThanOrEqual(popStats.records);
  });
});

describe('a case with many notes', () => {
  it('refuses a note past the cap, but still takes a dismissal (its reason is part of the change)', async () => {
    const id = findings.filter((f) => f.kind === 'FORMAT_ONLY').at(-1)!._id;
    for (let i = 0; i < MAX_NOTES; i++) {
      const r = await cases.act(id, { type: 'NOTE', note: `ghi chú ${i}` }, officer());
      expect(r.userError).toBeNull();
    }
    expect((await cases.act(id, { type: 'NOTE', note: 'one more' }, officer())).userError!.code).toBe('TOO_MANY_NOTES');
    const d = await cases.act(id, { type: 'DISMISS', note: 'bản ghi thử nghiệm của cơ quan' }, officer());
    expect(d.userError).toBeNull();
    expect(d.case!.status).toBe('DISMISSED');
    const back = await cases.act(id, { type: 'REOPEN', note: 'mở lại' }, officer());
    expect(back.case!.status).toBe('OPEN');
    expect((await cases.act(id, { type: 'NOTE', note: 'still one more' }, officer())).userError!.code).toBe(
      'TOO_MANY_NOTES',
    );
    const c = (await cases.get(id))!;
    expect(c.notes.map((n) => n.text).slice(-2)).toEqual(['bản ghi thử nghiệm của cơ quan', 'mở lại']);
  }, 120_000);
});
