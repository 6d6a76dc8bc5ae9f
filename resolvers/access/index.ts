import type { Resolvers } from '../../generated/graphql';
import type { HubContext } from '../../services/context';
import { badUserInput } from '../../lib/errors';
import { CLIENT_LIST_MAX, listConsentableClients } from '../../services/access/clients';
import { CONSENT_PAGE_MAX, type ConsentResult } from '../../services/access/model';
import { grantConsent } from '../../services/access/consents/grant';
import { InvalidConsentCursorError, listConsents } from '../../services/access/consents/list';
import { revokeConsent } from '../../services/access/consents/revoke';

/** The calling citizen (the `@self` policy has already checked the principal). */
function citizenOf(ctx: HubContext): string {
  if (ctx.principal.kind !== 'CITIZEN') throw new Error('@self policy not applied');
  return ctx.principal.personalId;
}

const payload = (r: ConsentResult) => ({ consent: r.consent ?? null, userErrors: r.userErrors ?? [] });

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
    myConsents: async (_, { first, after }, ctx) => {
      if (first !== null && first !== undefined && (first < 1 || first > CONSENT_PAGE_MAX))
        throw badUserInput(`first must be 1 to ${CONSENT_PAGE_MAX}`);
      try {
        return await listConsents(ctx.store, citizenOf(ctx), ctx.now, { first, after });
      } catch (err) {
        if (err instanceof InvalidConsentCursorError) throw badUserInput('after is not one of your consents');
        throw err;
      }
    },
  },
  Mutation: {
    consentGrant: async (_, { input }, ctx) =>
      payload(
        await grantConsent(ctx.store, citizenOf(ctx), { ...input, validUntil: new Date(input.validUntil) }, ctx.now),
      ),
    consentRevoke: async (_, { id }, ctx) =>
      payload(await revokeConsent(ctx.store, citizenOf(ctx), id, ctx.now, { cache: ctx.caches.consents })),
  },
  Consent: {
    id: (c) => c._id,
    client: async (c, _, ctx) => {
      const client = await ctx.caches.clients.get(c.clientId);
      return { id: c.clientId, name: client?.name ?? c.clientId };
    },
  },
};
