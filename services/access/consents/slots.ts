/**
 * A citizen's consents are listed through one slot document per consent (`hub.consentSlots`,
 * `_id` = `<personal ID>#<n>`), each claimed by inserting it (../model.ts).
 */
import type { Store } from '../../../store/connection';
import { isDuplicateKey } from '../../../store/concurrency';
import type { CitizenIndexDoc } from '../model';
import { citizenIndex, slots } from './store';

export const slotId = (citizenId: string, n: number) => `${citizenId}#${n}`;

/** The citizen's last taken slot (0: none): from the hint, probing past it. */
export async function lastSlot(store: Store, citizenId: string, head?: CitizenIndexDoc | null): Promise<number> {
  const index = head === undefined ? await citizenIndex(store).findOne({ _id: citizenId }) : head;
  let n = index?.n ?? 0;
  while (await slots(store).findOne({ _id: slotId(citizenId, n + 1) }, { projection: { _id: 1 } })) n++;
  return n;
}

/**
 * Claims the citizen's next slot for the consent: the insert of a unique `_id` is the claim, so
 * concurrent grants take different slots. Every slot below a taken one is taken.
 */
export async function claimSlot(store: Store, citizenId: string, consentId: string): Promise<number> {
  let n = (await lastSlot(store, citizenId)) + 1;
  for (;;) {
    try {
      await slots(store).insertOne({ _id: slotId(citizenId, n), citizenId, consentId });
      break;
    } catch (e) {
      if (!isDuplicateKey(e)) throw e;
      n++;
    }
  }
  // Only a hint (a lost or stale write makes the next listing probe a little further).
  await citizenIndex(store)
    .updateOne({ _id: citizenId }, { $max: { n } }, { upsert: true })
    .catch(async (e: unknown) => {
      if (!isDuplicateKey(e)) throw e;
      await citizenIndex(store).updateOne({ _id: citizenId }, { $max: { n } });
    });
  return n;
}
