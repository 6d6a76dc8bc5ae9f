import type { Resolvers } from '../../generated/graphql';
import type { HubContext } from '../../services/context';
import { badUserInput } from '../../lib/errors';
import { CLIENT_LIST_MAX, listConsentableClients } from '../../services/access/clients';
import { CONSENT_PAGE_MAX } from '../../services/access/model';
import { InvalidConsentCursorError, listConsents } from '../../services/access/consents/list';
import { revokeConsent } from '../../services/access/consents/revoke';
import type { ConsentGrantResult } from '../../services/rights/service';
import type { ConsentGrantor } from '../../services/access/model';

/** The calling citizen (the `@self` policy has already checked the principal). */
function citizenOf(ctx: HubContext): string {
  if (ctx.principal.kind !== 'CITIZEN') throw new Error('@self policy not applied');
  return ctx.principal.personalId;
}

/** The parent or guardian acting for the child (the `@guardian` policy let them through and set the capacity). */
function guardianOf(ctx: HubContext, childId: string): ConsentGrantor {
  const capacity = ctx.audit.wards?.get(childId);
  if (ctx.principal.kind !== 'CITIZEN' || !capacity) throw new Error('@guardian policy not applied');
  return { personalId: ctx.principal.personalId, capacity };
}

/** A page of the citizen's consents (`first` checked; a foreign cursor is BAD_USER_INPUT). */
async function consentPage(ctx: HubContext, citizenId: string, first?: number | null, after?: string | null) {
  if (first !== null && first !== undefined && (first < 1 || first > CONSENT_PAGE_MAX))
    throw badUserInput(`first must be 1 to ${CONSENT_PAGE_MAX}`);
  try {
    return await listConsents(ctx.store, citizenId, ctx.now, { first, after });
  } catch (err) {
    if (err instanceof InvalidConsentCursorError) throw badUserInput('after is not one of your consents');
    throw err;
  }
}

const payload = (r: ConsentGrantResult) => ({ consent: r.consent ?? null, userErrors: r.userErrors ?? [] });

export const accessResolvers: Resolvers = {
  Query: {
    registeredClients: async (_, { first, after }, ctx) => {
      if (first !== null && first !== undefined && (first < 1 || first > CLIENT_LIST_MAX))
        throw badUserInput(`first must be 1 to ${CLIENT_LIST_MAX}`);
      const clients = await listConsentableClients(ctx.store, { first, after });
      return clients.map((c) => ({
        id: c._id,
        name: c.name,
        kind: c.kind,
        scopes: c.scopes,
        purposes: c.purposes.map((code) => ({
          code,
          name: c.purposeNames?.find((p) => p.code === code)?.name ?? null,
        })),
      }));
    },
    myConsents: (_, { first, after }, ctx) => consentPage(ctx, citizenOf(ctx), first, after),
    wardConsents: (_, { personalId, first, after }, ctx) => {
      guardianOf(ctx, personalId);
      return consentPage(ctx, personalId, first, after);
    },
  },
  Mutation: {
    // Refused while the citizen restricts processing by the client (services/rights, docs/rights.md).
    consentGrant: async (_, { input }, ctx) =>
      payload(await ctx.rights.grantConsent(citizenOf(ctx), { ...input, validUntil: new Date(input.validUntil) })),
    consentRevoke: async (_, { id }, ctx) => {
      const r = await revokeConsent(ctx.store, citizenOf(ctx), id, ctx.now, { cache: ctx.caches.consents });
      // The withdrawal is also a data-subject request, done at once (`myRequests`).
      if (r.consent) await ctx.rights.recordWithdrawal(citizenOf(ctx), r.consent);
      return payload(r);
    },
    // On the child's behalf: recorded with the guardian and capacity (services/access/guardianship.ts).
    wardConsentGrant: async (_, { personalId, input }, ctx) =>
      payload(
        await ctx.rights.grantConsent(personalId, {
          ...input,
          validUntil: new Date(input.validUntil),
          grantedBy: guardianOf(ctx, personalId),
        }),
      ),
    wardConsentRevoke: async (_, { personalId, id }, ctx) => {
      const r = await revokeConsent(ctx.store, personalId, id, ctx.now, {
        cache: ctx.caches.consents,
        revokedBy: guardianOf(ctx, personalId),
      });
      if (r.consent) await ctx.rights.recordWithdrawal(personalId, r.consent);
      return payload(r);
    },
  },
  Consent: {
    id: (c) => c._id,
    // The same decision the policy and the token endpoint take for a consent a guardian gave.
    guardianshipEnded: async (c, _, ctx) =>
      c.grantedBy ? (await ctx.access.guardianship(c.grantedBy.personalId, c.citizenId)).refusal !== null : null,
    client: async (c, _, ctx) => {
      const client = await ctx.caches.clients.get(c.clientId);
      return { id: c.clientId, name: client?.name ?? c.clientId };
    },
  },
};
