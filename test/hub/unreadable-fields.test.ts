import { randomUUID } from 'node:crypto';
import type { Document } from 'mongodb';
import { SOURCES } from '../../connectors/registry';
import { POPULATION_COLLECTION, POPULATION_DB, type CongDanDoc } from '../../connectors/population/model';
import { seed } from '../../mockdata/seed/index';
import type { AuditRecordDoc } from '../../services/audit/model';
import { AUDIT_COLLECTION } from '../../services/audit/writer';
import type { SourceName } from '../../mockdata/seed-meta';
import { ACCOUNTS_COLLECTION, type AccountDoc } from '../../services/accounts/store';
import { badCases, nulled, withValue } from '../support/bad-fields';
import { gql, startTestHub, type TestHub } from '../support/hub';
import { testKeys } from '../support/keys';
import { CITIZEN_ALL_PAPERS } from '../support/queries';

/**
 * Dirty source data over real HTTP on the real store: for each source, a record with one bad
 * field of each kind (table-driven, test/support/bad-fields.ts). The citizen reads all their
 * papers: every other field is served as with the clean record, the bad one (and what is derived
 * from it) is null with SOURCE_DATA_INVALID naming the source and the field, never the value, and
 * the audit does not record the failed field as disclosed. Own data set under `udf_`.
 */

const keys = testKeys();
let hub: TestHub;
let holder: string;
/** The holder's clean documents, per source. */
const clean = new Map<SourceName, Document>();
/** The clean answer. */
let baseline: Record<string, unknown>;

const collection = (source: SourceName) => hub.store.db(SOURCES[source].db).collection(SOURCES[source].collection);

async function put(source: SourceName, doc: Document): Promise<void> {
  await collection(source).replaceOne({ _id: holder } as never, doc, { upsert: true });
}

async function read() {
  const requestId = `udf-${randomUUID()}`;
  // The citizen as a record of its papers: the cases null them by path.
  const r = await gql<{ citizen: Record<string, unknown> | null }>(
    hub.url,
    CITIZEN_ALL_PAPERS,
    { id: holder },
    { authorization: `Bearer ${keys.citizen(holder)}`, 'x-request-id': requestId },
  );
  expect(r.status).toBe(200);
  const audit = await hub.store.hubDb.collection<AuditRecordDoc>(AUDIT_COLLECTION).find({ requestId }).toArray();
  const disclosed = audit.flatMap((a) =>
    a.citizens.filter((c) => c.citizenId === holder).flatMap((c) => c.disclosed.flatMap((d) => d.paths)),
  );
  return { r, disclosed };
}

beforeAll(async () => {
  hub = await startTestHub({}, 'udf_');
  await seed(hub.store, { citizens: 150, seed: 23, rates: { MALFORMED: 0 } });
  const accounts = await hub.store.hubDb.collection<AccountDoc>(ACCOUNTS_COLLECTION).find({}).toArray();
  const active = new Set(accounts.filter((a) => a.status === 'ACTIVE' && a.level === 2).map((a) => a._id));
  const people = await hub.store.db(POPULATION_DB).collection<CongDanDoc>(POPULATION_COLLECTION).find({}).toArray();
  const person = people.find(
    (p) => active.has(p._id) && !!p.theCanCuoc && p.lichSuGiayTo.length > 0 && !!p.hoGiaDinh?.chuHo,
  )!;
  expect(person).toBeDefined();
  holder = person._id;
  clean.set('population', person);
  // The holder's other papers: a record of each source with the entries the cases touch, as theirs.
  const some = (v: unknown) => Array.isArray(v) && v.length > 0;
  const pick: Record<Exclude<SourceName, 'population'>, (d: Document) => boolean> = {
    drivingLicence: (d) => some(d.classes),
    healthInsurance: () => true,
    // No older number kept: then an unreadable number leaves its kind and the 10-digit number unknown too.
    socialInsurance: (d) => some(d.quaTrinh) && !d.maSoBhxhCu,
    healthRecord: (d) => some(d.encounters) && some(d.immunizations) && some(d.episodes),
  };
  for (const [source, ok] of Object.entries(pick) as Array<[SourceName, (d: Document) => boolean]>) {
    const doc = (await collection(source).find({}).toArray()).find(ok)!;
    expect(doc).toBeDefined();
    clean.set(source, { ...doc, _id: holder });
    await put(source, clean.get(source)!);
  }
  const { r } = await read();
  expect(r.body.errors).toBeUndefined();
  baseline = r.body.data!.citizen!;
  for (const paper of [
    'identityCard',
    'residence',
    'household',
    'drivingLicence',
    'healthInsurance',
    'socialInsurance',
    'healthRecord',
  ])
    expect(baseline[paper]).not.toBeNull();
}, 180_000);

afterAll(async () => {
  await hub?.close();
});

describe('a record with one unreadable field is served without it', () => {
  it.each(badCases())('%s', async (_label, f, problem, value) => {
    await put(f.source, withValue(clean.get(f.source)!, f.field, value));
    try {
      const { r, disclosed } = await read();
      const failed = [f.api, ...(f.also ?? [])];
      // Every other field as with the clean record; the bad one and its derived ones null.
      expect(r.body.data!.citizen).toEqual(nulled(baseline, failed));
      // One SOURCE_DATA_INVALID per failed field, at its path, naming source, field and problem only.
      const errors = (r.body.errors ?? []).map((e) => ({ path: e.path!.join('.'), extensions: e.extensions }));
      expect(errors.sort((a, b) => a.path.localeCompare(b.path))).toEqual(
        failed
          .map((p) => ({
            path: `citizen.${p}`,
            extensions: { code: 'SOURCE_DATA_INVALID', source: f.source, field: f.field, problem },
          }))
          .sort((a, b) => a.path.localeCompare(b.path)),
      );
      for (const e of r.body.errors!) {
        if (typeof value === 'string' && value.trim()) expect(e.message).not.toContain(value);
        expect(JSON.stringify(e)).not.toMatch(/t_|udf_|congDan|licences|the_bhyt|so_bhxh|healthBooks/);
      }
      // The audit: the paper is disclosed (the rest of it left), the failed field is not.
      for (const p of failed) {
        const at = `citizen.${p}`;
        expect(disclosed.filter((d) => d === at || d.startsWith(`${at}.`))).toEqual([]);
      }
      const paper = `citizen.${f.api.split('.')[0]}`;
      if (f.api.includes('.')) expect(disclosed).toContain(paper);
    } finally {
      await put(f.source, clean.get(f.source)!);
    }
  });
});
