/**
 * Rebuilds the report counters and lists from scratch: every account's history is replayed
 * through the same `opsForTransition` the live path uses, and the population source is
 * scanned once for the citizens aged 14+ of each commune and those of them with no account.
 *
 * Used by the seeder, by `npm run reports:rebuild` (after a restore, or if a counter write
 * failed) and, population part only, by the nightly refresh (`refreshPopulation`). Both read
 * with cursors in batches, so memory grows with the number of areas and list members, not
 * with the number of documents read.
 */
import type { Document } from 'mongodb';
import { mapCitizen, type CitizenRecord } from '../../../connectors/population/connector';
import { POPULATION_COLLECTION, POPULATION_DB, type CongDanDoc } from '../../../connectors/population/model';
import { PROVINCES } from '../../../reference/areas';
import { vietnamDate } from '../calendar';
import { hasChip, residenceCardValidOn } from '../id-card';
import { MIN_LEVEL2_AGE, ageOnDay, checkEligibility, isCitizen } from '../lifecycle/eligibility';
import { ACCOUNTS_COLLECTION, type AccountDoc, type AccountEventType, type AccountGroup } from '../store';
import type { Store } from '../../../store/connection';
import { REPORT_COUNTERS_COLLECTION, REPORT_LISTS_COLLECTION, listId, stockId, type PopulationFacts } from './model';
import { applyInMemory, encodeListValue, mergeOp, opsForTransition, type DocOp, type TransitionFact } from './ops';
import type { ReportWriter } from './writer';
import { readToEnd } from '../../../store/cursors';

const BATCH = 1000;

/** The event of a history entry written before events were recorded (inferred from the move). */
export function inferEvent(entry: AccountDoc['history'][number], prevLevel: number | null): AccountEventType {
  if (entry.event) return entry.event;
  const { from, to } = entry;
  if (from === null) return entry.level === 2 ? 'REGISTER_L2' : 'REGISTER_L1';
  if (from === 'PENDING') return to === 'REJECTED' ? 'REJECT' : 'APPROVE';
  if (to === 'ACTIVATION_EXPIRED') return 'EXPIRE_ACTIVATION';
  if (from === 'ACTIVATION_EXPIRED') return 'REOPEN';
  if (from === 'APPROVED' && to === 'ACTIVE') return 'ACTIVATE';
  if (to === 'LOCKED') return 'LOCK';
  if (from === 'LOCKED' && to === 'ACTIVE') return 'UNLOCK';
  if (entry.level === 2 && prevLevel === 1) return 'APPROVE';
  return 'PHONE_CHANGE';
}

/** The transitions of one account, oldest first, as report facts. */
export function factsOf(account: AccountDoc): TransitionFact[] {
  const facts: TransitionFact[] = [];
  let prevLevel: AccountDoc['level'] | null = null;
  let pendingUpgrade = false;
  const last = account.history.length - 1;
  // The groups of each registration are on its history entry (the live path takes them from the
  // account before and after the move); a history cut before its registration starts with the account's.
  const isRegister = (e: AccountEventType) => e === 'REGISTER_L1' || e === 'REGISTER_L2';
  let groups: AccountGroup[] =
    account.history.length && isRegister(inferEvent(account.history[0], null))
      ? (account.history[0].groups ?? [])
      : (account.groups ?? []);
  account.history.forEach((entry, i) => {
    const event = inferEvent(entry, prevLevel);
    const groupsBefore = groups;
    if (isRegister(event)) groups = entry.groups ?? [];
    if (event === 'UPGRADE_TO_L2') pendingUpgrade = true;
    if ((event === 'APPROVE' || event === 'REJECT') && entry.from !== 'PENDING') pendingUpgrade = false;
    const isLast = i === last;
    facts.push({
      personalId: account._id,
      area: account.area,
      at: entry.at,
      event,
      from: i === 0 ? null : entry.from,
      to: entry.to,
      levelBefore: i === 0 ? null : prevLevel,
      levelAfter: entry.level,
      pendingUpgradeAfter: pendingUpgrade,
      // List values come from the account's current fields; only the last fact's membership survives.
      approvalDueAt: isLast ? (account.approvalDueAt ?? null) : null,
      notifiedAt: isLast ? (account.notifiedAt ?? null) : null,
      groups,
      groupsBefore: i === 0 ? null : groupsBefore,
    });
    prevLevel = entry.level;
  });
  return facts;
}

class OpAccumulator {
  readonly ops = new Map<string, DocOp>();
  add(op: DocOp): void {
    const key = `${op.target}\u0000${op.id}`;
    const acc = this.ops.get(key);
    if (acc) mergeOp(acc, op);
    else this.ops.set(key, mergeOp({ target: op.target, id: op.id }, op));
  }
  docs(target: DocOp['target']): Document[] {
    const out: Document[] = [];
    for (const op of this.ops.values()) {
      if (op.target !== target) continue;
      const doc: Record<string, unknown> = { _id: op.id };
      applyInMemory(doc, op, true);
      out.push(doc);
    }
    return out;
  }
}

/**
 * The group a population record counts in on `today` (Decree 69/2024 Art. 7 as summarised): living
 * citizens 14+ (the seeds' figure, `CITIZEN_14`), citizens 6 to under 14 with a valid identity card,
 * citizens under 6, foreigners with a valid residence card; null for anyone else (deceased, a child
 * of 6 to 13 without a card, a foreigner without a valid card, an unreadable date of birth).
 */
export function populationGroupOf(c: CitizenRecord, today: string): AccountGroup | 'CITIZEN_14' | null {
  if (c.vitalStatus !== 'ALIVE') return null;
  if (!isCitizen(c.nationality)) {
    return checkEligibility({ exists: true, dateOfBirth: c.dateOfBirth, vitalStatus: c.vitalStatus }, today) !==
      'UNKNOWN_PERSON' && residenceCardValidOn(c, today)
      ? 'FOREIGNER'
      : null;
  }
  if (!checkEligibility({ exists: true, dateOfBirth: c.dateOfBirth, vitalStatus: c.vitalStatus }, today)) {
    return 'CITIZEN_14';
  }
  const age = ageOnDay(c.dateOfBirth, today);
  if (age === null || age < 0) return null;
  if (age < MIN_LEVEL2_AGE) return 'CHILD_UNDER_6';
  return hasChip(c, today) ? 'CHILD_6_14' : null;
}

/**
 * The living citizens aged 14+ on `today` per commune of permanent residence, and apart the other
 * eligible groups (populationGroupOf), fed raw population documents one by one (a person recorded
 * twice counts once).
 */
export class EligiblePeople {
  /** commune → [personal ID, NOT_REGISTERED value (1 for citizens 14+, `#<GROUP>` otherwise)]. */
  private readonly byCommune = new Map<string, Array<[string, AccountGroup | null]>>();
  private readonly seen = new Set<string>();
  scanned = 0;

  constructor(private readonly today: string) {}

  add(doc: CongDanDoc): void {
    this.scanned++;
    let c;
    try {
      c = mapCitizen(doc);
    } catch {
      return; // unreadable record: the reconciliation's business, not a citizen to count
    }
    if (!c.area || this.seen.has(c.personalId)) return;
    this.seen.add(c.personalId);
    const group = populationGroupOf(c, this.today);
    if (!group) return;
    const list = this.byCommune.get(c.area.commune) ?? [];
    list.push([c.personalId, group === 'CITIZEN_14' ? null : group]);
    this.byCommune.set(c.area.commune, list);
  }

  /**
   * Per area (communes and their provinces) the population facts, and per commune the people
   * with no account: not in `registered` (holders of an account that is not REJECTED), with their
   * NOT_REGISTERED list value.
   */
  facts(registered: Set<string>): {
    byArea: Map<string, PopulationFacts>;
    notRegistered: Map<string, Array<[string, string | number]>>;
  } {
    const byArea = new Map<string, PopulationFacts>();
    const notRegistered = new Map<string, Array<[string, string | number]>>();
    for (const [commune, members] of this.byCommune) {
      const without = members.filter(([id]) => !registered.has(id));
      if (without.length) {
        notRegistered.set(
          commune,
          without.map(([id, g]) => [id, encodeListValue(1, g ? [g] : null)]),
        );
      }
      for (const area of [commune, commune.slice(0, 2)]) {
        const f = byArea.get(area) ?? { eligible14: 0, notRegistered: 0, asOf: this.today, groups: {} };
        for (const [id, g] of members) {
          const no = registered.has(id) ? 0 : 1;
          if (!g) {
            f.eligible14++;
            f.notRegistered += no;
          } else {
            const gf = (f.groups![g] ??= { eligible: 0, notRegistered: 0 });
            gf.eligible++;
            gf.notRegistered += no;
          }
        }
        byArea.set(area, f);
      }
    }
    return { byArea, notRegistered };
  }
}

async function insertAll(store: Store, collection: string, docs: Document[]): Promise<void> {
  const col = store.hubDb.collection(collection);
  for (let i = 0; i < docs.length; i += 200) {
    await col.insertMany(docs.slice(i, i + 200), { ordered: false });
  }
}

export interface RebuildResult {
  accounts: number;
  population: number;
  counterDocs: number;
  listDocs: number;
  ms: number;
}

/**
 * Builds the counters and lists in memory from accounts and population records fed to it
 * (by the rebuild's cursors, or by the seeder as it generates), then writes them.
 */
export class ReportBuilder {
  private readonly acc = new OpAccumulator();
  private readonly registered = new Set<string>();
  private readonly eligible: EligiblePeople;
  accounts = 0;

  constructor(today: string) {
    this.eligible = new EligiblePeople(today);
  }

  get population(): number {
    return this.eligible.scanned;
  }

  addAccount(account: AccountDoc): void {
    this.accounts++;
    if (account.status !== 'REJECTED') this.registered.add(account._id);
    for (const fact of factsOf(account)) {
      for (const op of opsForTransition(fact)) {
        // The population join below decides NOT_REGISTERED and the population facts exactly.
        if (op.id.startsWith('L|NOT_REGISTERED|') || op.id.startsWith('L|NOT_REGISTERED_GROUPS|')) continue;
        if (op.inc && Object.keys(op.inc).some((k) => k.startsWith('population.'))) {
          const rest = Object.fromEntries(Object.entries(op.inc).filter(([k]) => !k.startsWith('population.')));
          if (!Object.keys(rest).length) continue;
          op.inc = rest;
        }
        this.acc.add(op);
      }
    }
  }

  addPerson(doc: CongDanDoc): void {
    this.eligible.add(doc);
  }

  /** Replaces `reportCounters` and `reportLists` with what was fed. */
  async write(store: Store): Promise<{ counterDocs: number; listDocs: number }> {
    const { byArea, notRegistered } = this.eligible.facts(this.registered);
    for (const [commune, ids] of notRegistered) {
      for (const list of ['NOT_REGISTERED', 'NOT_REGISTERED_GROUPS'] as const) {
        const m: Record<string, string | number> = {};
        for (const [id, v] of ids) if ((v === 1) === (list === 'NOT_REGISTERED')) m[id] = v;
        if (!Object.keys(m).length) continue;
        this.acc.add({
          target: 'lists',
          id: listId(list, commune),
          set: { m },
          setOnInsert: { list, commune, province: commune.slice(0, 2) },
        });
      }
    }
    for (const [area, facts] of byArea) {
      this.acc.add({ target: 'counters', id: stockId(area), set: { population: facts }, setOnInsert: { area } });
    }
    const counters = this.acc.docs('counters');
    for (const d of counters) d.province ??= String(d.area).slice(0, 2);
    const lists = this.acc.docs('lists').filter((d) => d.m && Object.keys(d.m as object).length);
    await store.hubDb.collection(REPORT_COUNTERS_COLLECTION).deleteMany({});
    await store.hubDb.collection(REPORT_LISTS_COLLECTION).deleteMany({});
    await insertAll(store, REPORT_COUNTERS_COLLECTION, counters);
    await insertAll(store, REPORT_LISTS_COLLECTION, lists);
    return { counterDocs: counters.length, listDocs: lists.length };
  }
}

/**
 * Rebuilds everything (drops and rewrites `reportCounters` and `reportLists`). Run it while
 * no transitions are being made (the seeder, a maintenance window): a transition committed
 * during the rebuild may be missing from the counters until the next rebuild.
 */
export async function rebuildReports(
  store: Store,
  opts: { today?: string; log?: (msg: string) => void } = {},
): Promise<RebuildResult> {
  const t0 = Date.now();
  const builder = new ReportBuilder(opts.today ?? vietnamDate(new Date()));
  for await (const a of readToEnd(
    store.hubDb.collection<AccountDoc>(ACCOUNTS_COLLECTION).find({}, { batchSize: BATCH }),
  )) {
    builder.addAccount(a);
  }
  opts.log?.(`reports: replayed ${builder.accounts} accounts`);
  const pop = store.db(POPULATION_DB).collection<CongDanDoc>(POPULATION_COLLECTION).find({}, { batchSize: BATCH });
  for await (const doc of readToEnd(pop)) builder.addPerson(doc);
  opts.log?.(`reports: scanned ${builder.population} population records`);
  const w = await builder.write(store);
  return { accounts: builder.accounts, population: builder.population, ...w, ms: Date.now() - t0 };
}

/**
 * The nightly refresh of what the population source decides (people turn 14, die, move):
 * each area's `population` facts and each commune's NOT_REGISTERED list, written through the
 * report writer so that they serialise with live transitions.
 */
export async function refreshPopulation(
  store: Store,
  writer: ReportWriter,
  opts: { today?: string } = {},
): Promise<{ population: number; areas: number; ms: number }> {
  const t0 = Date.now();
  const today = opts.today ?? vietnamDate(new Date());
  const registered = new Set<string>();
  // Registrations committed while this runs are dropped from the lists it writes.
  const tracker = writer.trackRegistrations();
  const cursor = store.hubDb
    .collection<AccountDoc>(ACCOUNTS_COLLECTION)
    .find({}, { batchSize: BATCH, projection: { _id: 1, status: 1 } });
  for await (const a of readToEnd(cursor)) if (a.status !== 'REJECTED') registered.add(a._id);
  const eligible = new EligiblePeople(today);
  for await (const doc of readToEnd(
    store.db(POPULATION_DB).collection<CongDanDoc>(POPULATION_COLLECTION).find({}, { batchSize: BATCH }),
  )) {
    eligible.add(doc);
  }
  const pop = { ...eligible.facts(registered), scanned: eligible.scanned };
  const ops: DocOp[] = [];
  // Every known area is written, so an area whose last citizen 14+ left is zeroed, not left stale.
  const areas = new Set<string>(pop.byArea.keys());
  for (const p of PROVINCES) {
    areas.add(p.code);
    for (const c of p.communes) areas.add(c.code);
  }
  for (const area of areas) {
    const facts = pop.byArea.get(area) ?? { eligible14: 0, notRegistered: 0, asOf: today, groups: {} };
    ops.push({
      target: 'counters',
      id: stockId(area),
      set: { population: facts },
      setOnInsert: { area, province: area.slice(0, 2) },
    });
  }
  for (const commune of [...areas].filter((a) => a.length === 5)) {
    for (const list of ['NOT_REGISTERED', 'NOT_REGISTERED_GROUPS'] as const) {
      const m: Record<string, string | number> = {};
      for (const [id, v] of pop.notRegistered.get(commune) ?? []) {
        if ((v === 1) === (list === 'NOT_REGISTERED') && !tracker.ids.has(id)) m[id] = v;
      }
      ops.push({
        target: 'lists',
        id: listId(list, commune),
        set: { m },
        setOnInsert: { list, commune, province: commune.slice(0, 2) },
      });
    }
  }
  try {
    await writer.apply(ops);
  } finally {
    tracker.stop();
  }
  return { population: pop.scanned, areas: areas.size, ms: Date.now() - t0 };
}
