import {
  defaultFieldResolver,
  getNamedType,
  GraphQLError,
  isObjectType,
  type GraphQLFieldConfig,
  type GraphQLFieldResolver,
  type GraphQLResolveInfo,
  type GraphQLSchema,
} from 'graphql';
import { GUARDIAN_REFUSAL_WORDS, inWords, officersOnly, roleNeeded } from './refusal-words';
import { getDirective, MapperKind, mapSchema } from '@graphql-tools/utils';
import type { CitizenRecord } from '../../connectors/population/connector';
import type { AuditCollector, DenialReason } from '../audit/model';
import type { Loaders } from '../../connectors/registry';
import type { DocumentScope, Principal } from './auth/principal';
import { unauthenticated } from '../../lib/errors';
import { inJurisdiction } from './jurisdiction';
import { forbidden, MIN_LEVEL, type Required } from './refusal';
import { prefetch, requestedScopes } from './selection';

export { forbidden, MIN_LEVEL, type Required } from './refusal';
import type { GuardianCapacity, GuardianRefusal } from './guardianship';

export { areaInJurisdiction, inJurisdiction } from './jurisdiction';
import type { AccountLevel, AccountStatus } from '../accounts/store';

/**
 * The disclosure policy: the one place that decides whether a field of a citizen's
 * papers may leave. It is applied by one schema transformer to every field marked
 * `@disclose(scope)` and every entry point marked `@subject`; resolvers hold no
 * permission checks. Deny by default: `buildSchema` refuses a schema in which a
 * field of a personal-data type has no policy (see `assertEveryFieldHasPolicy`).
 *
 * A field of a citizen's document is disclosed only when all hold:
 * - the caller is authenticated (else UNAUTHENTICATED);
 * - the caller is the citizen, or a client acting under that citizen's consent, or
 *   an officer (else NOT_SUBJECT);
 * - a client's consent is still active and covers the scope (else NOT_CONSENTED),
 *   and the client is registered for that scope (else CLIENT_NOT_REGISTERED);
 * - for the citizen and clients: the citizen's e-identity account is ACTIVE (else
 *   ACCOUNT_INACTIVE) and its level reaches the scope's level (else LEVEL_TOO_LOW);
 *   level and status are read from the hub's accounts at request time;
 * - for officers: only identity attributes (IDENTITY, IDENTITY_CARD, RESIDENCE) of
 *   citizens whose residence is in their jurisdiction (else OUT_OF_JURISDICTION);
 *   never anything else, health records least of all (NOT_CONSENTED).
 * HEALTH_RECORD needs that scope explicitly in every case.
 */

/** What officers may read, for reconciliation and reports. */
export const OFFICER_SCOPES: ReadonlySet<DocumentScope> = new Set<DocumentScope>([
  'IDENTITY',
  'IDENTITY_CARD',
  'RESIDENCE',
]);

/** The facts about a citizen's account the policy needs. */
export interface AccountFacts {
  level: AccountLevel;
  status: AccountStatus;
}

/** Request-scoped lookups the policy uses; built in `createContext`. */
export interface AccessLookups {
  /** The citizen's e-identity account, or null when they have none. */
  account(personalId: string): Promise<AccountFacts | null>;
  /**
   * The consent's state for this citizen and client (cached briefly): ACTIVE, REVOKED (by the
   * citizen), RESTRICTED (the citizen objects to or restricts processing by this client), or
   * INACTIVE (expired, not yet valid, unknown, or not theirs).
   */
  consentState(consentId: string, citizenId: string, clientId: string): Promise<ConsentState>;
  /** The scopes the client is registered for; null for an unknown or suspended client. */
  clientScopes(clientId: string): Promise<ReadonlySet<DocumentScope> | null>;
  /**
   * May `guardianId` act for `childId` now (services/access/guardianship.ts, read from the
   * guardian's account and both population records)? The refusal, or the capacity.
   */
  guardianship(guardianId: string, childId: string): Promise<Guardianship>;
}

/** What `AccessLookups.guardianship` answers. */
export type Guardianship =
  { refusal: GuardianRefusal; capacity?: undefined } | { refusal: null; capacity: GuardianCapacity };

export type ConsentState = 'ACTIVE' | 'REVOKED' | 'RESTRICTED' | 'INACTIVE';

export type Decision = { allow: true } | { allow: false; reason: DenialReason };

const ALLOW: Decision = { allow: true };
const deny = (reason: DenialReason): Decision => ({ allow: false, reason });

/** May this principal address this citizen at all? (Checked before any source is asked.) */
export function mayAddress(principal: Principal, citizenId: string): Decision {
  switch (principal.kind) {
    case 'CITIZEN':
      return principal.personalId === citizenId ? ALLOW : deny('NOT_SUBJECT');
    case 'CLIENT':
      return principal.citizenId === citizenId ? ALLOW : deny('NOT_SUBJECT');
    case 'OFFICER':
      return ALLOW; // jurisdiction needs the citizen's residence: decided per field
    case 'ANONYMOUS':
      return deny('NOT_SUBJECT');
  }
}

/** The decision for one document (scope) of one citizen. */
export async function decide(
  principal: Principal,
  citizen: Pick<CitizenRecord, 'personalId' | 'area'>,
  scope: DocumentScope,
  lookups: AccessLookups,
): Promise<Decision> {
  const subject = mayAddress(principal, citizen.personalId);
  if (!subject.allow) return subject;
  switch (principal.kind) {
    case 'OFFICER': {
      if (!OFFICER_SCOPES.has(scope)) return deny('NOT_CONSENTED');
      return inJurisdiction(principal.jurisdiction, citizen.area) ? ALLOW : deny('OUT_OF_JURISDICTION');
    }
    case 'CLIENT': {
      if (!principal.scopes.includes(scope)) return deny('NOT_CONSENTED');
      const [consent, registered] = await Promise.all([
        lookups.consentState(principal.consentId, principal.citizenId, principal.clientId),
        lookups.clientScopes(principal.clientId),
      ]);
      // Told only to the client holding the consent: another's is INACTIVE (consentState).
      if (consent === 'REVOKED') return deny('CONSENT_REVOKED');
      if (consent === 'RESTRICTED') return deny('PROCESSING_RESTRICTED');
      if (consent !== 'ACTIVE') return deny('NOT_CONSENTED');
      if (!registered?.has(scope)) return deny('CLIENT_NOT_REGISTERED');
      return accountAllows(await lookups.account(citizen.personalId), scope);
    }
    case 'CITIZEN':
      return accountAllows(await lookups.account(citizen.personalId), scope);
    case 'ANONYMOUS':
      return deny('NOT_SUBJECT');
  }
}

function accountAllows(account: AccountFacts | null, scope: DocumentScope): Decision {
  if (!account || account.status !== 'ACTIVE') return deny('ACCOUNT_INACTIVE');
  return account.level >= MIN_LEVEL[scope] ? ALLOW : deny('LEVEL_TOO_LOW');
}

/** A field's path in the response (aliases and list positions included), as the audit records it. */
export function pathString(info: GraphQLResolveInfo): string {
  const parts: Array<string | number> = [];
  for (let p: GraphQLResolveInfo['path'] | undefined = info.path; p; p = p.prev) parts.unshift(p.key);
  return parts.join('.');
}

/**
 * What the policy reads of a request's context (services/context.ts's `HubContext` has it all):
 * declared here so that the policy does not depend on the context, which depends on the services
 * that use the policy.
 */
export interface PolicyContext {
  auth: { mode: 'on' | 'off' };
  principal: Principal;
  access: AccessLookups;
  audit: AuditCollector;
  /** Disclosure decisions already taken in this request, by `<citizenId>|<scope>`. */
  decisions: Map<string, Decision>;
  loaders: Loaders;
}

/**
 * A guarded field's decision applied: recorded for the audit, then the field resolved (allowed) or
 * refused. A function of its own: no named closure is made per field read (a decision taken
 * already, the usual case, calls it directly).
 */
function applyDecision(
  decision: Decision,
  scope: DocumentScope,
  resolve: GraphQLFieldResolver<unknown, PolicyContext>,
  source: unknown,
  args: Record<string, unknown>,
  ctx: PolicyContext,
  info: GraphQLResolveInfo,
): unknown {
  const citizenId = (source as CitizenRecord).personalId;
  const path = pathString(info);
  if (!decision.allow) {
    ctx.audit.events.push({ citizenId, scope, path, decision: 'DENIED', reason: decision.reason });
    throw forbidden(decision.reason, {}, scope);
  }
  // The household and family documents name other citizens: their `@personal` types
  // (HouseholdMember, Relative, Dependant) audit each of them (services/audit/coverage.ts).
  ctx.audit.events.push({ citizenId, scope, path, decision: 'DISCLOSED' });
  return resolve(source, args, ctx, info);
}

function guardField(
  field: GraphQLFieldConfig<unknown, PolicyContext>,
  scope: DocumentScope,
): GraphQLFieldConfig<unknown, PolicyContext> {
  const resolve = field.resolve ?? defaultFieldResolver;
  return {
    ...field,
    // Not async: with the decision already taken (the entry point takes those of citizens and
    // clients) the field resolves without a promise of its own.
    resolve(source, args, ctx, info) {
      if (ctx.auth.mode === 'off') return resolve(source, args, ctx, info);
      if (ctx.principal.kind === 'ANONYMOUS') throw unauthenticated('Personal data needs an authenticated caller');
      const citizen = source as CitizenRecord;
      const taken = ctx.decisions.get(decisionKey(citizen.personalId, scope));
      if (taken) return applyDecision(taken, scope, resolve, source, args as Record<string, unknown>, ctx, info);
      return decide(ctx.principal, citizen, scope, ctx.access).then((d) =>
        applyDecision(d, scope, resolve, source, args as Record<string, unknown>, ctx, info),
      );
    },
  };
}

/** Decisions taken for a citizen and scope in this request (`HubContext.decisions`). */
const decisionKey = (citizenId: string, scope: DocumentScope) => `${citizenId}|${scope}`;

/**
 * Guards an entry point that addresses citizens by personal ID.
 * - ANONYMOUS: UNAUTHENTICATED before anything is read or recorded (the IDs an unknown caller
 *   sends are not stored: it could otherwise fill the audit; `citizens` is bounded before).
 * - Every ID the principal may not address is audited, then NOT_SUBJECT.
 * - CITIZEN / CLIENT: when every requested document would be withheld whatever the
 *   record says (account not active, level too low, consent gone, scope not held),
 *   the population source is not asked: the citizen resolves to a bare key and each
 *   field then fails with its own reason.
 * - OFFICER: a citizen outside the jurisdiction and an unknown ID answer alike
 *   (null, OUT_OF_JURISDICTION), so officers cannot probe which IDs exist.
 */
function guardEntryPoint(
  field: GraphQLFieldConfig<unknown, PolicyContext>,
  idsOf: (args: Record<string, unknown>, ctx: PolicyContext) => { ids: string[]; list: boolean },
  scopeOf: ReadonlyMap<string, DocumentScope>,
): GraphQLFieldConfig<unknown, PolicyContext> {
  const resolve = field.resolve ?? defaultFieldResolver;
  return {
    ...field,
    async resolve(source, args, ctx, info) {
      const { ids, list } = idsOf(args as Record<string, unknown>, ctx);
      if (ctx.auth.mode === 'off') {
        prefetch(ctx, ids, requestedScopes(info, scopeOf));
        return resolve(source, args, ctx, info);
      }
      const path = pathString(info);
      const denyAll = (reason: DenialReason, which: readonly string[]) => {
        for (const id of new Set(which)) {
          ctx.audit.events.push({ citizenId: id, scope: 'IDENTITY', path, decision: 'DENIED', reason });
        }
      };
      if (ctx.principal.kind === 'ANONYMOUS') throw unauthenticated('Personal data needs an authenticated caller');
      const refused = ids.filter((id) => !mayAddress(ctx.principal, id).allow);
      if (refused.length) {
        denyAll('NOT_SUBJECT', refused);
        throw forbidden('NOT_SUBJECT');
      }
      const principal = ctx.principal;
      if (principal.kind === 'CITIZEN' || principal.kind === 'CLIENT') {
        // Decisions for these principals do not depend on the record: take them first.
        const scopes = [...requestedScopes(info, scopeOf)];
        const decisions = await Promise.all(
          scopes.map((scope) => decide(principal, { personalId: ids[0], area: null }, scope, ctx.access)),
        );
        // The fields then find them taken (they do not depend on the record for these principals).
        for (const id of new Set(ids))
          scopes.forEach((scope, i) => ctx.decisions.set(decisionKey(id, scope), decisions[i]));
        if (scopes.length && decisions.every((d) => !d.allow)) {
          const bare = ids.map((id) => ({ personalId: id, area: null }));
          return list ? bare : bare[0];
        }
        prefetch(
          ctx,
          ids,
          scopes.filter((_, i) => decisions[i].allow),
        );
        return resolve(source, args, ctx, info);
      }
      // OFFICER: jurisdiction needs the residence, so the population record is read.
      const result = (await resolve(source, args, ctx, info)) as CitizenRecord | null | Array<CitizenRecord | null>;
      const j = principal.jurisdiction;
      const screen = (c: CitizenRecord | null, id: string) => {
        if (c && inJurisdiction(j, c.area)) return c;
        ctx.audit.events.push({
          citizenId: id,
          scope: 'IDENTITY',
          path,
          decision: 'DENIED',
          reason: 'OUT_OF_JURISDICTION',
        });
        return forbidden('OUT_OF_JURISDICTION', {}, 'IDENTITY');
      };
      if (!list) {
        const r = screen(result as CitizenRecord | null, ids[0]);
        if (r instanceof GraphQLError) throw r;
        return r;
      }
      // A GraphQLError at a list position becomes that item's null and error (graphql-js).
      return (result as Array<CitizenRecord | null>).map((c, i) => screen(c, ids[i]));
    },
  };
}

/** The caller's own personal ID, for a `@self` field answering a Citizen (guardSelf has checked the caller). */
function selfIds(_args: Record<string, unknown>, ctx: PolicyContext): { ids: string[]; list: boolean } {
  return { ids: ctx.principal.kind === 'CITIZEN' ? [ctx.principal.personalId] : [], list: false };
}

function guardSelf(field: GraphQLFieldConfig<unknown, PolicyContext>): GraphQLFieldConfig<unknown, PolicyContext> {
  const resolve = field.resolve ?? defaultFieldResolver;
  return {
    ...field,
    resolve(source, args, ctx, info) {
      if (ctx.principal.kind === 'ANONYMOUS') throw unauthenticated('This needs the citizen to be signed in');
      if (ctx.principal.kind !== 'CITIZEN') throw forbidden('NOT_SUBJECT', { principal: ['CITIZEN'] });
      return resolve(source, args, ctx, info);
    },
  };
}

/**
 * `@guardian(arg)`: the calling citizen acts for the child named by `arg` as parent or legal
 * guardian (services/access/guardianship.ts). Refused — audited for the child, FORBIDDEN with
 * `extensions.reason` GUARDIAN_LEVEL_2_REQUIRED, NOT_GUARDIAN or GUARDIANSHIP_ENDED and
 * `extensions.required.guardianship` — before anything of the child is read. Let through, the
 * request's audit record carries the capacity for this child (the child's access log names the guardian; no one else's does), and a
 * field answering a `Citizen` has its decisions taken as for the child themself: what the
 * child's own account (ACTIVE, its level) permits and no more.
 */
function guardGuardian(
  field: GraphQLFieldConfig<unknown, PolicyContext>,
  arg: string,
  citizenScopes: ReadonlyMap<string, DocumentScope> | null,
): GraphQLFieldConfig<unknown, PolicyContext> {
  const resolve = field.resolve ?? defaultFieldResolver;
  return {
    ...field,
    async resolve(source, args, ctx, info) {
      const p = ctx.principal;
      if (p.kind === 'ANONYMOUS') throw unauthenticated('This needs the parent or guardian to be signed in');
      const childId = String((args as Record<string, unknown>)[arg]);
      const path = pathString(info);
      const refuse = (reason: DenialReason, message: string, required: Required = {}) => {
        ctx.audit.events.push({ citizenId: childId, scope: 'IDENTITY', path, decision: 'DENIED', reason });
        return inWords(forbidden(reason, required), message);
      };
      // Officers and clients too (even with HUB_AUTH=off: the guardianship is always read).
      if (p.kind !== 'CITIZEN')
        throw refuse('NOT_SUBJECT', 'Only a parent or guardian, signed in', { principal: ['CITIZEN'] });
      const g = await ctx.access.guardianship(p.personalId, childId);
      if (g.refusal) throw refuse(g.refusal, GUARDIAN_REFUSAL_WORDS[g.refusal]);
      // Per child: the record names the guardian, in this capacity, for this child only.
      (ctx.audit.wards ??= new Map()).set(childId, g.capacity);
      if (!citizenScopes) return resolve(source, args, ctx, info);
      // The child's papers: what the child's own account permits (no consent, no officer rule).
      const account = await ctx.access.account(childId);
      const scopes = [...requestedScopes(info, citizenScopes)];
      const decisions = scopes.map((scope) => accountAllows(account, scope));
      scopes.forEach((scope, i) => ctx.decisions.set(decisionKey(childId, scope), decisions[i]));
      if (scopes.length && decisions.every((d) => !d.allow)) return { personalId: childId, area: null };
      prefetch(
        ctx,
        [childId],
        scopes.filter((_, i) => decisions[i].allow),
      );
      return resolve(source, args, ctx, info);
    },
  };
}

/** Types whose every field carries personal data and must have a policy. */
const PERSONAL_DATA_TYPES = ['Citizen'];

/**
 * `@officer(roles, orSelf)`: officers with one of the roles (and, with `orSelf`, the citizen
 * themself). Areas and accounts the field names are checked against the jurisdiction by its
 * resolver (resolvers/accounts, resolvers/reconciliation) or service.
 */
function guardOfficer(
  field: GraphQLFieldConfig<unknown, PolicyContext>,
  roles: readonly string[],
  orSelf: boolean,
): GraphQLFieldConfig<unknown, PolicyContext> {
  const resolve = field.resolve ?? defaultFieldResolver;
  return {
    ...field,
    resolve(source, args, ctx, info) {
      const p = ctx.principal;
      if (p.kind === 'ANONYMOUS') throw unauthenticated('This needs an officer or the citizen to be signed in');
      if (p.kind === 'CITIZEN' && orSelf) return resolve(source, args, ctx, info);
      const principal: Required['principal'] = orSelf ? ['OFFICER', 'CITIZEN'] : ['OFFICER'];
      if (p.kind !== 'OFFICER')
        throw inWords(forbidden('NOT_SUBJECT', { principal, roles }), officersOnly(roles, orSelf));
      if (!roles.includes(p.role)) throw inWords(forbidden('ROLE', { roles }), roleNeeded(roles, p.role));
      return resolve(source, args, ctx, info);
    },
  };
}

/** `@verifier`: officers (any role) and clients; a citizen is NOT_SUBJECT (the service checks the rest). */
function guardVerifier(field: GraphQLFieldConfig<unknown, PolicyContext>): GraphQLFieldConfig<unknown, PolicyContext> {
  const resolve = field.resolve ?? defaultFieldResolver;
  return {
    ...field,
    resolve(source, args, ctx, info) {
      const p = ctx.principal;
      if (p.kind === 'ANONYMOUS') throw unauthenticated('This needs a signed-in officer or client');
      if (p.kind === 'CITIZEN') throw forbidden('NOT_SUBJECT', { principal: ['OFFICER', 'CLIENT'] });
      return resolve(source, args, ctx, info);
    },
  };
}

/**
 * Deny by default: every field of a personal-data type has `@disclose`, and every
 * root field has exactly one of `@subject` (addresses a citizen by ID), `@self` (the calling
 * citizen only), `@guardian` (a parent or guardian for a child), `@officer`, `@verifier` or `@public`. Throws (the server does not start) otherwise.
 */
export function assertEveryFieldHasPolicy(schema: GraphQLSchema): void {
  const missing: string[] = [];
  for (const typeName of PERSONAL_DATA_TYPES) {
    const type = schema.getType(typeName);
    if (!isObjectType(type)) continue;
    for (const f of Object.values(type.getFields())) {
      if (!getDirective(schema, f, 'disclose')?.[0]) missing.push(`${typeName}.${f.name}`);
    }
  }
  for (const root of [schema.getQueryType(), schema.getMutationType()]) {
    if (!root) continue;
    for (const f of Object.values(root.getFields())) {
      const policies = ['subject', 'self', 'public', 'officer', 'verifier', 'guardian'].filter(
        (d) => getDirective(schema, f, d)?.[0],
      );
      if (policies.length !== 1) {
        missing.push(`${root.name}.${f.name}`);
      }
    }
  }
  if (missing.length) throw new Error(`fields without a disclosure policy: ${missing.join(', ')}`);
}

/** Applies the policy to every `@disclose`, `@subject`, `@self`, `@officer` and `@verifier` field. */
export function applyDisclosurePolicy(schema: GraphQLSchema): GraphQLSchema {
  assertEveryFieldHasPolicy(schema);
  const scopeOf = new Map<string, DocumentScope>();
  const citizenType = schema.getType('Citizen');
  if (isObjectType(citizenType)) {
    for (const f of Object.values(citizenType.getFields())) {
      const d = getDirective(schema, f, 'disclose')?.[0] as { scope: DocumentScope } | undefined;
      if (d) scopeOf.set(f.name, d.scope);
    }
  }
  return mapSchema(schema, {
    [MapperKind.OBJECT_FIELD]: (field: GraphQLFieldConfig<unknown, PolicyContext>) => {
      const disclose = getDirective(schema, field, 'disclose')?.[0] as { scope: DocumentScope } | undefined;
      if (disclose) return guardField(field, disclose.scope);
      const subject = getDirective(schema, field, 'subject')?.[0] as { arg: string } | undefined;
      if (subject) {
        const idsOf = (args: Record<string, unknown>) => {
          const value = args[subject.arg];
          return Array.isArray(value)
            ? { ids: value as string[], list: true }
            : { ids: [value as string], list: false };
        };
        return guardEntryPoint(field, idsOf, scopeOf);
      }
      if (getDirective(schema, field, 'self')?.[0]) {
        // The calling citizen's own record (`me`): their papers' decisions as at an entry point.
        if (getNamedType(field.type) === citizenType) return guardSelf(guardEntryPoint(field, selfIds, scopeOf));
        return guardSelf(field);
      }
      const officer = getDirective(schema, field, 'officer')?.[0] as { roles: string[]; orSelf?: boolean } | undefined;
      if (officer) return guardOfficer(field, officer.roles, !!officer.orSelf);
      if (getDirective(schema, field, 'verifier')?.[0]) return guardVerifier(field);
      const guardian = getDirective(schema, field, 'guardian')?.[0] as { arg: string } | undefined;
      if (guardian)
        return guardGuardian(field, guardian.arg, getNamedType(field.type) === citizenType ? scopeOf : null);
      return field;
    },
  });
}
