/**
 * Objection to, and restriction of, processing by one client (docs/rights.md), over real HTTP on
 * the real store: no token and no new consent for that client for this citizen, its existing
 * consents suspended (reads refused with PROCESSING_RESTRICTED), other clients untouched; lifting
 * restores; a refused objection is lifted; grants racing a restriction leave no consent the
 * citizen was told was refused; a withdrawal is recorded as a request.
 */
import { randomUUID } from 'node:crypto';
import { seed } from '../../../mockdata/seed';
import { registerClient } from '../../../services/access/clients';
import { pickTestCitizens } from '../../support/citizens';
import { startTestHub, type TestHub } from '../../support/hub';
import { testKeys } from '../../support/keys';
import { anyString } from '../../support/matchers';
import { call, type Connection, type Payload, type RequestView } from './support';

type Restrict = { processingRestrictionRequest: Payload };
type Lift = { processingRestrictionLift: Payload };
interface ConsentNode {
  id: string;
  status: string;
  restricted?: boolean;
  client?: { id: string };
}

const keys = testKeys();
const bearer = (t: string) => ({ authorization: `Bearer ${t}` });
const PURPOSE = '1.001234';
const GRANT = `mutation($input: ConsentGrantInput!) { consentGrant(input: $input) { consent { id status } userErrors { code field } } }`;
const RESTRICT = `mutation($input: ProcessingRestrictionInput!) { processingRestrictionRequest(input: $input) {
  request { id kind status clientId restrictionInForce actBy receivedAt } userErrors { code field } } }`;
const LIFT = `mutation($c: String!) { processingRestrictionLift(clientId: $c) {
  request { id status restrictionInForce liftedAt history { event by } } userErrors { code } } }`;
const READ = `query($id: PersonalId!) { citizen(personalId: $id) { fullName } }`;

let hub: TestHub;
let citizenId: string;
let x: { id: string; secret: string };
let y: { id: string; secret: string };

async function newClient(name: string) {
  const id = `${name}-${randomUUID().slice(0, 8)}`;
  const r = await registerClient(hub.store, { id, name, scopes: ['IDENTITY'], purposes: [PURPOSE] });
  return { id, secret: r.secret! };
}

const asCitizen = () => bearer(keys.citizen(citizenId));

async function grant(clientId: string): Promise<{ id?: string; code?: string }> {
  const r = await call<{ consentGrant: { consent: { id: string } | null; userErrors: Array<{ code: string }> } }>(
    hub.url,
    GRANT,
    {
      input: {
        clientId,
        scopes: ['IDENTITY'],
        purpose: PURPOSE,
        dossierRef: `HS-${randomUUID().slice(0, 8)}`,
        validUntil: new Date(Date.now() + 86_400_000).toISOString(),
      },
    },
    asCitizen(),
  );
  expect(r.errors).toBeUndefined();
  const p = r.data.consentGrant;
  return p.consent ? { id: p.consent.id } : { code: p.userErrors[0].code };
}

async function token(client: { id: string; secret: string }, consentId: string) {
  const res = await fetch(`${hub.url}/oauth/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${client.id}:${client.secret}`).toString('base64')}`,
    },
    body: new URLSearchParams({ grant_type: 'client_credentials', consent_id: consentId }).toString(),
  });
  return { status: res.status, body: (await res.json()) as Record<string, string> };
}

async function read(accessToken: string) {
  return call<{ citizen: { fullName: string | null } }>(hub.url, READ, { id: citizenId }, bearer(accessToken));
}

beforeAll(async () => {
  hub = await startTestHub({}, 'dsrx_');
  await seed(hub.store, { citizens: 200, seed: 37 });
  citizenId = (await pickTestCitizens(hub.store)).l2;
  x = await newClient('objected');
  y = await newClient('untouched');
}, 120_000);

afterAll(async () => {
  await hub?.close();
});

describe('an objection to one client', () => {
  let cx: string;
  let cy: string;
  let tokenX: string;
  let objection: RequestView;

  it('before: both clients get tokens and read', async () => {
    cx = (await grant(x.id)).id!;
    cy = (await grant(y.id)).id!;
    const t = await token(x, cx);
    expect(t.status).toBe(200);
    tokenX = t.body.access_token;
    expect((await read(tokenX)).data.citizen.fullName).toEqual(anyString);
  });

  it('is in force at once: no read under its consents, no token, no new consent for that client', async () => {
    const r = await call<Restrict>(
      hub.url,
      RESTRICT,
      { input: { clientId: x.id, kind: 'OBJECTION', note: 'không đồng ý' } },
      asCitizen(),
    );
    expect(r.errors).toBeUndefined();
    objection = r.data.processingRestrictionRequest.request!;
    expect(objection).toMatchObject({
      kind: 'OBJECTION',
      status: 'RECEIVED',
      clientId: x.id,
      restrictionInForce: true,
    });
    // 20 days: a third party (the client) must stop.
    const days = (Date.parse(objection.actBy) - Date.parse(objection.receivedAt)) / 86_400_000;
    expect(days).toBeGreaterThanOrEqual(20);

    const body = await read(tokenX);
    expect(body.data.citizen.fullName).toBeNull();
    expect(body.errors![0].extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'PROCESSING_RESTRICTED' });
    const t = await token(x, cx);
    expect(t).toMatchObject({ status: 400, body: { error: 'invalid_grant', reason: 'PROCESSING_RESTRICTED' } });
    expect(await grant(x.id)).toEqual({ code: 'PROCESSING_RESTRICTED' });
    const again = await call<Restrict>(hub.url, RESTRICT, { input: { clientId: x.id } }, asCitizen());
    expect(again.data.processingRestrictionRequest.userErrors).toEqual([
      { code: 'ALREADY_RESTRICTED', field: 'clientId' },
    ]);
    const consents = await call<{ myConsents: ConsentNode[] }>(
      hub.url,
      `{ myConsents { id status restricted } }`,
      {},
      asCitizen(),
    );
    const byId = new Map(consents.data.myConsents.map((c) => [c.id, c]));
    expect(byId.get(cx)).toMatchObject({ status: 'ACTIVE', restricted: true });
    expect(byId.get(cy)).toMatchObject({ status: 'ACTIVE', restricted: false });
  });

  it('leaves other clients alone', async () => {
    const t = await token(y, cy);
    expect(t.status).toBe(200);
    expect((await read(t.body.access_token)).data.citizen.fullName).toEqual(anyString);
    expect((await grant(y.id)).id).toEqual(anyString);
  });

  it('lifting it restores the consents still valid, tokens and grants', async () => {
    const r = await call<Lift>(hub.url, LIFT, { c: x.id }, asCitizen());
    expect(r.data.processingRestrictionLift.request).toMatchObject({
      id: objection.id,
      status: 'DONE',
      restrictionInForce: false,
      liftedAt: anyString,
      history: [{ event: 'RECEIVE' }, { event: 'LIFT', by: 'citizen' }],
    });
    expect((await read(tokenX)).data.citizen.fullName).toEqual(anyString);
    expect((await token(x, cx)).status).toBe(200);
    expect((await grant(x.id)).id).toEqual(anyString);
    const twice = await call<Lift>(hub.url, LIFT, { c: x.id }, asCitizen());
    expect(twice.data.processingRestrictionLift.userErrors).toEqual([{ code: 'NOT_RESTRICTED' }]);
  });

  it('an officer who refuses an objection lifts it', async () => {
    const r = await call<Restrict>(hub.url, RESTRICT, { input: { clientId: x.id, kind: 'RESTRICTION' } }, asCitizen());
    const id = r.data.processingRestrictionRequest.request!.id;
    expect((await token(x, cx)).status).toBe(400);
    const { province } = (await pickTestCitizens(hub.store)).area;
    const refuse = await call<{ dataRequestRefuse: Payload }>(
      hub.url,
      `mutation($id: ID!) { dataRequestRefuse(id: $id, reason: "Xử lý theo quy định của luật") { request { status restrictionInForce } userErrors { code } } }`,
      { id },
      bearer(keys.officer('DATA_PROTECTION', { province })),
    );
    expect(refuse.data.dataRequestRefuse.request).toEqual({ status: 'REFUSED', restrictionInForce: false });
    expect((await token(x, cx)).status).toBe(200);
  });
});

describe('grants racing a restriction', () => {
  it('leave no active consent the citizen was told was refused', async () => {
    const z = await newClient('raced');
    const outcomes = await Promise.all([
      ...Array.from({ length: 8 }, () => grant(z.id)),
      call<Restrict>(hub.url, RESTRICT, { input: { clientId: z.id } }, asCitizen()).then(() => ({ restricted: true })),
    ]);
    const granted = new Set(outcomes.flatMap((o) => ('id' in o && o.id ? [o.id] : [])));
    for (const o of outcomes) if ('code' in o && o.code) expect(o.code).toBe('PROCESSING_RESTRICTED');
    const lift = await call<Lift>(hub.url, LIFT, { c: z.id }, asCitizen());
    expect(lift.data.processingRestrictionLift.userErrors).toEqual([]);
    const consents = await call<{ myConsents: ConsentNode[] }>(
      hub.url,
      `{ myConsents(first: 100) { id status client { id } } }`,
      {},
      asCitizen(),
    );
    const active = consents.data.myConsents
      .filter((c) => c.client?.id === z.id && c.status === 'ACTIVE')
      .map((c) => c.id);
    expect(new Set(active)).toEqual(granted);
  });
});

describe('withdrawing a consent', () => {
  it('is recorded as a CONSENT_WITHDRAWAL request, done at once', async () => {
    const c = (await grant(y.id)).id!;
    const r = await call<{ consentRevoke: { consent: { status: string } } }>(
      hub.url,
      `mutation($id: ID!) { consentRevoke(id: $id) { consent { status } } }`,
      { id: c },
      asCitizen(),
    );
    expect(r.data.consentRevoke.consent.status).toBe('REVOKED');
    const mine = await call<{ myRequests: Connection<RequestView> }>(
      hub.url,
      `{ myRequests(first: 1) { nodes { kind status consentId clientId acknowledgedAt closedAt } } }`,
      {},
      asCitizen(),
    );
    expect(mine.data.myRequests.nodes[0]).toMatchObject({
      kind: 'CONSENT_WITHDRAWAL',
      status: 'DONE',
      consentId: c,
      clientId: y.id,
    });
  });
});
