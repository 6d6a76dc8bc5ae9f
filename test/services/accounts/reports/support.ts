/** Helpers shared by the report tests (each test file seeds its own data under its own prefix). */
import { mapCitizen, type CitizenRecord } from '../../../../connectors/population/connector';
import { POPULATION_COLLECTION, POPULATION_DB, type CongDanDoc } from '../../../../connectors/population/model';
import { vietnamDate } from '../../../../services/accounts/calendar';
import { checkEligibility } from '../../../../services/accounts/lifecycle/eligibility';
import type { Principal, OfficerRole } from '../../../../services/access/auth/principal';
import { REPORT_LISTS_COLLECTION, type AreaListDoc, type ListName } from '../../../../services/accounts/reports/model';
import { ACCOUNTS_COLLECTION, type AccountDoc, type AccountStatus } from '../../../../services/accounts/store';
import type { Store } from '../../../../store/connection';

export const officer = (role: OfficerRole, province: string, commune?: string): Principal => ({
  kind: 'OFFICER',
  officerId: `CA${province}-TEST`,
  role,
  jurisdiction: commune ? { province, commune } : { province },
  unit: 'Công an (test)',
  issuer: 'test',
});

export const todayVn = (): string => vietnamDate(new Date());

export function shiftDay(day: string, days: number): string {
  return new Date(Date.parse(day + 'T00:00:00Z') + days * 86_400_000).toISOString().slice(0, 10);
}

export function mapOrNull(d: CongDanDoc): CitizenRecord | null {
  try {
    return mapCitizen(d);
  } catch {
    return null;
  }
}

export async function allAccounts(store: Store): Promise<AccountDoc[]> {
  return store.hubDb.collection<AccountDoc>(ACCOUNTS_COLLECTION).find({}).toArray();
}

export async function allPeople(store: Store): Promise<CongDanDoc[]> {
  return store.db(POPULATION_DB).collection<CongDanDoc>(POPULATION_COLLECTION).find({}).toArray();
}

/** Living citizens aged 14+ with a known area and no account, optionally with a chip card. */
export function eligibleWithoutAccount(people: CongDanDoc[], accounts: AccountDoc[], today: string) {
  const has = new Set(accounts.map((a) => a._id));
  const out: Array<{ doc: CongDanDoc; person: CitizenRecord }> = [];
  for (const doc of people) {
    const person = mapOrNull(doc);
    if (!person?.area || has.has(person.personalId)) continue;
    if (checkEligibility({ exists: true, dateOfBirth: person.dateOfBirth, vitalStatus: person.vitalStatus }, today))
      continue;
    if (!person.dateOfBirth || person.dateOfBirth > shiftDay(today, -20 * 366)) continue; // comfortably adult
    out.push({ doc, person });
  }
  return out;
}

/** Population records by personal ID, one `_id` lookup each (the embedded store scans for `$in`). */
export async function peopleById(store: Store, ids: string[]): Promise<Map<string, CongDanDoc>> {
  const col = store.db(POPULATION_DB).collection<CongDanDoc>(POPULATION_COLLECTION);
  const docs = await Promise.all(ids.map((id) => col.findOne({ _id: id })));
  return new Map(docs.filter((d): d is NonNullable<typeof d> => !!d).map((d) => [d._id, d]));
}

/**
 * Adults of a province with no account and a chip card valid today, found through the
 * province's NOT_REGISTERED lists (cheaper than reading the whole population).
 */
export async function chipHoldersWithoutAccount(store: Store, province: string, today: string) {
  const ids = orderedMembers(await listDocs(store, 'NOT_REGISTERED', province)).map(([, id]) => id);
  const docs = await peopleById(store, ids);
  const col = store.hubDb.collection<AccountDoc>(ACCOUNTS_COLLECTION);
  const accounts = (await Promise.all(ids.map((id) => col.findOne({ _id: id })))).filter(
    (a): a is NonNullable<typeof a> => !!a,
  );
  return eligibleWithoutAccount([...docs.values()], accounts, today).filter(
    ({ person }) =>
      person.area!.province === province &&
      person.identityCard?.kind === 'CCCD_CHIP' &&
      (person.identityCard.expiresOn === null || person.identityCard.expiresOn > today),
  );
}

/**
 * Inserts `n` copies of a population record (same residence, new personal IDs from
 * `<first 6 digits of base><9xxxxx>`), optionally without the chip card. Own data set only.
 */
export async function clonePeople(
  store: Store,
  base: CongDanDoc,
  n: number,
  opts: { start: number; chip?: boolean; edit?: (d: CongDanDoc, i: number) => void },
): Promise<string[]> {
  const col = store.db(POPULATION_DB).collection<CongDanDoc>(POPULATION_COLLECTION);
  const docs: CongDanDoc[] = [];
  for (let i = 0; i < n; i++) {
    const d: CongDanDoc = structuredClone(base);
    d._id = base._id.slice(0, 6) + String(900000 + opts.start + i);
    if (opts.chip === false) delete d.theCanCuoc;
    opts.edit?.(d, i);
    docs.push(d);
  }
  await col.insertMany(docs); // a clash with an existing ID fails here (duplicate key)
  return docs.map((d) => d._id);
}

/** Members of a list per commune, from the list documents (empty documents left out). */
export async function listDocs(
  store: Store,
  list: ListName,
  province?: string,
): Promise<Map<string, Record<string, string | number>>> {
  const docs = (await store.hubDb
    .collection(REPORT_LISTS_COLLECTION)
    .find(province ? { list, province } : { list })
    .toArray()) as unknown as AreaListDoc[];
  const out = new Map<string, Record<string, string | number>>();
  for (const d of docs) if (d.m && Object.keys(d.m).length) out.set(d.commune, d.m);
  return out;
}

/** The list's members in the order the hub pages them: commune, then personal ID. */
export function orderedMembers(byCommune: Map<string, Record<string, unknown>>): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const c of [...byCommune.keys()].sort())
    for (const id of Object.keys(byCommune.get(c)!).sort()) out.push([c, id]);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Brute force: the report recomputed from the accounts' histories
// ---------------------------------------------------------------------------------------------

export interface Brute {
  collected: [number, number];
  activated: [number, number];
  approved: number;
  upgraded: number;
  notified: number;
  locked: number;
  unlocked: number;
  /** Per state (status_level) at the end of `to`. */
  atEnd: Record<string, number>;
  pendingUpgrades: number;
  /** Per day (YYYY-MM-DD): [collected, activated] within [from, to]. */
  days: Map<string, [number, number]>;
}

/** Flows within [from, to] (both Vietnam days) and states at the end of `to`, for accounts in `inArea`. */
export function bruteForce(
  accounts: AccountDoc[],
  inArea: (a: AccountDoc) => boolean,
  from: string,
  to: string,
): Brute {
  const b: Brute = {
    collected: [0, 0],
    activated: [0, 0],
    approved: 0,
    upgraded: 0,
    notified: 0,
    locked: 0,
    unlocked: 0,
    atEnd: {},
    pendingUpgrades: 0,
    days: new Map(),
  };
  for (const a of accounts) {
    if (!inArea(a)) continue;
    let state: { status: AccountStatus; level: number } | null = null;
    let pendingUpgrade = false;
    for (const h of a.history) {
      const day = vietnamDate(h.at);
      if (day > to) break;
      if (h.event === 'UPGRADE_TO_L2') pendingUpgrade = true;
      if ((h.event === 'APPROVE' || h.event === 'REJECT') && h.from !== 'PENDING') pendingUpgrade = false;
      const prevStatus: AccountStatus | null = state?.status ?? null;
      state = { status: h.to, level: h.level };
      if (day < from) continue;
      const d = b.days.get(day) ?? [0, 0];
      b.days.set(day, d);
      switch (h.event) {
        case 'REGISTER_L1':
          b.collected[0]++;
          d[0]++;
          break;
        case 'REGISTER_L2':
          b.collected[1]++;
          d[0]++;
          break;
        case 'ACTIVATE':
          b.activated[h.level - 1]++;
          d[1]++;
          break;
        case 'APPROVE':
          if (h.from === 'PENDING') b.approved++;
          else b.upgraded++;
          break;
        case 'NOTIFY':
          b.notified++;
          break;
        case 'LOCK':
          if (prevStatus !== 'LOCKED') b.locked++;
          break;
        case 'UNLOCK':
          b.unlocked++;
          break;
      }
    }
    if (state) {
      const k = `${state.status}_${state.level}`;
      b.atEnd[k] = (b.atEnd[k] ?? 0) + 1;
      if (pendingUpgrade) b.pendingUpgrades++;
    }
  }
  return b;
}

/** The report's fields that the brute force recomputes. */
export function bruteView(b: Brute) {
  const n = (s: string, l: number) => b.atEnd[`${s}_${l}`] ?? 0;
  const both = (s: string) => n(s, 1) + n(s, 2);
  const live = ['PENDING', 'APPROVED', 'ACTIVE', 'LOCKED', 'ACTIVATION_EXPIRED'];
  const l1 = live.reduce((s, st) => s + n(st, 1), 0);
  const l2 = live.reduce((s, st) => s + n(st, 2), 0);
  return {
    flows: {
      collected: { level1: b.collected[0], level2: b.collected[1], total: b.collected[0] + b.collected[1] },
      activated: { level1: b.activated[0], level2: b.activated[1], total: b.activated[0] + b.activated[1] },
      approved: b.approved,
      upgraded: b.upgraded,
      locked: b.locked,
      unlocked: b.unlocked,
    },
    atEnd: {
      accounts: { level1: l1, level2: l2, total: l1 + l2 },
      pendingApproval: both('PENDING') + b.pendingUpgrades,
      approvedNotActivated: both('APPROVED') + both('ACTIVATION_EXPIRED'),
      activationExpired: both('ACTIVATION_EXPIRED'),
      active: { level1: n('ACTIVE', 1), level2: n('ACTIVE', 2), total: n('ACTIVE', 1) + n('ACTIVE', 2) },
      locked: both('LOCKED'),
      rejected: both('REJECTED'),
    },
  };
}

/** The same fields picked from a report (GraphQL or `areaReport`). */
export function reportView(r: {
  period?: unknown;
  cumulative?: unknown;
  atEnd: unknown;
}): (flows: 'period' | 'cumulative') => ReturnType<typeof bruteView> {
  return (which) => {
    const f = (r as Record<string, Record<string, unknown>>)[which];
    const e = r.atEnd as Record<string, unknown>;
    const bl = (x: unknown) => {
      const o = x as { level1: number; level2: number; total: number };
      return { level1: o.level1, level2: o.level2, total: o.total };
    };
    return {
      flows: {
        collected: bl(f.collected),
        activated: bl(f.activated),
        approved: f.approved as number,
        upgraded: f.upgraded as number,
        locked: f.locked as number,
        unlocked: f.unlocked as number,
      },
      atEnd: {
        accounts: bl(e.accounts),
        pendingApproval: e.pendingApproval as number,
        approvedNotActivated: e.approvedNotActivated as number,
        activationExpired: e.activationExpired as number,
        active: bl(e.active),
        locked: e.locked as number,
        rejected: e.rejected as number,
      },
    };
  };
}

// ---------------------------------------------------------------------------------------------
// CSV
// ---------------------------------------------------------------------------------------------

/** Parses RFC 4180 CSV (CRLF records, "" escapes) strictly: throws on a stray quote. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let i = 0;
  while (i < text.length) {
    let cell = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        if (i >= text.length) throw new Error('unterminated quoted cell');
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            cell += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        cell += text[i++];
      }
      if (i < text.length && text[i] !== ',' && text[i] !== '\r') throw new Error(`junk after a quoted cell at ${i}`);
    } else {
      while (i < text.length && text[i] !== ',' && text[i] !== '\r') {
        if (text[i] === '"' || text[i] === '\n') throw new Error(`bare quote or LF in an unquoted cell at ${i}`);
        cell += text[i++];
      }
    }
    row.push(cell);
    if (text[i] === ',') {
      i++;
      continue;
    }
    if (text[i] === '\r') {
      if (text[i + 1] !== '\n') throw new Error(`CR without LF at ${i}`);
      i += 2;
    }
    rows.push(row);
    row = [];
  }
  return rows;
}
