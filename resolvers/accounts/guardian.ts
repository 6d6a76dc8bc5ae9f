/** A parent or guardian acting for a child through the accounts' entry points: named in the child's audit. */
import type { GraphQLResolveInfo } from 'graphql';
import { GUARDIAN_MESSAGES, type GuardianCapacity } from '../../services/access/guardianship';
import { pathString } from '../../services/access/policy';
import type { TransitionResult } from '../../services/accounts/model';
import type { HubContext } from '../../services/context';

/**
 * The children a parent or guardian was shown (their account, `myWards`): each is named in the
 * audit record with the capacity, so that the child's access log names the guardian (as `ward`).
 */
export function actingFor(
  ctx: HubContext,
  wards: ReadonlyArray<{ personalId: string; capacity: GuardianCapacity }>,
): void {
  for (const w of wards) (ctx.audit.wards ??= new Map()).set(w.personalId, w.capacity);
}

/**
 * A guardian's operation on one child (`childAccount`, `accountRegisterChild`): refused as not (or
 * no longer) their guardian, audited DENIED for the child as `@guardian` entry points are; let
 * through, as `actingFor`.
 */
export async function actingForChild(
  ctx: HubContext,
  r: TransitionResult,
  childId: string,
  info: GraphQLResolveInfo,
): Promise<TransitionResult> {
  const code = r.userError?.code;
  if (code && code in GUARDIAN_MESSAGES) {
    const reason = code as keyof typeof GUARDIAN_MESSAGES;
    ctx.audit.events.push({
      citizenId: childId,
      scope: 'IDENTITY',
      path: pathString(info),
      decision: 'DENIED',
      reason,
    });
    return r;
  }
  if (!r.account || r.userError) return r;
  if (ctx.principal.kind !== 'CITIZEN') throw new Error('@self policy not applied');
  const g = await ctx.access.guardianship(ctx.principal.personalId, childId);
  if (g.capacity) actingFor(ctx, [{ personalId: childId, capacity: g.capacity }]);
  return r;
}
