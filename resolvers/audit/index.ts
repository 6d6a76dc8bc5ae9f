import type { Resolvers, ShareField } from '../../generated/graphql';
import { InvalidCursorError, readAccessLog } from '../../services/audit/access-log';
import { pendingAccessLog } from '../../services/audit/indexer';
import { DOCUMENT_SCOPES, type DocumentScope } from '../../services/access/auth/principal';
import { badUserInput } from '../../lib/errors';
import type { HubContext } from '../../services/context';

interface AccessLogArgs {
  first?: number | null;
  after?: string | null;
  documents?: DocumentScope[] | null;
  from?: Date | null;
  to?: Date | null;
}

/** A page of `citizenId`'s access log (their own `myAccessLog`, or a guardian's `wardAccessLog`). */
async function accessLogPage(ctx: HubContext, citizenId: string, args: AccessLogArgs) {
  const { first, after, documents, from, to } = args;
  if (first !== null && first !== undefined && (first < 1 || first > 100)) throw badUserInput('first must be 1 to 100');
  try {
    if (documents && documents.length > 8) throw badUserInput('documents: at most 8');
    // With the entries this instance made durable but has not indexed yet: read-your-writes.
    const pending = pendingAccessLog(ctx.store, citizenId);
    const page = await readAccessLog(ctx.store, citizenId, { first, after, documents, from, to, pending });
    return {
      entries: page.entries.map((e) => ({
        at: e.at,
        readerKind: e.actorKind === 'ANONYMOUS' ? 'CITIZEN' : e.actorKind,
        clientName: e.clientName ?? null,
        officerUnit: e.officerUnit ?? null,
        purpose: e.purpose ?? null,
        dossierRef: e.dossierRef ?? null,
        readerPersonalId: e.readerId ?? null,
        readerCapacity: e.capacity ?? null,
        documents: e.documents.filter((d): d is DocumentScope => DOCUMENT_SCOPES.includes(d as DocumentScope)),
        data: e.documents,
        share: e.share ? { ...e.share, fields: e.share.fields as ShareField[] } : null,
        // The subject of the `@personal` AccessLogEntry (the citizen's own log: audited as ACCESS_LOG).
        citizenId,
      })),
      hasNextPage: page.hasNextPage,
      endCursor: page.endCursor,
    };
  } catch (err) {
    if (err instanceof InvalidCursorError) throw badUserInput('after is not a cursor from this log');
    throw err;
  }
}

export const auditResolvers: Resolvers = {
  Query: {
    myAccessLog: (_, args, ctx) => {
      if (ctx.principal.kind !== 'CITIZEN') throw new Error('@self policy not applied');
      return accessLogPage(ctx, ctx.principal.personalId, args);
    },
    // The @guardian policy has let the parent or guardian through for this child.
    wardAccessLog: (_, { personalId, ...args }, ctx) => accessLogPage(ctx, personalId, args),
  },
};
