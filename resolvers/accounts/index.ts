import type { GraphQLResolveInfo } from 'graphql';
import type { AccountUserError, Resolvers } from '../../generated/graphql';
import type { HubContext } from '../../services/context';
import { badUserInput, echoShort } from '../../lib/errors';
import { areaInJurisdiction, decide, forbidden, pathString, inJurisdiction } from '../../services/access/policy';
import { GUARDIAN_MESSAGES } from '../../services/access/guardianship';
import { actingFor, actingForChild } from './guardian';
import { unlockRequestPending } from '../../services/accounts/store';
import { inWords } from '../../services/access/refusal-words';
import { activationDeadline, vietnamDate } from '../../services/accounts/calendar';
import type { Actor, StoredAccount, TransitionResult } from '../../services/accounts/model';
import {
  areaInfo,
  areaOfInfo,
  areaReport,
  communesOf,
  listCommunes,
  listMembers,
  listPage,
  ReportInputError,
  type AreaInfo,
  type AreaReport,
  type ListEntry,
} from '../../services/accounts/reports/read';
import { REPORT_TARGETS_COLLECTION, type AreaTargetDoc } from '../../services/accounts/reports/model';
import { MAX_SCANNED, searchListPage } from '../../services/accounts/reports/search';
import { entryGroups, groupFilter, groupReports, storedList } from '../../services/accounts/reports/groups';
import { decodeListValue } from '../../services/accounts/reports/ops';

type Officer = Extract<HubContext['principal'], { kind: 'OFFICER' }>;

function actor(ctx: HubContext): Actor {
  const p = ctx.principal;
  if (p.kind === 'OFFICER') return { kind: 'officer', id: p.officerId, area: p.jurisdiction };
  if (p.kind === 'CITIZEN') return { kind: 'citizen' };
  throw new Error('@officer/@self policy not applied');
}

function officerOf(ctx: HubContext): Officer {
  if (ctx.principal.kind !== 'OFFICER') throw new Error('@officer policy not applied');
  return ctx.principal;
}

function citizenOf(ctx: HubContext): string {
  if (ctx.principal.kind !== 'CITIZEN') throw new Error('@self policy not applied');
  return ctx.principal.personalId;
}

/** An area code within the officer's jurisdiction, else BAD_USER_INPUT / FORBIDDEN. */
function areaFor(ctx: HubContext, code: string): AreaInfo {
  const area = areaInfo(code);
  if (!area) throw badUserInput(`Unknown area code${echoShort(code)} (a 2-digit province or 5-digit commune code)`);
  if (!areaInJurisdiction(officerOf(ctx).jurisdiction, areaOfInfo(area))) throw forbidden('OUT_OF_JURISDICTION');
  return area;
}

/**
 * The payload; an account is shown only to its holder and to officers of its area, and (`guardian`)
 * to a parent or guardian the service found to hold the guardianship (services/access/guardianship.ts).
 */
function payload(
  ctx: HubContext,
  r: TransitionResult,
  guardian = false,
): { account: StoredAccount | null; userErrors: AccountUserError[] } {
  if (r.changes.length) (ctx.audit.accountChanges ??= []).push(...r.changes);
  // The account shown (to its holder or an officer of its area) is audited field by field
  // (`@personal` Account, services/audit/coverage.ts).
  const shown = r.account && (guardian || maySee(ctx, r.account));
  return {
    account: shown ? r.account : null,
    userErrors: r.userError ? [r.userError] : [],
  };
}

function maySee(ctx: HubContext, a: StoredAccount): boolean {
  const p = ctx.principal;
  if (p.kind === 'CITIZEN') return p.personalId === a._id;
  if (p.kind === 'OFFICER') return inJurisdiction(p.jurisdiction, a.area);
  return false;
}

const outOfJurisdiction = (): TransitionResult => ({
  account: null,
  userError: { code: 'OUT_OF_JURISDICTION', message: 'No account of this person in your area' },
  changes: [],
});

/**
 * For an officer's operation on an existing account: the same answer for an unknown person
 * and one outside the jurisdiction (officers cannot probe which IDs exist).
 */
async function officerTarget(ctx: HubContext, personalId: string): Promise<TransitionResult | null> {
  const p = officerOf(ctx);
  const a = await ctx.accounts.get(personalId);
  return a && inJurisdiction(p.jurisdiction, a.area) ? null : outOfJurisdiction();
}

/**
 * For an officer's in-person operation on a person (Level 2 registration, upgrade): the person
 * must live in the officer's jurisdiction; an unknown ID answers the same, so officers cannot
 * probe elsewhere. Within it, the lookup is audited (officers may read identity there anyway).
 */
async function officerPerson(
  ctx: HubContext,
  personalId: string,
  info: GraphQLResolveInfo,
): Promise<TransitionResult | null> {
  const p = officerOf(ctx);
  const person = await ctx.loaders.population.load(personalId).catch(() => null);
  if (!person || !inJurisdiction(p.jurisdiction, person.area)) return outOfJurisdiction();
  ctx.audit.events.push({ citizenId: personalId, scope: 'IDENTITY', path: pathString(info), decision: 'DISCLOSED' });
  return null;
}

/** Holder (no personalId) or officer (personalId required). */
function subjectOf(ctx: HubContext, personalId: string | null | undefined): string {
  if (ctx.principal.kind === 'CITIZEN') {
    if (personalId && personalId !== ctx.principal.personalId) throw forbidden('NOT_SUBJECT');
    return ctx.principal.personalId;
  }
  if (!personalId) throw badUserInput('personalId is required for an officer');
  return personalId;
}

function checkFirst(first: number | null | undefined): number {
  const n = first ?? 50;
  if (!Number.isInteger(n) || n < 1 || n > 500) throw badUserInput('first must be between 1 and 500');
  return n;
}

function reportRange(ctx: HubContext, from: string, to: string) {
  return { from, to, today: vietnamDate(ctx.now) };
}

async function countOverdue(ctx: HubContext, area: AreaInfo): Promise<number> {
  const now = ctx.now.toISOString();
  const lists = await Promise.all(listCommunes(area).map((c) => listMembers(ctx.store, 'PENDING_APPROVAL', c)));
  let n = 0;
  for (const l of lists) {
    for (const [, v] of l) {
      const since = decodeListValue(v).since;
      if (since && since < now) n++;
    }
  }
  return n;
}

async function withReportErrors<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof ReportInputError) throw badUserInput(e.message);
    throw e;
  }
}

export const accountsResolvers: Resolvers = {
  Query: {
    myAccount: (_, __, ctx) => ctx.accounts.get(citizenOf(ctx)),
    myWards: async (_, __, ctx) => {
      const r = await ctx.accounts.wards(citizenOf(ctx));
      if (r.refusal) throw inWords(forbidden(r.refusal), GUARDIAN_MESSAGES[r.refusal]);
      actingFor(ctx, r.wards);
      return r.wards.map((w) => ({
        personalId: w.personalId,
        fullName: w.fullName,
        dateOfBirth: w.dateOfBirth,
        capacity: w.capacity,
        guardianshipEndsOn: w.guardianshipEndsOn,
        accountStatus: w.account?.status ?? null,
        accountLevel: w.account?.level ?? null,
      }));
    },
    childAccount: async (_, { personalId }, ctx, info) =>
      payload(
        ctx,
        await actingForChild(ctx, await ctx.accounts.childAccount(citizenOf(ctx), personalId), personalId, info),
        true,
      ),
    account: async (_, { personalId }, ctx, info) => {
      const a = await ctx.accounts.get(personalId);
      if (!a || !maySee(ctx, a)) {
        // Recorded like a refused `citizen()`: an officer's probes outside the area leave a trace.
        ctx.audit.events.push({
          citizenId: personalId,
          scope: 'ACCOUNT',
          path: pathString(info),
          decision: 'DENIED',
          reason: 'OUT_OF_JURISDICTION',
        });
        throw forbidden('OUT_OF_JURISDICTION');
      }
      return a;
    },
    accountWorkList: async (_, { list, area: code, overdueOnly, search, group, first, after }, ctx) => {
      const area = areaFor(ctx, code);
      const n = checkFirst(first);
      const now = ctx.now.toISOString();
      const overdue =
        overdueOnly && list === 'PENDING_APPROVAL' ? (e: ListEntry) => !!e.since && e.since < now : undefined;
      const inGroup = groupFilter(list, group);
      const filter =
        overdue && inGroup ? (e: ListEntry) => overdue(e) && inGroup(e) : (overdue ?? inGroup ?? undefined);
      // A search reads the population records it walks past (through this request's loader).
      const person = async (id: string) => {
        const p = await ctx.loaders.population.load(id).catch(() => null);
        return p ? { fullName: p.fullName ?? null, address: p.residence?.permanentAddress.formatted ?? null } : null;
      };
      const stored = storedList(list, group);
      const page = await withReportErrors(async () =>
        search?.trim()
          ? searchListPage(ctx.store, stored, area, search, person, { first: n, after, filter })
          : { ...(await listPage(ctx.store, stored, area, { first: n, after, filter })), truncated: false },
      );
      const nodes = await Promise.all(
        page.entries.map(async (e) => {
          const [person, account] = await Promise.all([
            ctx.loaders.population.load(e.personalId).catch(() => null),
            list === 'NOT_REGISTERED' ? null : ctx.accounts.get(e.personalId),
          ]);
          return {
            personalId: e.personalId,
            fullName: person?.fullName ?? null,
            address: person?.residence?.permanentAddress.formatted ?? null,
            phone: account?.phone ?? null,
            commune: areaInfo(e.commune) ?? { code: e.commune, name: e.commune, kind: 'COMMUNE', province: '' },
            accountStatus: account?.status ?? null,
            since: e.since ? new Date(e.since) : null,
            overdue: list === 'PENDING_APPROVAL' && !!e.since && e.since < now,
            groups: entryGroups(e),
          };
        }),
      );
      return {
        nodes,
        pageInfo: { endCursor: page.endCursor, hasNextPage: page.hasNextPage },
        searchTruncated: page.truncated,
        // Resolved only when asked (it reads every commune's list; a search reads them all through).
        totalCount: (async () =>
          'totalCount' in page
            ? page.totalCount()
            : (await searchListPage(ctx.store, stored, area, search!, person, { first: MAX_SCANNED, filter })).entries
                .length) as unknown as number,
      };
    },
    areaCommunes: (_, { province }) => {
      const p = areaInfo(province);
      if (!p || p.kind !== 'PROVINCE') throw badUserInput(`Unknown province code${echoShort(province)}`);
      return communesOf(province).map((c) => areaInfo(c)!);
    },
    accountReport: (_, { area: code, from, to }, ctx) => {
      const area = areaFor(ctx, code);
      return withReportErrors(() => areaReport(ctx.store, area.code, reportRange(ctx, from, to)));
    },
  },
  Mutation: {
    accountRegister: async (_, { input }, ctx, info) => {
      if (ctx.principal.kind === 'CITIZEN') {
        if (input.level !== 1) throw badUserInput('A citizen registers Level 1 in the app; Level 2 is in person');
        if (input.personalId && input.personalId !== ctx.principal.personalId) throw forbidden('NOT_SUBJECT');
        if (!input.portraitRef) throw badUserInput('portraitRef is required for Level 1');
        return payload(
          ctx,
          await ctx.accounts.registerLevel1(ctx.principal.personalId, {
            phone: input.phone,
            portraitRef: input.portraitRef,
            email: input.email,
          }),
        );
      }
      const by = actor(ctx) as Extract<Actor, { kind: 'officer' }>;
      if (input.level !== 2) throw badUserInput('Officers register Level 2 in person');
      if (!input.personalId) throw badUserInput('personalId is required');
      const denied = await officerPerson(ctx, input.personalId, info);
      if (denied) return payload(ctx, denied);
      return payload(
        ctx,
        await ctx.accounts.registerLevel2(by, input.personalId, {
          phone: input.phone,
          fingerprintsCaptured: input.fingerprintsCaptured ?? false,
          portraitRef: input.portraitRef,
          email: input.email,
        }),
      );
    },
    accountUpgrade: async (_, { personalId, fingerprintsCaptured }, ctx) =>
      payload(
        ctx,
        (await officerTarget(ctx, personalId)) ??
          (await ctx.accounts.upgrade(
            actor(ctx) as Extract<Actor, { kind: 'officer' }>,
            personalId,
            fingerprintsCaptured,
          )),
      ),
    accountApprove: async (_, { personalId }, ctx) =>
      payload(
        ctx,
        (await officerTarget(ctx, personalId)) ?? (await ctx.accounts.decide(personalId, actor(ctx), 'APPROVE')),
      ),
    accountReject: async (_, { personalId, reason }, ctx) =>
      payload(
        ctx,
        (await officerTarget(ctx, personalId)) ?? (await ctx.accounts.decide(personalId, actor(ctx), 'REJECT', reason)),
      ),
    accountActivate: async (_, { code }, ctx) => payload(ctx, await ctx.accounts.activate(citizenOf(ctx), code)),
    accountActivationCodeResend: async (_, __, ctx) =>
      payload(ctx, await ctx.accounts.resendActivationCode(citizenOf(ctx))),
    accountReopen: async (_, { personalId }, ctx) =>
      payload(ctx, (await officerTarget(ctx, personalId)) ?? (await ctx.accounts.reopen(actor(ctx), personalId))),
    accountRegisterChild: async (_, { input }, ctx, info) =>
      payload(
        ctx,
        await actingForChild(
          ctx,
          await ctx.accounts.registerChildLevel1(citizenOf(ctx), input.personalId, {
            phone: input.phone,
            portraitRef: input.portraitRef,
            email: input.email,
          }),
          input.personalId,
          info,
        ),
        true,
      ),
    accountLock: async (_, { personalId, via, ground, reason }, ctx) => {
      const id = subjectOf(ctx, personalId);
      if (ctx.principal.kind === 'OFFICER') {
        const denied = await officerTarget(ctx, id);
        if (denied) return payload(ctx, denied);
      }
      const channel = via ?? (ctx.principal.kind === 'CITIZEN' ? 'APP' : 'HOTLINE');
      return payload(ctx, await ctx.accounts.lock(actor(ctx), id, { via: channel, reason, ground }));
    },
    accountUnlock: async (_, { personalId, ownershipVerified, reason }, ctx) => {
      const id = subjectOf(ctx, personalId);
      if (ctx.principal.kind === 'CITIZEN') {
        // Signed in to the app as the holder: ownership is proved.
        return payload(ctx, await ctx.accounts.unlock(actor(ctx), id, true, reason));
      }
      return payload(
        ctx,
        (await officerTarget(ctx, id)) ??
          (await ctx.accounts.unlock(actor(ctx), id, ownershipVerified === true, reason)),
      );
    },
    accountUnlockRequest: async (_, { personalId, authority, reason }, ctx) =>
      payload(
        ctx,
        (await officerTarget(ctx, personalId)) ??
          (await ctx.accounts.requestUnlock(actor(ctx), personalId, authority, reason)),
      ),
    accountUnlockAtAuthorityRequest: async (_, { personalId, reason }, ctx) =>
      payload(
        ctx,
        (await officerTarget(ctx, personalId)) ??
          (await ctx.accounts.unlockAtAuthorityRequest(actor(ctx), personalId, reason)),
      ),
    accountUnlockRequestRefuse: async (_, { personalId, reason }, ctx) =>
      payload(
        ctx,
        (await officerTarget(ctx, personalId)) ??
          (await ctx.accounts.refuseUnlockRequest(actor(ctx), personalId, reason)),
      ),
    accountPhoneChangeStart: async (_, { phone }, ctx) =>
      payload(ctx, await ctx.accounts.startPhoneChange(citizenOf(ctx), phone)),
    accountPhoneChange: async (_, { input }, ctx) => {
      const id = subjectOf(ctx, input.personalId);
      if (ctx.principal.kind === 'OFFICER') {
        const denied = await officerTarget(ctx, id);
        if (denied) return payload(ctx, denied);
      }
      return payload(ctx, await ctx.accounts.changePhone(actor(ctx), id, input.phone, input.verificationCode));
    },
    reportTargetSet: async (_, { area: code, collectedPerDay, activatedPerDay }, ctx) => {
      const area = areaFor(ctx, code);
      for (const v of [collectedPerDay, activatedPerDay]) {
        if (v !== null && v !== undefined && (!Number.isInteger(v) || v < 0 || v > 10_000_000)) {
          throw badUserInput('A target is a whole number between 0 and 10,000,000 per day');
        }
      }
      const doc: AreaTargetDoc = {
        _id: area.code,
        area: area.code,
        collectedPerDay: collectedPerDay ?? null,
        activatedPerDay: activatedPerDay ?? null,
        setBy: officerOf(ctx).officerId,
        setAt: ctx.now,
      };
      await ctx.store.hubDb.collection<AreaTargetDoc>(REPORT_TARGETS_COLLECTION).replaceOne({ _id: area.code }, doc, {
        upsert: true,
      });
      return {
        targets: { collectedPerDay: doc.collectedPerDay, activatedPerDay: doc.activatedPerDay },
        userErrors: [],
      };
    },
    accountSweepRun: async (_, __, ctx) => {
      const r = await ctx.sweeps.runAll(officerOf(ctx).jurisdiction);
      if (r.changes.length) (ctx.audit.accountChanges ??= []).push(...r.changes);
      return r.counts;
    },
  },
  Account: {
    personalId: (a) => a._id,
    area: (a) =>
      areaInfo(a.area.commune) ?? {
        code: a.area.commune,
        name: a.area.commune,
        kind: 'COMMUNE',
        province: a.area.province,
      },
    pendingLevel: (a) => a.pendingLevel ?? null,
    email: (a) => a.email ?? null,
    unlockRequest: (a, _, ctx) =>
      a.unlockRequest
        ? {
            authority: a.unlockRequest.authority,
            receivedAt: a.unlockRequest.receivedAt,
            forwardDueAt: a.unlockRequest.forwardDueAt,
            dueAt: a.unlockRequest.dueAt,
            status: a.unlockRequest.status ?? 'PENDING',
            overdue: unlockRequestPending(a.unlockRequest) && a.unlockRequest.dueAt < ctx.now,
            recordedBy: a.unlockRequest.by,
            decidedAt: a.unlockRequest.decidedAt ?? null,
            decidedBy: a.unlockRequest.decidedBy ?? null,
          }
        : null,
    approvalDueAt: (a) => (a.status === 'PENDING' || a.pendingLevel === 2 ? (a.approvalDueAt ?? null) : null),
    approvalOverdue: (a, _, ctx) =>
      (a.status === 'PENDING' || a.pendingLevel === 2) && !!a.approvalDueAt && a.approvalDueAt < ctx.now,
    approvedAt: (a) => a.approvedAt ?? null,
    notifiedAt: (a) => a.notifiedAt ?? null,
    activationDeadline: (a) => (a.status === 'APPROVED' && a.notifiedAt ? activationDeadline(a.notifiedAt) : null),
    activatedAt: (a) => a.activatedAt ?? null,
    lockedAt: (a) => a.lockedAt ?? null,
    lockReason: (a) => a.lockReason ?? null,
    lockGround: (a) => a.lockGround ?? null,
    history: (a) =>
      a.history.map((h) => ({
        at: h.at,
        event: h.event ?? null,
        from: h.from,
        to: h.to,
        level: h.level,
        by: h.by,
        reason: h.reason ?? null,
      })),
    // Disclosed: audited as FAMILY of the holder (`@personalData`), each dependant as IDENTITY
    // of their own (`@personal` Dependant).
    dependants: async (a, _, ctx, info) => {
      const d = await decide(ctx.principal, { personalId: a._id, area: a.area }, 'FAMILY', ctx.access);
      if (!d.allow) {
        ctx.audit.events.push({
          citizenId: a._id,
          scope: 'FAMILY',
          path: pathString(info),
          decision: 'DENIED',
          reason: d.reason,
        });
        throw forbidden(d.reason);
      }
      const person = await ctx.loaders.population.load(a._id);
      return person?.family.dependants ?? [];
    },
  },
  Area: {
    kind: (a) => a.kind,
  },
  AccountReport: {
    approvalsOverdue: (r, _, ctx) => countOverdue(ctx, r.area),
    groups: (r: AreaReport) => groupReports(r),
    communes: async (r: AreaReport, _, ctx) =>
      r.area.kind === 'COMMUNE'
        ? []
        : Promise.all(communesOf(r.area.code).map((c) => areaReport(ctx.store, c, reportRange(ctx, r.from, r.to)))),
  },
};
