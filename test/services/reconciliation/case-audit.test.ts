import { SOURCES } from '../../../connectors/registry';
import { seed } from '../../../mockdata/seed';
import { accessLogCollection } from '../../../services/audit/access-log';
import type { AuditRecordDoc } from '../../../services/audit/model';
import { AUDIT_COLLECTION } from '../../../services/audit/writer';
import { issueDevToken } from '../../../services/access/auth/dev-idp';
import { RECON_FINDINGS_COLLECTION, type FindingDoc } from '../../../services/reconciliation/model';
import type { Query } from '../../../generated/graphql';
import { gql, startTestHub, type TestHub } from '../../support/hub';
import { testKeys } from '../../support/keys';
import { parseCsv } from '../accounts/reports/support';

/**
 * What reading a case discloses is audited (docs/security.md, "What is audited"), over real HTTP:
 * cases with no identified person (ORPHAN, a MALFORMED key) are audited under their record key
 * (a 12-digit key: that citizen; else `record:<source>:<key>`, never in an access log), in the
 * GraphQL query and the CSV export; what a case shows of its source is audited as that source's
 * document kind. Own data set under `rcq_`.
 */

const keys = testKeys();
let hub: TestHub;
let orphans: FindingDoc[];
const ODD_KEY = 'SKB-2019/77.x';

const national = () => ({
  authorization: `Bearer ${issueDevToken(
    'officer',
    { role: 'SUPERVISOR', area: { province: 'VN' }, officerId: 'sup-vn', unit: 'Bộ Công an (test)' },
    { key: keys.idp },
  )}`,
});

async function auditOf(requestId: string): Promise<AuditRecordDoc[]> {
  const docs = await hub.store.hubDb.collection<AuditRecordDoc>(AUDIT_COLLECTION).find({ requestId }).toArray();
  return docs.sort((a, b) => a.seq - b.seq);
}

const SOURCE_NAME: Record<FindingDoc['source'], string> = {
  population: 'POPULATION',
  drivingLicence: 'DRIVING_LICENCE',
  healthInsurance: 'HEALTH_INSURANCE',
  socialInsurance: 'SOCIAL_INSURANCE',
  healthRecord: 'HEALTH_RECORD',
};
const subjectOf = (f: FindingDoc) =>
  f.personalId ?? (/^\d{12}$/.test(f.recordKey) ? f.recordKey : `record:${SOURCE_NAME[f.source]}:${f.recordKey}`);

beforeAll(async () => {
  hub = await startTestHub({ HUB_CSV_CHUNK: '10' }, 'rcq_');
  await seed(hub.store, { citizens: 300, seed: 77, rates: { ORPHAN: 0.05, MISMATCH: 0.05 } });
  // A health book kept under a key that is no personal ID at all.
  const ehr = hub.store
    .db(SOURCES.healthRecord.db)
    .collection<Record<string, unknown>>(SOURCES.healthRecord.collection);
  const one = (await ehr.findOne({}))!;
  await ehr.insertOne({ ...one, _id: ODD_KEY as never });
  const run = await hub.reconciliation.start({ province: 'VN' }, 'operator');
  await hub.reconciliation.wait(run._id);
  expect((await hub.reconciliation.get(run._id))!.status).toBe('DONE');
  const all = await hub.store.hubDb.collection<FindingDoc>(RECON_FINDINGS_COLLECTION).find({}).toArray();
  orphans = all.filter((f) => f.kind === 'ORPHAN');
  expect(orphans.some((f) => f.recordKey === ODD_KEY)).toBe(true);
  expect(orphans.length).toBeLessThanOrEqual(100); // one page
  expect(orphans.some((f) => /^\d{12}$/.test(f.recordKey))).toBe(true);
}, 120_000);

afterAll(async () => {
  await hub?.close();
});

describe('cases with no identified person', () => {
  it('a page of ORPHAN cases only is audited under their record keys', async () => {
    const r = await gql<Pick<Query, 'reconciliationCases'>>(
      hub.url,
      `query { reconciliationCases(area: "VN", kind: ORPHAN, first: 100) { nodes { id source recordKey } } }`,
      {},
      national(),
    );
    expect(r.body.errors).toBeUndefined();
    const nodes = r.body.data!.reconciliationCases.nodes;
    expect(nodes).toHaveLength(orphans.length);
    const records = await auditOf(r.headers.get('x-request-id')!);
    expect(records).toHaveLength(1);
    const audited = new Map(records[0].citizens.map((c) => [c.citizenId, c]));
    expect(new Set(audited.keys())).toEqual(new Set(orphans.map(subjectOf)));
    expect(audited.has(`record:HEALTH_RECORD:${ODD_KEY}`)).toBe(true);
    // The source's document kind: a health record exists under that key.
    const odd = audited.get(`record:HEALTH_RECORD:${ODD_KEY}`)!;
    expect(odd.disclosed.map((d) => d.scope)).toContain('HEALTH_RECORD');

    // A subject that is no personal ID never lands in an access log.
    await hub.auditWriter.flush();
    const index = await accessLogCollection(hub.store)
      .find({ _id: { $regex: '^record:' } } as never)
      .toArray();
    expect(index).toEqual([]);
  });

  it('the CSV export audits them too', async () => {
    const res = await fetch(`${hub.url}/reconciliation/cases.csv?area=VN&kind=ORPHAN`, { headers: national() });
    expect(res.status).toBe(200);
    const rows = parseCsv((await res.text()).replace(/^\uFEFF/, '')).slice(1);
    expect(rows).toHaveLength(orphans.length);
    const records = await auditOf(res.headers.get('x-request-id')!);
    const audited = new Set(records.flatMap((x) => x.citizens.map((c) => c.citizenId)));
    expect(audited).toEqual(new Set(orphans.map(subjectOf)));
    const odd = records.flatMap((x) => x.citizens).find((c) => c.citizenId === `record:HEALTH_RECORD:${ODD_KEY}`)!;
    expect(odd.disclosed.map((d) => d.scope)).toContain('HEALTH_RECORD');
  });
});

describe('what a case shows of its source', () => {
  it('reading {personalId source} of a health-record case records HEALTH_RECORD', async () => {
    const all = await hub.store.hubDb.collection<FindingDoc>(RECON_FINDINGS_COLLECTION).find({}).toArray();
    const f = all.find((x) => x.source === 'healthRecord' && x.personalId)!;
    expect(f).toBeDefined();
    const r = await gql(
      hub.url,
      `query($id: ID!) { reconciliationCase(id: $id) { personalId source } }`,
      { id: f._id },
      national(),
    );
    expect(r.body.data!.reconciliationCase).toEqual({ personalId: f.personalId, source: 'HEALTH_RECORD' });
    const [record] = await auditOf(r.headers.get('x-request-id')!);
    expect(record.citizens.map((c) => c.citizenId)).toEqual([f.personalId]);
    expect(record.citizens[0].disclosed.map((d) => d.scope)).toContain('HEALTH_RECORD');
  });
});
