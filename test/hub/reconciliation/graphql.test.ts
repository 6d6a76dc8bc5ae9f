import { seed } from '../../../connectors/seed';
import type { Principal } from '../../../hub/auth/principal';
import type { Store } from '../../../hub/store/connection';
import { createExecutor } from '../../support/exec';
import { connectTestStore } from '../../support/hub';

/** The reconciliation runs through GraphQL: roles, jurisdiction, start / follow / cancel. */
let store: Store;
let ex: Awaited<ReturnType<typeof createExecutor>>;

const officer = (province: string, role: 'DATA_CLEANING' | 'WORKING_GROUP' | 'SUPERVISOR' = 'DATA_CLEANING') =>
  ({
    kind: 'OFFICER',
    officerId: `o-${province}-${role}`,
    role,
    jurisdiction: { province },
    unit: 'CA',
    issuer: 'test',
  }) as Principal;

const START = `mutation($a: String!) { reconciliationRunStart(area: $a) { id status area { code } progress { total } } }`;
const RUN = `query($id: ID!) { reconciliationRun(id: $id) { id status phase findings counts { kind count }
  progress { processed total ratePerS etaS } startedBy finishedAt } }`;

beforeAll(async () => {
  store = await connectTestStore('rcg_');
  await seed(store, { citizens: 400, seed: 23 });
  ex = await createExecutor(store);
}, 120_000);

afterAll(async () => {
  await ex.stop();
  await store.close();
});

describe('reconciliation runs over GraphQL', () => {
  it('a data-cleaning officer starts a run for their province and follows it to DONE', async () => {
    const start = await ex.exec(officer('79'), START, { a: '79' });
    expect(start.result.errors).toBeUndefined();
    const run = (start.result.data as any).reconciliationRunStart;
    expect(run).toMatchObject({ status: 'RUNNING', area: { code: '79' } });
    await ex.reconciliation.wait(run.id);
    const after = await ex.exec(officer('79'), RUN, { id: run.id });
    const r = (after.result.data as any).reconciliationRun;
    expect(r.status).toBe('DONE');
    expect(r.startedBy).toBe('officer:o-79-DATA_CLEANING');
    expect(r.progress.processed).toBeGreaterThan(0);
    const total = (r.counts as Array<{ count: number }>).reduce((s, c) => s + c.count, 0);
    expect(total).toBe(r.findings);
    expect(r.findings).toBeGreaterThan(0);
  }, 60_000);

  it('refuses other provinces, other roles and unknown areas, and hides runs elsewhere', async () => {
    const elsewhere = await ex.exec(officer('01'), START, { a: '79' });
    expect(elsewhere.result.errors?.[0].extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'OUT_OF_JURISDICTION' });
    const role = await ex.exec(officer('79', 'WORKING_GROUP'), START, { a: '79' });
    expect(role.result.errors?.[0].extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'ROLE' });
    const unknown = await ex.exec(officer('79'), START, { a: '99' });
    expect(unknown.result.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
    const anon = await ex.exec({ kind: 'ANONYMOUS' }, START, { a: '79' });
    expect(anon.result.errors?.[0].extensions).toMatchObject({ code: 'UNAUTHENTICATED' });
    const mine = await ex.exec(officer('01'), START, { a: '01' });
    const id = (mine.result.data as any).reconciliationRunStart.id;
    const peek = await ex.exec(officer('79'), RUN, { id });
    expect(peek.result.errors?.[0].extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'OUT_OF_JURISDICTION' });
    const missing = await ex.exec(officer('79'), RUN, { id: 'no-such-run' });
    expect(missing.result.errors?.[0].extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'OUT_OF_JURISDICTION' });
    await ex.reconciliation.wait(id);
  }, 60_000);

  it('cancels a running run', async () => {
    const start = await ex.exec(officer('01', 'SUPERVISOR'), START, { a: '01' });
    const id = (start.result.data as any).reconciliationRunStart.id;
    const cancel = await ex.exec(
      officer('01', 'SUPERVISOR'),
      `mutation($id: ID!) { reconciliationRunCancel(id: $id) { status } }`,
      { id },
    );
    expect(cancel.result.errors).toBeUndefined();
    expect(['CANCELLED', 'DONE']).toContain((cancel.result.data as any).reconciliationRunCancel.status);
  }, 60_000);
});
