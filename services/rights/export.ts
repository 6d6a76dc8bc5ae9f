/**
 * The right of access (Law 91/2025; docs/rights.md): a copy of everything the hub holds or links
 * about the calling citizen, machine-readable (one JSON document) and human-readable (render.ts).
 *
 * - The papers from the sources, as the disclosure policy lets the citizen see them (account
 *   ACTIVE, the level each document needs): what is withheld is named with the reason, a source
 *   that cannot answer is named as such. A field a source holds unreadably is null and listed
 *   under `_unreadable` (source, the source's field, the problem; never the value).
 * - The e-identity account, the consents (with their restriction), the access log (who read the
 *   data), the data-subject requests (this one included: every export is recorded as an ACCESS
 *   request answered at once).
 *
 * Everything disclosed is returned as disclosure events for the request's audit record, including
 * the household members and relatives the family documents name (about each of them).
 */
import type { CitizenRecord } from '../../connectors/population/connector';
import { UNREADABLE, type Unreadable } from '../../connectors/fields';
import type { Loaders } from '../../connectors/registry';
import { DOCUMENT_SCOPES, type DocumentScope } from '../access/auth/principal';
import { listConsents } from '../access/consents/list';
import { decide, type AccessLookups, type Decision } from '../access/policy';
import type { StoredAccount } from '../accounts/model';
import { readAccessLog } from '../audit/access-log';
import type { DataKind, DisclosureEvent } from '../audit/model';
import type { DataRequestDoc } from './model';
import type { RightsService } from './service';

export const EXPORT_FORMAT = 'vn-papers-hub/data-export';

/** The most access-log entries an export lists (the index keeps about 500 per citizen). */
const ACCESS_LOG_EXPORT_MAX = 1_000;

export interface ExportDeps {
  loaders: Loaders;
  access: AccessLookups;
  account(personalId: string): Promise<StoredAccount | null>;
}

export interface DataExportView {
  citizenId: string;
  generatedAt: Date;
  /** The kinds of data the export holds (its audit). */
  kinds: DataKind[];
  doc: Record<string, unknown>;
  request: DataRequestDoc;
}

/** A JSON-safe copy: Dates as ISO strings, undefined members left out, unreadable fields listed under `_unreadable`. */
export function plain(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v)) return v.map(plain);
  if (typeof v !== 'object') return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) if (x !== undefined) out[k] = plain(x);
  const bad = (v as { [UNREADABLE]?: Record<string, Unreadable> })[UNREADABLE];
  if (bad && Object.keys(bad).length) out._unreadable = bad;
  return out;
}

/** The parts of the population record each document scope covers (the API's `@disclose`). */
const POPULATION_PARTS: Partial<Record<DocumentScope, Array<keyof CitizenRecord>>> = {
  IDENTITY: [
    'personalId',
    'fullName',
    'dateOfBirth',
    'sex',
    'ethnicity',
    'nationality',
    'vitalStatus',
    'dateOfDeath',
    'provenance',
  ],
  IDENTITY_CARD: ['identityCard', 'residenceCard'],
  RESIDENCE: ['residence'],
  FAMILY: ['household', 'family'],
};

const SOURCE_OF: Partial<
  Record<DocumentScope, 'drivingLicence' | 'healthInsurance' | 'socialInsurance' | 'healthRecord'>
> = {
  DRIVING_LICENCE: 'drivingLicence',
  HEALTH_INSURANCE: 'healthInsurance',
  SOCIAL_INSURANCE: 'socialInsurance',
  HEALTH_RECORD: 'healthRecord',
};

/** The other citizens a family document names (each audited as an IDENTITY disclosure about them). */
function namedRelatives(c: CitizenRecord): string[] {
  const ids = [
    c.household?.head?.personalId,
    ...(c.household?.members ?? []).map((m) => m.personalId),
    c.family?.father?.personalId,
    c.family?.mother?.personalId,
    c.family?.spouse?.personalId,
    ...(c.family?.dependants ?? []).map((d) => d.personalId),
  ];
  return [...new Set(ids.filter((x): x is string => typeof x === 'string' && x !== c.personalId))];
}

async function papers(
  citizenId: string,
  deps: ExportDeps,
  base: string,
  events: DisclosureEvent[],
): Promise<Record<string, unknown>> {
  const principal = { kind: 'CITIZEN' as const, personalId: citizenId, issuer: 'self' };
  const decisions = new Map<DocumentScope, Decision>();
  await Promise.all(
    DOCUMENT_SCOPES.map(async (s) =>
      decisions.set(s, await decide(principal, { personalId: citizenId, area: null }, s, deps.access)),
    ),
  );
  const out: Record<string, unknown> = {};
  const allowed = (s: DocumentScope) => decisions.get(s)!.allow;
  const record = (s: DocumentScope, path: string) => events.push({ citizenId, scope: s, path, decision: 'DISCLOSED' });
  const withheld = (s: DocumentScope) => {
    const d = decisions.get(s)!;
    const reason = d.allow ? 'NOT_DISCLOSED' : d.reason;
    events.push({
      citizenId,
      scope: s,
      path: `${base}.${s}`,
      decision: 'DENIED',
      reason: d.allow ? undefined : d.reason,
    });
    return { withheld: reason };
  };
  const popScopes = Object.keys(POPULATION_PARTS) as DocumentScope[];
  let person: CitizenRecord | null = null;
  let popFailed = false;
  if (popScopes.some(allowed)) {
    person = await deps.loaders.population.load(citizenId).catch(() => ((popFailed = true), null));
  }
  for (const s of popScopes) {
    if (!allowed(s)) out[s] = withheld(s);
    else if (popFailed) out[s] = { unavailable: 'SOURCE_UNAVAILABLE' };
    else if (!person) out[s] = null;
    else {
      const p = person;
      out[s] = plain(Object.fromEntries(POPULATION_PARTS[s]!.map((k) => [k, p[k]])));
      record(s, `${base}.${s}`);
      if (s === 'FAMILY') {
        for (const id of namedRelatives(person))
          events.push({ citizenId: id, scope: 'IDENTITY', path: `${base}.${s}`, decision: 'DISCLOSED' });
      }
    }
  }
  await Promise.all(
    (Object.keys(SOURCE_OF) as DocumentScope[]).map(async (s) => {
      if (!allowed(s)) {
        out[s] = withheld(s);
        return;
      }
      try {
        const doc = await deps.loaders[SOURCE_OF[s]!].load(citizenId);
        out[s] = plain(doc);
        if (doc) record(s, `${base}.${s}`);
      } catch {
        out[s] = { unavailable: 'SOURCE_UNAVAILABLE' };
      }
    }),
  );
  return out;
}

async function accessLog(svc: RightsService, citizenId: string): Promise<unknown[]> {
  const entries: unknown[] = [];
  let after: string | null = null;
  do {
    const page = await readAccessLog(svc.deps.store, citizenId, { first: 100, after });
    entries.push(...page.entries.map((e) => plain({ ...e, chain: undefined, seq: undefined })));
    after = page.hasNextPage ? page.endCursor : null;
  } while (after && entries.length < ACCESS_LOG_EXPORT_MAX);
  return entries;
}

function account(a: StoredAccount | null): unknown {
  if (!a) return null;
  return plain({
    level: a.level,
    status: a.status,
    phone: a.phone,
    email: a.email,
    area: a.area,
    registeredAt: a.registeredAt,
    approvedAt: a.approvedAt,
    activatedAt: a.activatedAt,
    lockedAt: a.lockedAt,
    lockReason: a.lockReason,
    history: a.history,
  });
}

/**
 * Records an ACCESS request (answered at once) and builds the export. `events` gets the
 * disclosures (paths under `path`).
 */
export async function buildExport(
  svc: RightsService,
  deps: ExportDeps,
  citizenId: string,
  path: string,
  events: DisclosureEvent[],
): Promise<DataExportView> {
  const request = await svc.recordAccess(citizenId);
  const generatedAt = svc.now();
  const [paperDocs, acct, consents, log, requests] = await Promise.all([
    papers(citizenId, deps, `${path}.papers`, events),
    deps.account(citizenId),
    listConsents(svc.deps.store, citizenId, generatedAt, { first: Infinity }),
    accessLog(svc, citizenId),
    svc.mine(citizenId, { first: Infinity }),
  ]);
  const restricted = await Promise.all(
    consents.map((c) => svc.deps.caches.restrictions.restricted(citizenId, c.clientId)),
  );
  const inForce = await Promise.all(requests.nodes.map((r) => svc.restrictionInForce(r)));
  const doc = {
    format: EXPORT_FORMAT,
    version: 1,
    generatedAt: generatedAt.toISOString(),
    controller: { name: 'vn-papers-hub', issuer: svc.deps.issuer },
    subject: { personalId: citizenId },
    legalBasis: 'Personal Data Protection Law 91/2025/QH15, the data subject’s right of access (docs/rights.md)',
    papers: paperDocs,
    account: account(acct),
    consents: consents.map((c, i) =>
      plain({
        ...c,
        _id: undefined,
        id: c._id,
        slot: undefined,
        clientGen: undefined,
        clientChecked: undefined,
        restricted: restricted[i],
      }),
    ),
    accessLog: log,
    requests: requests.nodes.map((r, i) =>
      plain({ ...r, _id: undefined, id: r._id, seq: undefined, restrictionInForce: inForce[i] }),
    ),
  };
  const kinds = new Set<DataKind>(
    events.filter((e) => e.decision === 'DISCLOSED' && e.citizenId === citizenId).map((e) => e.scope),
  );
  if (acct) kinds.add('ACCOUNT');
  kinds.add('CONSENTS');
  kinds.add('ACCESS_LOG');
  kinds.add('DATA_REQUESTS');
  return { citizenId, generatedAt, kinds: [...kinds], doc, request };
}
