import { randomUUID } from 'node:crypto';
import { expect } from '@jest/globals';
import { getDirective } from '@graphql-tools/utils';
import { mapCitizen, type CitizenRecord } from '../../../connectors/population/connector';
import { POPULATION_COLLECTION, POPULATION_DB, type CongDanDoc } from '../../../connectors/population/model';
import { seed } from '../../../mockdata/seed/index';
import type { AuditRecordDoc } from '../../../services/audit/model';
import { AUDIT_COLLECTION } from '../../../services/audit/writer';
import { issueDevToken } from '../../../services/access/auth/dev-idp';
import type { OfficerRole } from '../../../services/access/auth/principal';
import { RECON_FINDINGS_COLLECTION, type FindingDoc } from '../../../services/reconciliation/model';
import { buildSchema } from '../../../hub/schema';
import { ACCOUNTS_COLLECTION, type AccountDoc } from '../../../services/accounts/store';
import { registerClient } from '../../../services/access/clients';
import type { Mutation, Query } from '../../../generated/graphql';
import { gql, startTestHub, type TestHub } from '../../support/hub';
import { testKeys } from '../../support/keys';
import { rightsRows, type Row } from './coverage-rights';
import { RecordingNotifier } from '../../../services/accounts/notifier';
import { families, registerWard, vnDate } from '../../support/guardians';

/**
 * Audit coverage, deny by default: every root field declares its audit treatment (the schema
 * builder refuses one that does not), and every root field returning personal data writes the
 * citizens and kinds of data it returned into the request's audit record — over real HTTP on the
 * real store, one query per root field (a new audited root field without a row here fails).
 * Own data set under `acv_`.
 */

const keys = testKeys();
let hub: TestHub;
const bearer = (t: string) => ({ authorization: `Bearer ${t}` });
const officer = (role: OfficerRole) =>
  issueDevToken(
    'officer',
    { role, area: { province }, officerId: `o-${role}`, unit: 'Công an (test)' },
    { key: keys.idp },
  );

let province: string;
/** An ACTIVE Level 2 citizen with a household of others and a known parent. */
let holder: CitizenRecord;
let member: string;
let parent: string;
let locked: string;
let clientId: string;
let consentId: string;
const notifier = new RecordingNotifier();
/** A parent with an ACTIVE Level 2 account and their child's ACTIVE Level 1 account. */
let ward: { parent: string; child: string };
let wardConsentId: string;
/** A case whose source is not the population (its source value is another document's). */
let sourceCase: FindingDoc;
let caseId: string;
let runId: string;
let startedRunId: string;

async function auditOf(requestId: string): Promise<AuditRecordDoc[]> {
  return hub.store.hubDb.collection<AuditRecordDoc>(AUDIT_COLLECTION).find({ requestId }).toArray();
}

/** The kinds disclosed per citizen in a request's audit record(s). */
async function disclosed(requestId: string): Promise<Map<string, Set<string>>> {
  const out = new Map<string, Set<string>>();
  for (const r of await auditOf(requestId)) {
    for (const c of r.citizens) {
      const s = out.get(c.citizenId) ?? new Set<string>();
      for (const d of c.disclosed) s.add(d.scope);
      out.set(c.citizenId, s);
    }
  }
  return out;
}

/** Any root field of the schema, as the operation under test selects it. */
type Roots = Partial<Omit<Query, '__typename'> & Omit<Mutation, '__typename'>> & Record<string, unknown>;
type AccessLog = Pick<Query, 'myAccessLog'>;

async function call(query: string, variables: Record<string, unknown>, token: string) {
  const requestId = `acv-${randomUUID()}`;
  const r = await gql<Roots>(hub.url, query, variables, { ...bearer(token), 'x-request-id': requestId });
  expect({ status: r.status, errors: r.body.errors }).toEqual({ status: 200, errors: undefined });
  return { r, requestId };
}

beforeAll(async () => {
  hub = await startTestHub({}, 'acv_', { notifier });
  await seed(hub.store, {
    citizens: 400,
    seed: 17,
    rates: { MISMATCH: 0.08, DECEASED_ACTIVE: 0.06, OLD_ID_KEY: 0.06, EXPIRED_ID_CARD: 0.06 },
  });
  const accounts = await hub.store.hubDb.collection<AccountDoc>(ACCOUNTS_COLLECTION).find({}).toArray();
  const people = new Map<string, CitizenRecord>();
  for (const d of await hub.store.db(POPULATION_DB).collection<CongDanDoc>(POPULATION_COLLECTION).find({}).toArray()) {
    try {
      people.set(d._id, mapCitizen(d));
    } catch {
      /* a defective record */
    }
  }
  holder = accounts
    .filter((a) => a.status === 'ACTIVE' && a.level === 2)
    .map((a) => people.get(a._id))
    .find(
      (p) =>
        !!p?.area &&
        !!p.household?.members?.some((m) => m.personalId !== p.personalId) &&
        !!(p.family?.father?.personalId ?? p.family?.mother?.personalId),
    )!;
  expect(holder).toBeDefined();
  province = holder.area!.province;
  member = holder.household!.members!.find((m) => m.personalId !== holder.personalId)!.personalId!;
  parent = (holder.family.father?.personalId ?? holder.family.mother?.personalId)!;
  locked = accounts.find((a) => a.status === 'LOCKED')!._id;

  // A parent and the child's Level 1 account they registered (the guardian entry points).
  [ward] = await families(hub.store, vnDate(new Date()));
  expect(ward).toBeDefined();
  await registerWard(hub.url, notifier, ward.parent, ward.child);

  clientId = `acv-${randomUUID().slice(0, 8)}`;
  await registerClient(hub.store, {
    id: clientId,
    name: 'Cổng DVC (test)',
    scopes: ['IDENTITY'],
    purposes: ['1.000001'],
  });

  const run = await hub.reconciliation.start({ province }, 'operator');
  await hub.reconciliation.wait(run._id);
  runId = run._id;
  const findings = await hub.store.hubDb.collection<FindingDoc>(RECON_FINDINGS_COLLECTION).find({}).toArray();
  sourceCase = findings.find(
    (f) => f.area.province === province && f.personalId && f.source !== 'population' && f.sourceValue,
  )!;
  expect(sourceCase).toBeDefined();
  caseId = sourceCase._id;
}, 180_000);

afterAll(async () => {
  await hub?.close();
});

describe('the schema builder refuses a root field without a true audit treatment', () => {
  it('builds the real schema', () => {
    expect(() => buildSchema()).not.toThrow();
  });

  it('refuses a root field with no @audit, naming it', () => {
    expect(() => buildSchema(['extend type Query { leakyAccount: Account @self }'])).toThrow(
      /Query\.leakyAccount has no audit treatment/,
    );
    expect(() => buildSchema(['extend type Mutation { leakyPing: Boolean! @public }'])).toThrow(
      /Mutation\.leakyPing has no audit treatment/,
    );
  });

  it('refuses @audit(none) on a field that returns personal data, and kinds that are not the truth', () => {
    expect(() => buildSchema(['extend type Query { leakyAccount: Account @self @audit(none: "no") }'])).toThrow(
      /Query\.leakyAccount is @audit\(none\) but returns personal data \(ACCOUNT, FAMILY, IDENTITY\)/,
    );
    expect(() => buildSchema(['extend type Query { leakyAccount: Account @self @audit(as: [ACCOUNT]) }'])).toThrow(
      /Query\.leakyAccount: @audit\(as: \[ACCOUNT\]\) but it returns \[ACCOUNT, FAMILY, IDENTITY\]/,
    );
  });
});

/**
 * One row per root field that returns personal data: the query, the caller, and for each citizen
 * the kinds the request's audit record must name (Row: coverage-rights.ts).
 */
const SOURCE_ENUM = {
  drivingLicence: 'DRIVING_LICENCE',
  healthInsurance: 'HEALTH_INSURANCE',
  socialInsurance: 'SOCIAL_INSURANCE',
  healthRecord: 'HEALTH_RECORD',
} as const;
const CASE_FIELDS = 'id personalId recordKey sourceValue populationValue status';
const caseKinds = () => ({
  [sourceCase.personalId!]: [
    sourceCase.kind === 'OLD_ID_KEY' || sourceCase.kind === 'EXPIRED_ID_CARD' ? 'IDENTITY_CARD' : 'IDENTITY',
    {
      drivingLicence: 'DRIVING_LICENCE',
      healthInsurance: 'HEALTH_INSURANCE',
      socialInsurance: 'SOCIAL_INSURANCE',
      healthRecord: 'HEALTH_RECORD',
    }[sourceCase.source as 'drivingLicence'],
  ],
});
const caseMutation = (field: string, args: string) => ({
  query: `mutation($id: ID!) { ${field}(id: $id${args}) { case { ${CASE_FIELDS} } userErrors { code } } }`,
  variables: () => ({ id: caseId }),
  token: () => officer('DATA_CLEANING'),
  expect: caseKinds,
});
const ACCOUNT_FIELDS = 'account { personalId phone email status history { by } } userErrors { code }';
const accountMutation = (
  field: string,
  args: string,
  token: () => string,
  who: () => string = () => holder.personalId,
) => ({
  query: `mutation($id: PersonalId!) { ${field}${args ? `(${args})` : ''} { ${ACCOUNT_FIELDS} } }`,
  variables: () => ({ id: who() }),
  token,
  expect: () => ({ [who()]: ['ACCOUNT'] }),
});
const approver = () => officer('ACCOUNT_APPROVER');
const self = () => keys.citizen(holder.personalId);
/** The correction request the rights rows file, and the officers' rows act on. */
let dataRequestId: string;

const ROWS: Record<string, Row> = {
  citizen: {
    query: `query($id: PersonalId!) { citizen(personalId: $id) { fullName
      household { members { personalId fullName } } family { father { personalId fullName } mother { personalId fullName } } } }`,
    variables: () => ({ id: holder.personalId }),
    token: self,
    expect: () => ({ [holder.personalId]: ['IDENTITY', 'FAMILY'], [member]: ['IDENTITY'], [parent]: ['IDENTITY'] }),
  },
  me: {
    query: `{ me { fullName
      household { members { personalId fullName } } family { father { personalId fullName } mother { personalId fullName } } } }`,
    token: self,
    expect: () => ({ [holder.personalId]: ['IDENTITY', 'FAMILY'], [member]: ['IDENTITY'], [parent]: ['IDENTITY'] }),
  },
  citizens: {
    query: `query($ids: [PersonalId!]!) { citizens(personalIds: $ids) { fullName residence { registeredOn } } }`,
    variables: () => ({ ids: [holder.personalId] }),
    token: () => officer('DATA_CLEANING'),
    expect: () => ({ [holder.personalId]: ['IDENTITY', 'RESIDENCE'] }),
  },
  myAccount: {
    query: '{ myAccount { personalId phone email history { by } } }',
    token: self,
    expect: () => ({ [holder.personalId]: ['ACCOUNT'] }),
  },
  account: {
    query: 'query($id: PersonalId!) { account(personalId: $id) { phone status } }',
    variables: () => ({ id: holder.personalId }),
    token: approver,
    expect: () => ({ [holder.personalId]: ['ACCOUNT'] }),
  },
  accountWorkList: {
    query: `query($area: String!) { accountWorkList(list: NOT_REGISTERED, area: $area, first: 3) { nodes { personalId fullName address } } }`,
    variables: () => ({ area: province }),
    token: () => officer('WORKING_GROUP'),
    expect: () => ({}), // the listed citizens: checked against the response below
  },
  myConsents: {
    query: '{ myConsents(first: 10) { id purpose dossierRef } }',
    token: self,
    expect: () => ({ [holder.personalId]: ['CONSENTS'] }),
  },
  myAccessLog: {
    query: '{ myAccessLog(first: 5) { entries { readerKind documents data } } }',
    token: self,
    expect: () => ({ [holder.personalId]: ['ACCESS_LOG'] }),
  },
  reconciliationCases: {
    query: `query($area: String!, $source: DataSource) { reconciliationCases(area: $area, source: $source, first: 100) { nodes { ${CASE_FIELDS} } } }`,
    variables: () => ({
      area: sourceCase.area.commune ?? province,
      source: {
        drivingLicence: 'DRIVING_LICENCE',
        healthInsurance: 'HEALTH_INSURANCE',
        socialInsurance: 'SOCIAL_INSURANCE',
        healthRecord: 'HEALTH_RECORD',
      }[sourceCase.source as 'drivingLicence'],
    }),
    token: () => officer('DATA_CLEANING'),
    expect: caseKinds,
  },
  reconciliationCase: {
    query: `query($id: ID!) { reconciliationCase(id: $id) { ${CASE_FIELDS} } }`,
    variables: () => ({ id: caseId }),
    token: () => officer('DATA_CLEANING'),
    expect: caseKinds,
  },
  consentGrant: {
    query: `mutation($i: ConsentGrantInput!) { consentGrant(input: $i) { consent { id purpose } userErrors { code } } }`,
    variables: () => ({
      i: {
        clientId,
        scopes: ['IDENTITY'],
        purpose: '1.000001',
        dossierRef: 'HS-ACV-1',
        validUntil: new Date(Date.now() + 30 * 86_400_000).toISOString(),
      },
    }),
    token: self,
    expect: () => ({ [holder.personalId]: ['CONSENTS'] }),
  },
  consentRevoke: {
    query: `mutation($id: ID!) { consentRevoke(id: $id) { consent { id status } userErrors { code } } }`,
    variables: () => ({ id: consentId }),
    token: self,
    expect: () => ({ [holder.personalId]: ['CONSENTS'] }),
  },
  // The data subject's rights (docs/rights.md): requests, the export, statements.
  ...rightsRows({
    holder: () => holder.personalId,
    member: () => member,
    parent: () => parent,
    province: () => province,
    clientId: () => clientId,
    consentId: () => consentId,
    dataRequestId: () => dataRequestId,
    self,
    dpo: () => officer('DATA_PROTECTION'),
  }),
  // Refused transitions still show the account as it is (and change nothing).
  accountRegister: {
    query: `mutation($id: PersonalId!) { accountRegister(input: { personalId: $id, level: 2, phone: "0912345678", fingerprintsCaptured: true }) { ${ACCOUNT_FIELDS} } }`,
    variables: () => ({ id: holder.personalId }),
    token: approver,
    expect: () => ({ [holder.personalId]: ['ACCOUNT', 'IDENTITY'] }),
  },
  accountUpgrade: accountMutation('accountUpgrade', 'personalId: $id, fingerprintsCaptured: true', approver),
  accountApprove: accountMutation('accountApprove', 'personalId: $id', approver),
  accountReject: accountMutation('accountReject', 'personalId: $id, reason: "test"', approver),
  accountReopen: accountMutation('accountReopen', 'personalId: $id', approver),
  accountUnlock: accountMutation('accountUnlock', 'personalId: $id, ownershipVerified: true', approver),
  accountUnlockRequest: accountMutation('accountUnlockRequest', 'personalId: $id, authority: "test"', approver),
  accountUnlockAtAuthorityRequest: accountMutation('accountUnlockAtAuthorityRequest', 'personalId: $id', approver),
  accountUnlockRequestRefuse: accountMutation(
    'accountUnlockRequestRefuse',
    'personalId: $id, reason: "test"',
    approver,
  ),
  accountLock: accountMutation(
    'accountLock',
    'personalId: $id',
    () => keys.citizen(locked),
    () => locked,
  ),
  accountPhoneChange: {
    query: `mutation($id: PersonalId!, $phone: String!) { accountPhoneChange(input: { personalId: $id, phone: $phone }) { ${ACCOUNT_FIELDS} } }`,
    variables: () => ({ id: holder.personalId, phone: holderPhone }),
    token: approver,
    expect: () => ({ [holder.personalId]: ['ACCOUNT'] }),
  },
  accountPhoneChangeStart: {
    query: `mutation($phone: String!) { accountPhoneChangeStart(phone: $phone) { ${ACCOUNT_FIELDS} } }`,
    variables: () => ({ phone: holderPhone }),
    token: self,
    expect: () => ({ [holder.personalId]: ['ACCOUNT'] }),
  },
  accountActivate: {
    query: `mutation { accountActivate(code: "000000") { ${ACCOUNT_FIELDS} } }`,
    token: self,
    expect: () => ({ [holder.personalId]: ['ACCOUNT'] }),
  },
  accountActivationCodeResend: {
    query: `mutation { accountActivationCodeResend { ${ACCOUNT_FIELDS} } }`,
    token: self,
    expect: () => ({ [holder.personalId]: ['ACCOUNT'] }),
  },
  // Every case change shows the case (a refused one, the case as it is).
  reconciliationCaseNote: caseMutation('reconciliationCaseNote', ', text: "checked"'),
  reconciliationCaseConfirm: caseMutation('reconciliationCaseConfirm', ''),
  reconciliationCaseResolve: caseMutation('reconciliationCaseResolve', ', note: "fixed"'),
  reconciliationCaseReopen: caseMutation('reconciliationCaseReopen', ', note: "again"'),
  reconciliationCaseDismiss: caseMutation('reconciliationCaseDismiss', ', reason: "not a defect"'),
  reconciliationCaseAssign: caseMutation('reconciliationCaseAssign', ', assignee: "o-DATA_CLEANING"'),
  // A run's cases (the run above is the area's latest: it last saw every case of the area).
  reconciliationRun: {
    query: `query($id: ID!, $source: DataSource) { reconciliationRun(id: $id) { id
      cases(source: $source, first: 100) { nodes { ${CASE_FIELDS} } } } }`,
    variables: () => ({ id: runId, source: SOURCE_ENUM[sourceCase.source as 'drivingLicence'] }),
    token: () => officer('DATA_CLEANING'),
    expect: caseKinds,
  },
  // The area's runs, newest first: the latest one last saw every case of the area.
  reconciliationRuns: {
    query: `query($area: String!, $source: DataSource) { reconciliationRuns(area: $area, first: 1) { nodes { id
      cases(source: $source, first: 100) { nodes { ${CASE_FIELDS} } } } } }`,
    variables: () => ({ area: province, source: SOURCE_ENUM[sourceCase.source as 'drivingLicence'] }),
    token: () => officer('DATA_CLEANING'),
    expect: caseKinds,
  },
  // A bulk action shows each case (refused or not).
  reconciliationCasesCloseFormatOnly: {
    query: `mutation($ids: [ID!]!) { reconciliationCasesCloseFormatOnly(ids: $ids, note: "form only") {
      results { case { ${CASE_FIELDS} } userErrors { code } } } }`,
    variables: () => ({ ids: [caseId] }),
    token: () => officer('DATA_CLEANING'),
    expect: caseKinds,
  },
  // A run just started has seen nothing yet: whatever cases it shows are audited like the others.
  reconciliationRunStart: {
    query: `mutation($area: String!) { reconciliationRunStart(area: $area) { id cases(first: 100) { nodes { ${CASE_FIELDS} } } } }`,
    variables: () => ({ area: province }),
    token: () => officer('DATA_CLEANING'),
    expect: () => ({}),
  },
  // A share the holder made just before (below): its redemption discloses the shared papers.
  shareRedeem: {
    query: `mutation($code: String!) { shareRedeem(code: $code) { papers { paper fields { field value } } } }`,
    variables: () => ({ code: shareCode }),
    token: () => officer('DATA_CLEANING'),
    expect: () => ({ [holder.personalId]: ['IDENTITY', 'RESIDENCE'] }),
  },
  // The holder is no one's guardian here: refused, nothing shown (the guardian's reads are in
  // test/services/accounts/guardian.test.ts).
  childAccount: {
    query: `query($id: PersonalId!) { childAccount(personalId: $id) { ${ACCOUNT_FIELDS} } }`,
    variables: () => ({ id: holder.personalId }),
    token: self,
    expect: () => ({}),
  },
  // A parent acting for their child (services/access/guardianship.ts): audited for the child.
  ward: {
    query: `query($id: PersonalId!) { ward(personalId: $id) { personalId fullName } }`,
    variables: () => ({ id: ward.child }),
    token: () => keys.citizen(ward.parent),
    expect: () => ({ [ward.child]: ['IDENTITY'] }),
  },
  myWards: {
    query: `{ myWards { personalId fullName capacity guardianshipEndsOn accountStatus accountLevel } }`,
    token: () => keys.citizen(ward.parent),
    expect: () => ({ [ward.child]: ['ACCOUNT', 'IDENTITY'] }),
  },
  wardConsentGrant: {
    query: `mutation($id: PersonalId!, $i: ConsentGrantInput!) { wardConsentGrant(personalId: $id, input: $i) { consent { id purpose grantedBy { personalId capacity } } userErrors { code } } }`,
    variables: () => ({
      id: ward.child,
      i: {
        clientId,
        scopes: ['IDENTITY'],
        purpose: '1.000001',
        dossierRef: 'HS-ACV-W',
        validUntil: new Date(Date.now() + 30 * 86_400_000).toISOString(),
      },
    }),
    token: () => keys.citizen(ward.parent),
    expect: () => ({ [ward.child]: ['CONSENTS'] }),
  },
  wardConsents: {
    query: `query($id: PersonalId!) { wardConsents(personalId: $id) { id purpose grantedBy { personalId } } }`,
    variables: () => ({ id: ward.child }),
    token: () => keys.citizen(ward.parent),
    expect: () => ({ [ward.child]: ['CONSENTS'] }),
  },
  wardConsentRevoke: {
    query: `mutation($id: PersonalId!, $c: ID!) { wardConsentRevoke(personalId: $id, id: $c) { consent { id status } userErrors { code } } }`,
    variables: () => ({ id: ward.child, c: wardConsentId }),
    token: () => keys.citizen(ward.parent),
    expect: () => ({ [ward.child]: ['CONSENTS'] }),
  },
  wardAccessLog: {
    query: `query($id: PersonalId!) { wardAccessLog(personalId: $id, first: 5) { entries { readerKind readerPersonalId documents } } }`,
    variables: () => ({ id: ward.child }),
    token: () => keys.citizen(ward.parent),
    expect: () => ({ [ward.child]: ['ACCESS_LOG'] }),
  },
  accountRegisterChild: {
    query: `mutation($id: PersonalId!) { accountRegisterChild(input: { personalId: $id, phone: "0912345678", portraitRef: "p" }) { ${ACCOUNT_FIELDS} } }`,
    variables: () => ({ id: holder.personalId }),
    token: self,
    expect: () => ({}),
  },
  reconciliationRunCancel: {
    query: `mutation($id: ID!) { reconciliationRunCancel(id: $id) { id cases(first: 100) { nodes { ${CASE_FIELDS} } } } }`,
    variables: () => ({ id: startedRunId }),
    token: () => officer('DATA_CLEANING'),
    expect: () => ({}),
  },
};
let holderPhone: string;
let shareCode: string;

/** Root fields whose `@audit` says they return personal data. */
function auditedRootFields(): string[] {
  const schema = buildSchema();
  const out: string[] = [];
  for (const root of [schema.getQueryType()!, schema.getMutationType()!]) {
    for (const f of Object.values(root.getFields())) {
      const a = getDirective(schema, f, 'audit')?.[0] as { as?: string[] } | undefined;
      if (a?.as) out.push(f.name);
    }
  }
  return out;
}

describe('every root field returning personal data is audited with its citizens and kinds', () => {
  const fields = auditedRootFields();

  it('has a row for every such root field', () => {
    expect(fields.filter((f) => !ROWS[f])).toEqual([]);
  });

  // The consent is granted first (then listed and revoked); then the table's order.
  const ordered = [
    'consentGrant',
    ...Object.keys(ROWS).filter((f) => f !== 'consentGrant' && fields.includes(f)),
    ...fields.filter((f) => !ROWS[f]),
  ];
  it.each(ordered)('%s', async (field) => {
    const row = ROWS[field];
    if (!row) throw new Error(`no test row for the audited root field ${field}`);
    holderPhone ??= (await hub.store.hubDb
      .collection<AccountDoc>(ACCOUNTS_COLLECTION)
      .findOne({ _id: holder.personalId }))!.phone;
    if (field === 'shareRedeem') {
      const made = await call(
        'mutation($i: ShareCreateInput!) { shareCreate(input: $i) { code } }',
        { i: { fields: ['FULL_NAME', 'RESIDENCE_REGISTERED_ON'] } },
        self(),
      );
      shareCode = (made.r.body.data!.shareCreate as { code: string }).code;
    }
    const { r, requestId } = await call(row.query, row.variables?.() ?? {}, row.token());
    expect(r.body.data?.[field]).toBeTruthy();
    if (field === 'consentGrant') consentId = r.body.data!.consentGrant!.consent!.id;
    if (field === 'wardConsentGrant') wardConsentId = r.body.data!.wardConsentGrant!.consent!.id;
    if (field === 'reconciliationRunStart') startedRunId = r.body.data!.reconciliationRunStart!.id;
    if (field === 'correctionRequest') dataRequestId = r.body.data!.correctionRequest!.request!.id;
    const got = await disclosed(requestId);
    let want = row.expect();
    if (field === 'accountWorkList') {
      const nodes = r.body.data!.accountWorkList!.nodes;
      expect(nodes.length).toBeGreaterThan(0);
      want = Object.fromEntries(nodes.map((n) => [n.personalId, ['IDENTITY', 'RESIDENCE']]));
    }
    for (const [citizenId, kinds] of Object.entries(want)) {
      expect({ citizenId, kinds: [...(got.get(citizenId) ?? [])].sort() }).toEqual({
        citizenId,
        kinds: expect.arrayContaining(kinds) as unknown,
      });
    }
  });
});

describe('the reads the attack suite found', () => {
  it("a citizen's myAccount (phone, e-mail, history) is in the request's audit record as ACCOUNT", async () => {
    const { r, requestId } = await call('{ myAccount { personalId phone email history { by } } }', {}, self());
    expect(r.body.data!.myAccount!.phone).toBeTruthy();
    const [rec] = await auditOf(requestId);
    expect(rec.actor).toEqual({ kind: 'CITIZEN', id: holder.personalId });
    expect(rec.citizens).toEqual([
      { citizenId: holder.personalId, disclosed: [{ scope: 'ACCOUNT', paths: ['myAccount'] }], denied: [] },
    ]);
  });
});

describe('the citizens concerned see it in their access log', () => {
  it("a citizen's read of their household and family appears in each member's log", async () => {
    await call(
      `query($id: PersonalId!) { citizen(personalId: $id) { household { members { personalId fullName } }
        family { father { fullName } mother { fullName } } } }`,
      { id: holder.personalId },
      keys.citizen(holder.personalId),
    );
    await hub.auditWriter.flush();
    for (const who of [member, parent]) {
      const log = await gql<AccessLog>(
        hub.url,
        '{ myAccessLog(first: 20) { entries { readerKind documents } } }',
        {},
        bearer(keys.citizen(who)),
      );
      expect(log.body.errors).toBeUndefined();
      expect(log.body.data!.myAccessLog.entries).toContainEqual({ readerKind: 'CITIZEN', documents: ['IDENTITY'] });
    }
  });

  it("an officer's read of a case names the source document kind in the citizen's log", async () => {
    await call(
      `query($id: ID!) { reconciliationCase(id: $id) { sourceValue } }`,
      { id: caseId },
      officer('DATA_CLEANING'),
    );
    await hub.auditWriter.flush();
    const log = await gql<AccessLog>(
      hub.url,
      '{ myAccessLog(first: 50) { entries { readerKind data } } }',
      {},
      bearer(keys.citizen(sourceCase.personalId!)),
    );
    const kinds = caseKinds()[sourceCase.personalId!];
    expect(log.body.data!.myAccessLog.entries).toContainEqual({ readerKind: 'OFFICER', data: [kinds[1]] });
  });

  it("an officer's read of an account appears in the holder's log as ACCOUNT", async () => {
    await call('query($id: PersonalId!) { account(personalId: $id) { phone } }', { id: holder.personalId }, approver());
    await hub.auditWriter.flush();
    const log = await gql<AccessLog>(
      hub.url,
      '{ myAccessLog(first: 50) { entries { readerKind data } } }',
      {},
      bearer(self()),
    );
    expect(log.body.data!.myAccessLog.entries).toContainEqual({ readerKind: 'OFFICER', data: ['ACCOUNT'] });
  });
});
