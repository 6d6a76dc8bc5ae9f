import { randomUUID } from 'node:crypto';
import { buildASTSchema, parse } from 'graphql';
import type { Principal } from '../../../services/access/auth/principal';
import { assertEveryFieldHasPolicy } from '../../../services/access/policy';
import { loadTypeDefs } from '../../../hub/schema';
import type { Store } from '../../../store/connection';
import { pickTestCitizens } from '../../support/citizens';
import { connectTestStore } from '../../support/hub';
import { createExecutor } from '../../support/exec';
import type { Query } from '../../../generated/graphql';

let store: Store;
let ex: Awaited<ReturnType<typeof createExecutor>>;
/** Citizens of the shared test set, by account situation. */
let l2: string; // ACTIVE level 2, with a driving licence
let l1: string; // ACTIVE level 1
let locked: string;
let noAccount: string; // a child
let other: string; // another ACTIVE level 2 citizen
let area: { province: string; commune: string };
const createdConsents: string[] = [];
const createdClients: string[] = [];

type CitizenData = Pick<Query, 'citizen'>;
const Q = `query($id: PersonalId!) { citizen(personalId: $id) {
  personalId fullName identityCard { number } residence { permanentAddress { formatted } }
  drivingLicence { number } healthInsurance { cardNumber } healthRecord { bloodType } } }`;

beforeAll(async () => {
  store = await connectTestStore();
  ex = await createExecutor(store);
  ({ l2, other, l1, locked, noAccount, area } = await pickTestCitizens(store));
});

afterAll(async () => {
  await store.hubDb.collection('consents').deleteMany({ _id: { $in: createdConsents } as never });
  await store.hubDb.collection('clients').deleteMany({ _id: { $in: createdClients } as never });
  await ex.stop();
  await store.close();
});

const citizen = (personalId: string): Principal => ({ kind: 'CITIZEN', personalId, issuer: 'test' });
const officer = (province: string, commune?: string): Principal => ({
  kind: 'OFFICER',
  officerId: 'CA-TEST-1',
  role: 'DATA_CLEANING',
  jurisdiction: { province, commune },
  unit: 'Công an tỉnh (test)',
  issuer: 'test',
});

async function client(opts: {
  citizenId: string;
  tokenScopes: string[];
  registered: string[];
  consentStatus?: string;
}): Promise<Principal> {
  const clientId = `tthc-${randomUUID()}`;
  const consentId = randomUUID();
  createdClients.push(clientId);
  createdConsents.push(consentId);
  await store.hubDb.collection('clients').insertOne({
    _id: clientId as never,
    name: 'Hệ thống TTHC (test)',
    kind: 'TTHC_SYSTEM',
    scopes: opts.registered,
    purposes: ['1.000001'],
    status: 'ACTIVE',
  });
  await store.hubDb.collection('consents').insertOne({
    _id: consentId as never,
    citizenId: opts.citizenId,
    clientId,
    scopes: opts.tokenScopes,
    purpose: '1.000001',
    status: opts.consentStatus ?? 'ACTIVE',
    validFrom: new Date(Date.now() - 60_000),
    validUntil: new Date(Date.now() + 3_600_000),
  });
  return {
    kind: 'CLIENT',
    clientId,
    citizenId: opts.citizenId,
    consentId,
    scopes: opts.tokenScopes as never,
    purpose: '1.000001',
    issuer: 'test',
  };
}

type Err = { path?: ReadonlyArray<string | number>; extensions?: Record<string, unknown> };
/** code and reason at a path (what is `required` is asserted in test/security.test.ts). */
const reasonAt = (errors: readonly Err[] | undefined, path: string) => {
  const ext = errors?.find((e) => e.path?.join('.') === path)?.extensions;
  if (!ext) return ext;
  const { required: _required, ...rest } = ext;
  return rest;
};

describe('disclosure to the citizen (self)', () => {
  it('discloses every paper of a Level 2 active account', async () => {
    const { result, ctx } = await ex.exec<CitizenData>(citizen(l2), Q, { id: l2 });
    expect(result.errors).toBeUndefined();
    const c = result.data!.citizen!;
    expect(c.personalId).toBe(l2);
    expect(c.drivingLicence?.number).toMatch(/^\d{12}$/);
    expect(ctx.audit.events.filter((e) => e.decision === 'DISCLOSED').map((e) => e.scope)).toEqual(
      expect.arrayContaining(['IDENTITY', 'IDENTITY_CARD', 'RESIDENCE', 'DRIVING_LICENCE']),
    );
  });

  it('refuses citizen A reading citizen B with NOT_SUBJECT, asking no source', async () => {
    const { result, ctx } = await ex.exec<CitizenData>(citizen(l2), Q, { id: other });
    expect(result.data!.citizen).toBeNull();
    expect(reasonAt(result.errors, 'citizen')).toEqual({ code: 'FORBIDDEN', reason: 'NOT_SUBJECT' });
    expect(ctx.metrics.sourceCalls).toBe(0);
  });

  it('gives a Level 1 account its identity only: LEVEL_TOO_LOW for papers, whose sources are not asked', async () => {
    const { result, ctx } = await ex.exec<CitizenData>(citizen(l1), Q, { id: l1 });
    const c = result.data!.citizen!;
    expect(c.fullName).toEqual(expect.any(String));
    expect(c.drivingLicence).toBeNull();
    expect(reasonAt(result.errors, 'citizen.drivingLicence')).toEqual({ code: 'FORBIDDEN', reason: 'LEVEL_TOO_LOW' });
    expect(reasonAt(result.errors, 'citizen.identityCard')).toEqual({ code: 'FORBIDDEN', reason: 'LEVEL_TOO_LOW' });
    expect(ctx.metrics.sources.drivingLicence.batchCalls).toBe(0);
    expect(ctx.metrics.sources.healthRecord.batchCalls).toBe(0);
  });

  it('withholds everything from a locked account with ACCOUNT_INACTIVE', async () => {
    const { result } = await ex.exec<CitizenData>(citizen(locked), Q, { id: locked });
    expect(reasonAt(result.errors, 'citizen.fullName')).toEqual({ code: 'FORBIDDEN', reason: 'ACCOUNT_INACTIVE' });
    expect(reasonAt(result.errors, 'citizen.healthRecord')).toEqual({ code: 'FORBIDDEN', reason: 'ACCOUNT_INACTIVE' });
  });

  it('withholds from a person with no account (a child) with ACCOUNT_INACTIVE', async () => {
    const { result } = await ex.exec<CitizenData>(citizen(noAccount), Q, { id: noAccount });
    expect(reasonAt(result.errors, 'citizen.personalId')).toEqual({ code: 'FORBIDDEN', reason: 'ACCOUNT_INACTIVE' });
  });

  it('refuses an anonymous caller with UNAUTHENTICATED before reading or recording anything', async () => {
    const { result, ctx } = await ex.exec<CitizenData>({ kind: 'ANONYMOUS' }, Q, { id: l2 });
    expect(result.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect(ctx.metrics.sourceCalls).toBe(0);
    // An unknown caller's IDs are not stored (they could fill the audit).
    expect(ctx.audit.events).toEqual([]);
  });

  it('asks no source at all when every requested document is withheld (locked account)', async () => {
    const { result, ctx } = await ex.exec<CitizenData>(citizen(locked), Q, { id: locked });
    expect(reasonAt(result.errors, 'citizen.fullName')).toEqual({ code: 'FORBIDDEN', reason: 'ACCOUNT_INACTIVE' });
    expect(ctx.metrics.sourceCalls).toBe(0);
  });

  it('asks no source for a Level 1 account asking only for Level 2 documents', async () => {
    const R =
      'query($id: PersonalId!) { citizen(personalId: $id) { residence { registeredOn } ... on Citizen { identityCard { number } } } }';
    const { result, ctx } = await ex.exec(citizen(l1), R, { id: l1 });
    expect(reasonAt(result.errors, 'citizen.residence')).toEqual({ code: 'FORBIDDEN', reason: 'LEVEL_TOO_LOW' });
    expect(reasonAt(result.errors, 'citizen.identityCard')).toEqual({ code: 'FORBIDDEN', reason: 'LEVEL_TOO_LOW' });
    expect(ctx.metrics.sourceCalls).toBe(0);
  });

  it('audits every ID a citizen may not address in citizens(), not only the first', async () => {
    const L = 'query($ids: [PersonalId!]!) { citizens(personalIds: $ids) { fullName } }';
    const { result, ctx } = await ex.exec(citizen(l2), L, { ids: [l2, other, l1] });
    expect(result.errors?.[0].extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'NOT_SUBJECT' });
    expect(ctx.audit.events.map((e) => e.citizenId).sort()).toEqual([l1, other].sort());
    expect(ctx.metrics.sourceCalls).toBe(0);
  });
});

describe('third parties named in family documents', () => {
  it('records an IDENTITY disclosure for every other citizen a household or family document names', async () => {
    const F = `query($id: PersonalId!) { citizen(personalId: $id) {
      household { members { personalId fullName } } family { spouse { personalId } dependants { personalId } } } }`;
    const { result, ctx } = await ex.exec(citizen(l2), F, { id: l2 });
    expect(result.errors).toBeUndefined();
    const c = result.data!.citizen as { household: { members: Array<{ personalId: string }> } };
    const others = c.household.members.map((m) => m.personalId).filter((id) => id !== l2);
    expect(others.length).toBeGreaterThan(0);
    const thirdParty = ctx.audit.events.filter((e) => e.citizenId !== l2);
    for (const id of others) {
      expect(thirdParty).toContainEqual(
        expect.objectContaining({ citizenId: id, scope: 'IDENTITY', decision: 'DISCLOSED' }),
      );
    }
  });
});

describe('disclosure to a client under a consent', () => {
  it('discloses the consented, registered documents and nothing else; health records are never asked', async () => {
    const p = await client({
      citizenId: l2,
      tokenScopes: ['IDENTITY', 'DRIVING_LICENCE'],
      registered: ['IDENTITY', 'DRIVING_LICENCE'],
    });
    const { result, ctx } = await ex.exec<CitizenData>(p, Q, { id: l2 });
    const c = result.data!.citizen!;
    expect(c.drivingLicence?.number).toMatch(/^\d{12}$/);
    expect(c.healthRecord).toBeNull();
    expect(reasonAt(result.errors, 'citizen.healthRecord')).toEqual({ code: 'FORBIDDEN', reason: 'NOT_CONSENTED' });
    expect(reasonAt(result.errors, 'citizen.healthInsurance')).toEqual({ code: 'FORBIDDEN', reason: 'NOT_CONSENTED' });
    expect(ctx.metrics.sources.healthRecord.batchCalls).toBe(0);
    expect(ctx.metrics.sources.healthInsurance.batchCalls).toBe(0);
  });

  it('refuses a scope the client is not registered for with CLIENT_NOT_REGISTERED', async () => {
    const p = await client({ citizenId: l2, tokenScopes: ['IDENTITY', 'HEALTH_INSURANCE'], registered: ['IDENTITY'] });
    const { result, ctx } = await ex.exec<CitizenData>(p, Q, { id: l2 });
    expect(reasonAt(result.errors, 'citizen.healthInsurance')).toEqual({
      code: 'FORBIDDEN',
      reason: 'CLIENT_NOT_REGISTERED',
    });
    expect(ctx.metrics.sources.healthInsurance.batchCalls).toBe(0);
  });

  it('refuses a revoked consent with CONSENT_REVOKED (its holder is told)', async () => {
    const p = await client({
      citizenId: l2,
      tokenScopes: ['IDENTITY'],
      registered: ['IDENTITY'],
      consentStatus: 'REVOKED',
    });
    const { result } = await ex.exec<CitizenData>(p, Q, { id: l2 });
    expect(reasonAt(result.errors, 'citizen.fullName')).toEqual({ code: 'FORBIDDEN', reason: 'CONSENT_REVOKED' });
  });

  it("refuses another citizen's data under a consent with NOT_SUBJECT", async () => {
    const p = await client({ citizenId: l2, tokenScopes: ['IDENTITY'], registered: ['IDENTITY'] });
    const { result, ctx } = await ex.exec<CitizenData>(p, Q, { id: other });
    expect(reasonAt(result.errors, 'citizen')).toEqual({ code: 'FORBIDDEN', reason: 'NOT_SUBJECT' });
    expect(ctx.metrics.sourceCalls).toBe(0);
  });

  it('applies the account level to clients too (Level 1 → LEVEL_TOO_LOW for a licence)', async () => {
    const p = await client({
      citizenId: l1,
      tokenScopes: ['IDENTITY', 'DRIVING_LICENCE'],
      registered: ['IDENTITY', 'DRIVING_LICENCE'],
    });
    const { result } = await ex.exec<CitizenData>(p, Q, { id: l1 });
    expect(reasonAt(result.errors, 'citizen.drivingLicence')).toEqual({ code: 'FORBIDDEN', reason: 'LEVEL_TOO_LOW' });
  });
});

describe('disclosure to officers', () => {
  it('shows identity attributes in the jurisdiction, never papers or health records', async () => {
    const { result, ctx } = await ex.exec<CitizenData>(officer(area.province), Q, { id: l2 });
    const c = result.data!.citizen!;
    expect(c.fullName).toEqual(expect.any(String));
    expect(c.residence).not.toBeNull();
    expect(reasonAt(result.errors, 'citizen.healthRecord')).toEqual({ code: 'FORBIDDEN', reason: 'NOT_CONSENTED' });
    expect(reasonAt(result.errors, 'citizen.drivingLicence')).toEqual({ code: 'FORBIDDEN', reason: 'NOT_CONSENTED' });
    expect(ctx.metrics.sources.healthRecord.batchCalls).toBe(0);
  });

  it('refuses a citizen outside the jurisdiction with OUT_OF_JURISDICTION', async () => {
    const elsewhere = area.province === '01' ? '79' : '01';
    const { result } = await ex.exec<CitizenData>(officer(elsewhere), Q, { id: l2 });
    expect(result.data!.citizen).toBeNull();
    expect(reasonAt(result.errors, 'citizen')).toEqual({ code: 'FORBIDDEN', reason: 'OUT_OF_JURISDICTION' });
  });

  it('answers an unknown ID like one outside the jurisdiction (no probing which IDs exist)', async () => {
    const elsewhere = area.province === '01' ? '79' : '01';
    const L = 'query($ids: [PersonalId!]!) { citizens(personalIds: $ids) { fullName } }';
    const { result, ctx } = await ex.exec(officer(elsewhere), L, { ids: [l2, '999099999999'] });
    expect(result.data!.citizens).toEqual([null, null]);
    expect(reasonAt(result.errors, 'citizens.0')).toEqual({ code: 'FORBIDDEN', reason: 'OUT_OF_JURISDICTION' });
    expect(reasonAt(result.errors, 'citizens.1')).toEqual({ code: 'FORBIDDEN', reason: 'OUT_OF_JURISDICTION' });
    expect(
      ctx.audit.events
        .filter((e) => e.reason === 'OUT_OF_JURISDICTION')
        .map((e) => e.citizenId)
        .sort(),
    ).toEqual([l2, '999099999999'].sort());
  });

  it('narrows a commune-level jurisdiction to that commune', async () => {
    const inside = await ex.exec<CitizenData>(officer(area.province, area.commune), Q, { id: l2 });
    expect(reasonAt(inside.result.errors, 'citizen.fullName')).toBeUndefined();
    const other = await ex.exec<CitizenData>(officer(area.province, area.commune.slice(0, 3) + '99'), Q, { id: l2 });
    expect(reasonAt(other.result.errors, 'citizen')).toEqual({
      code: 'FORBIDDEN',
      reason: 'OUT_OF_JURISDICTION',
    });
  });
});

describe('isolation and deny by default', () => {
  it('shares no data between concurrent principals through loaders', async () => {
    const runs = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        ex.exec<CitizenData>(citizen(i % 2 ? l2 : other), Q, { id: i % 2 ? l2 : other }),
      ),
    );
    runs.forEach(({ result }, i) =>
      expect((result.data!.citizen as { personalId: string }).personalId).toBe(i % 2 ? l2 : other),
    );
  });

  it('refuses to build a schema with a Citizen field that has no policy', () => {
    const sdl = loadTypeDefs().join('\n') + '\nextend type Citizen { nickname: String }';
    expect(() => assertEveryFieldHasPolicy(buildASTSchema(parse(sdl)))).toThrow(/Citizen\.nickname/);
  });

  it('refuses a root field that has neither @subject nor @public', () => {
    const sdl = loadTypeDefs().join('\n') + '\nextend type Query { everyone: [Citizen!]! }';
    expect(() => assertEveryFieldHasPolicy(buildASTSchema(parse(sdl)))).toThrow(/Query\.everyone/);
  });
});
