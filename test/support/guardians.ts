/**
 * Parents and children of a seeded data set for the guardian tests: a living parent with an
 * ACTIVE Level 2 account and a child of 6 to under 14 with an identity card and no account, and
 * the child's Level 1 account registered by the parent and activated, over real HTTP.
 */
import { mapCitizen, type CitizenRecord } from '../../connectors/population/connector';
import { POPULATION_COLLECTION, POPULATION_DB, type CongDanDoc } from '../../connectors/population/model';
import type { RecordingNotifier } from '../../services/accounts/notifier';
import type { AccountDoc } from '../../services/accounts/store';
import type { Store } from '../../store/connection';
import { gql } from './hub';
import { testKeys } from './keys';

/** Whole years on a "YYYY-MM-DD" day. */
export function ageOn(dateOfBirth: string, day: string): number {
  const [by, bm, bd] = dateOfBirth.split('-').map(Number);
  const [y, m, d] = day.split('-').map(Number);
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}

/** The Vietnam date ("YYYY-MM-DD") of an instant. */
export const vnDate = (t: Date): string => new Date(t.getTime() + 7 * 3_600_000).toISOString().slice(0, 10);

/** Families (parent, child) of the data set, each child once, in a stable order. */
export async function families(store: Store, today: string): Promise<Array<{ parent: string; child: string }>> {
  const accounts = await store.hubDb.collection<AccountDoc>('accounts').find({}).toArray();
  const hasAccount = new Set(accounts.map((a) => a._id));
  const people = new Map<string, CitizenRecord>();
  for (const d of await store.db(POPULATION_DB).collection<CongDanDoc>(POPULATION_COLLECTION).find({}).toArray()) {
    try {
      people.set(d._id, mapCitizen(d));
    } catch {
      /* a defective record */
    }
  }
  const out: Array<{ parent: string; child: string }> = [];
  const seen = new Set<string>();
  for (const a of accounts.sort((x, y) => x._id.localeCompare(y._id))) {
    const parent = people.get(a._id);
    if (a.status !== 'ACTIVE' || a.level !== 2 || !parent || parent.vitalStatus !== 'ALIVE') continue;
    for (const d of parent.family.dependants ?? []) {
      const child = d.personalId ? people.get(d.personalId) : undefined;
      if (
        !child?.dateOfBirth ||
        child.vitalStatus !== 'ALIVE' ||
        !child.area ||
        child.identityCard?.kind !== 'IDENTITY_CARD'
      )
        continue;
      const age = ageOn(child.dateOfBirth, today);
      if (age < 6 || age >= 13 || hasAccount.has(child.personalId) || seen.has(child.personalId)) continue;
      if (child.identityCard.expiresOn && child.identityCard.expiresOn <= today) continue;
      seen.add(child.personalId);
      out.push({ parent: parent.personalId, child: child.personalId });
    }
  }
  return out;
}

let phoneSeq = 0;

/** The parent registers the child's Level 1 account (approved at once: a valid card) and the child activates it. */
export async function registerWard(
  url: string,
  notifier: RecordingNotifier,
  parent: string,
  child: string,
): Promise<void> {
  const keys = testKeys();
  const phone = `09${String(31_000_000 + ++phoneSeq * 7_919).slice(0, 8)}`;
  const reg = await gql<{ accountRegisterChild: { account: { status: string } | null; userErrors: unknown[] } }>(
    url,
    `mutation($i: AccountRegisterChildInput!) { accountRegisterChild(input: $i) { account { status } userErrors { code } } }`,
    { i: { personalId: child, phone, portraitRef: `p/${child}` } },
    { authorization: `Bearer ${keys.citizen(parent)}` },
  );
  if (reg.body.data?.accountRegisterChild.account?.status !== 'APPROVED')
    throw new Error(`child ${child} not approved at once: ${JSON.stringify(reg.body)}`);
  const code = notifier.lastCode(child);
  const act = await gql<{ accountActivate: { account: { status: string } | null } }>(
    url,
    `mutation($c: String!) { accountActivate(code: $c) { account { status } userErrors { code } } }`,
    { c: code },
    { authorization: `Bearer ${keys.citizen(child)}` },
  );
  if (act.body.data?.accountActivate.account?.status !== 'ACTIVE')
    throw new Error(`child ${child} not activated: ${JSON.stringify(act.body)}`);
}
