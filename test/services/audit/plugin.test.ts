import { randomUUID } from 'node:crypto';
import { expect } from '@jest/globals';
import type { Mutation, Query } from '../../../generated/graphql';
import { registerClient } from '../../../services/access/clients';
import type { AccountDoc } from '../../../services/accounts/store';
import type { AuditRecordDoc } from '../../../services/audit/model';
import { verifyAuditChain } from '../../../services/audit/verify';
import { gql, startTestHub, type GqlResponse, type TestHub } from '../../support/hub';
import { testKeys } from '../../support/keys';

/** The audit over real HTTP: one durable record per request, before the response. */
let hub: TestHub;
const keys = testKeys();
let l2: string;
let l1: string;
const bearer = (t: string) => ({ authorization: `Bearer ${t}` });
const Q = `query($id: PersonalId!) { citizen(personalId: $id) { fullName identityCard { number } drivingLicence { number } } }`;

beforeAll(async () => {
  hub = await startTestHub({});
  const accounts = await hub.store.hubDb.collection<AccountDoc>('accounts').find({}).toArray();
  l2 = accounts.find((a) => a.status === 'ACTIVE' && a.level === 2)!._id;
  l1 = accounts.find((a) => a.status === 'ACTIVE' && a.level === 1)!._id;
});
afterAll(() => hub.close());

const audit = () => hub.store.hubDb.collection<AuditRecordDoc>('audit');
const byRequest = async (requestId: string) =>
  (await audit().find({ chain: hub.auditWriter.chain }).toArray()).filter((r) => r.requestId === requestId);

describe('audit records', () => {
  it('records what was disclosed and what was denied, with reasons, per citizen', async () => {
    const requestId = `req-${randomUUID()}`;
    const r = await gql(hub.url, Q, { id: l1 }, { ...bearer(keys.citizen(l1)), 'x-request-id': requestId });
    expect(r.status).toBe(200);
    const [rec] = await byRequest(requestId);
    expect(rec.actor).toEqual({ kind: 'CITIZEN', id: l1 });
    expect(rec.citizens).toEqual([
      {
        citizenId: l1,
        disclosed: [{ scope: 'IDENTITY', paths: ['citizen.fullName'] }],
        denied: expect.arrayContaining([
          { scope: 'IDENTITY_CARD', path: 'citizen.identityCard', reason: 'LEVEL_TOO_LOW' },
          { scope: 'DRIVING_LICENCE', path: 'citizen.drivingLicence', reason: 'LEVEL_TOO_LOW' },
        ]),
      },
    ]);
    expect(rec.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('records an authentication failure without the token', async () => {
    const requestId = `req-${randomUUID()}`;
    const bad = keys.citizen(l2).slice(0, -4) + 'AAAA';
    const r = await gql(hub.url, Q, { id: l2 }, { ...bearer(bad), 'x-request-id': requestId });
    expect(r.status).toBe(401);
    const [rec] = await byRequest(requestId);
    expect(rec).toMatchObject({ actor: { kind: 'ANONYMOUS' }, authFailure: 'BAD_SIGNATURE', citizens: [] });
    expect(JSON.stringify(rec)).not.toContain(bad.slice(0, 40));
  });

  it('writes at most one store write per request under concurrency (group commit)', async () => {
    const before = hub.auditWriter.writes;
    const token = keys.citizen(l2);
    const rs = await Promise.all(Array.from({ length: 40 }, () => gql(hub.url, Q, { id: l2 }, bearer(token))));
    rs.forEach((r) => expect(r.status).toBe(200));
    expect(hub.auditWriter.writes - before).toBeLessThanOrEqual(40);
    const report = await verifyAuditChain(hub.store, { chain: hub.auditWriter.chain });
    expect(report.ok).toBe(true);
  });

  it('discloses nothing when the audit record cannot be written (503), and recovers', async () => {
    // Block the writer's next record id: the store refuses the insert (duplicate key).
    const records = await audit().find({ chain: hub.auditWriter.chain }).toArray();
    const nextSeq = Math.max(...records.map((r) => r.seq)) + 1;
    const blocker = `${hub.auditWriter.chain}:${String(nextSeq).padStart(12, '0')}`;
    await audit().insertOne({ _id: blocker } as never);
    try {
      const r = await gql(hub.url, Q, { id: l2 }, bearer(keys.citizen(l2)));
      expect(r.status).toBe(503);
      expect(r.body.data).toBeUndefined();
      expect(r.body.errors).toEqual([expect.objectContaining({ extensions: { code: 'SERVICE_UNAVAILABLE' } })]);
      expect(JSON.stringify(r.body)).not.toMatch(/fullName|\d{12}/);
    } finally {
      await audit().deleteOne({ _id: blocker });
    }
    const ok = await gql(hub.url, Q, { id: l2 }, bearer(keys.citizen(l2)));
    expect(ok.status).toBe(200);
    expect((await verifyAuditChain(hub.store, { chain: hub.auditWriter.chain })).ok).toBe(true);
    // The latency metric has the status the client got, set after the resolvers ran.
    const metrics = await (await fetch(`${hub.url}/metrics`)).text();
    expect(metrics).toMatch(/hub_request_duration_seconds_count\{operation="query\.citizen",status="503"\} [1-9]/);
  });
});

describe('myAccessLog', () => {
  it('shows the citizen who read their data: client name, purpose, dossier, documents; newest first', async () => {
    const clientId = `tthc-log-${randomUUID().slice(0, 8)}`;
    const { secret } = await registerClient(hub.store, {
      id: clientId,
      name: 'UBND phường (test)',
      scopes: ['IDENTITY', 'IDENTITY_CARD'],
      purposes: ['2.000123'],
    });
    const grant = await gql<Pick<Mutation, 'consentGrant'>>(
      hub.url,
      `mutation($i: ConsentGrantInput!) { consentGrant(input: $i) { consent { id } userErrors { code } } }`,
      {
        i: {
          clientId,
          scopes: ['IDENTITY', 'IDENTITY_CARD'],
          purpose: '2.000123',
          dossierRef: 'HS-2026-0042',
          validUntil: new Date(Date.now() + 3_600_000).toISOString(),
        },
      },
      bearer(keys.citizen(l2)),
    );
    const consentId = grant.body.data!.consentGrant.consent!.id;
    const tok = await fetch(`${hub.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: clientId,
        client_secret: secret!,
        consent_id: consentId,
      }).toString(),
    }).then((r) => r.json() as Promise<{ access_token: string }>);
    await gql(
      hub.url,
      `query($id: PersonalId!) { citizen(personalId: $id) { fullName identityCard { number } } }`,
      { id: l2 },
      bearer(tok.access_token),
    );
    // The per-citizen index is derived data, written just after the durable record.
    let log: GqlResponse<Pick<Query, 'myAccessLog'>>;
    for (let i = 0; ; i++) {
      log = await gql<Pick<Query, 'myAccessLog'>>(
        hub.url,
        '{ myAccessLog(first: 5) { entries { readerKind clientName purpose dossierRef documents } hasNextPage } }',
        {},
        bearer(keys.citizen(l2)),
      );
      if (log.body.data?.myAccessLog.entries.length || i > 40) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(log.body.errors).toBeUndefined();
    expect(log.body.data!.myAccessLog.entries[0]).toEqual({
      readerKind: 'CLIENT',
      clientName: 'UBND phường (test)',
      purpose: '2.000123',
      dossierRef: 'HS-2026-0042',
      documents: expect.arrayContaining(['IDENTITY', 'IDENTITY_CARD']),
    });
    await hub.store.hubDb.collection('clients').deleteOne({ _id: clientId as never });
  });

  it('is for the citizen only', async () => {
    const r = await gql(hub.url, '{ myAccessLog { hasNextPage } }');
    expect(r.body.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });
});
