import type { ApolloServerPlugin, GraphQLRequestContextWillSendResponse } from '@apollo/server';
import { OperationTypeNode } from 'graphql';
import type { Logger } from 'pino';
import type { HubContext } from '../../services/context';
import { ErrorCode } from '../../lib/errors';
import type { AuditWriter, AuditEntry } from '../../services/audit/writer';
import type { AuditActor, AuditRecordDoc, DisclosureEvent } from '../../services/audit/model';
import type { Principal } from '../../services/access/auth/principal';
import type { ConsentUseRecorder } from '../../services/access/consents/use';
import type { HubMetrics } from '../metrics';

interface AuditPluginDeps {
  writer: AuditWriter;
  logger: Logger;
  consentUses?: ConsentUseRecorder;
  metrics?: HubMetrics;
}

/**
 * The audit: one durable, hash-chained record per request that touched personal data
 * (or changed consents), written BEFORE the response leaves. It lists, per citizen,
 * which documents and fields were disclosed and which were denied with reasons. A
 * field whose resolver failed (its path has an error, or an error below it made it null) is not
 * recorded as disclosed; a document served with one unreadable field (SOURCE_DATA_INVALID) is
 * recorded at its path, the failed field not.
 * If the record cannot be written, no personal data leaves: the response is
 * replaced by a 503 SERVICE_UNAVAILABLE error. Concurrent requests share one store
 * write (group commit in AuditWriter).
 */
export function auditPlugin(deps: AuditPluginDeps): ApolloServerPlugin<HubContext> {
  return {
    requestDidStart() {
      // Group commit waits (briefly) for the requests under way (AuditWriter.gather).
      deps.writer.expect();
      let expected = true;
      const settled = () => {
        if (expected) deps.writer.unexpect();
        expected = false;
      };
      return Promise.resolve({
        async willSendResponse(rc: GraphQLRequestContextWillSendResponse<HubContext>) {
          try {
            await recordRequest(deps, rc, settled);
          } finally {
            settled();
          }
        },
      });
    },
  };
}

/** Writes the request's audit record (before the response leaves); `settled` once it is queued. */
async function recordRequest(
  deps: AuditPluginDeps,
  { contextValue: ctx, response, operation, operationName }: GraphQLRequestContextWillSendResponse<HubContext>,
  settled: () => void,
): Promise<void> {
  if (response.body.kind !== 'single') return settled();
  const result = response.body.singleResult;
  const isMutation = operation?.operation === OperationTypeNode.MUTATION;
  if (!ctx.audit.events.length && !isMutation) return settled();
  const hasData = result.data !== undefined && result.data !== null;
  const errorPaths = new Set((result.errors ?? []).filter((e) => e.path).map((e) => e.path!.join('.')));
  let denied = 0;
  const events = ctx.audit.events.filter((e) => {
    // The first DENIED decisions are listed, the rest counted: a record stays bounded.
    if (e.decision === 'DENIED') return ++denied <= MAX_DENIED_PER_RECORD;
    return hasData && !failed(e.path, errorPaths, result.data);
  });
  const deniedOmitted = Math.max(0, denied - MAX_DENIED_PER_RECORD);
  const entry: AuditEntry = {
    at: new Date(),
    requestId: ctx.requestId,
    // The caller names the operation: kept to a bounded length (docs/security.md, "What is audited").
    operation: (operationName ?? operation?.operation ?? null)?.slice(0, MAX_OPERATION_NAME) ?? null,
    actor: await actorOf(ctx),
    citizens: byCitizen(events, ctx.audit.wards),
    ...(deniedOmitted ? { deniedOmitted } : {}),
    ...(ctx.audit.accountChanges?.length ? { accountChanges: ctx.audit.accountChanges } : {}),
    ...(ctx.audit.caseChanges?.length ? { caseChanges: ctx.audit.caseChanges } : {}),
    ...(ctx.audit.shareEvents?.length ? { shareEvents: ctx.audit.shareEvents } : {}),
  };
  const t0 = Date.now();
  try {
    const durable = deps.writer.append(entry);
    // Queued: the writer no longer waits for this request.
    settled();
    await durable;
    deps.metrics?.auditWrite.observe({ outcome: 'ok' }, (Date.now() - t0) / 1000);
  } catch (err) {
    deps.metrics?.auditWrite.observe({ outcome: 'failed' }, (Date.now() - t0) / 1000);
    deps.logger.error({ err, requestId: ctx.requestId }, 'audit write failed: response withheld');
    response.body.singleResult = {
      errors: [
        {
          message: 'The audit log is unavailable; nothing was disclosed. Retry later.',
          extensions: { code: ErrorCode.SERVICE_UNAVAILABLE },
        },
      ],
    };
    response.http.status = 503;
    response.http.headers.set('retry-after', '5');
    return;
  }
  // A use of the consent: data of its citizen disclosed (not a share another citizen made).
  const p = ctx.principal;
  if (p.kind === 'CLIENT' && events.some((e) => e.decision === 'DISCLOSED' && e.citizenId === p.citizenId)) {
    deps.consentUses?.record(p.consentId, entry.at);
  }
}

/**
 * True when nothing was disclosed at `path`: its field failed (an error at that path), or a
 * failure below it made it null (a non-null field's error propagates to its nullable parent).
 */
function failed(path: string, errorPaths: ReadonlySet<string>, data: unknown): boolean {
  // Without errors nothing failed (the common case: no walk through the data).
  if (errorPaths.size === 0) return false;
  if (errorPaths.has(path)) return true;
  let v = data;
  for (const key of path.split('.')) {
    if (v === null || typeof v !== 'object') break;
    v = (v as Record<string, unknown>)[key];
  }
  if (v !== null) return false;
  const below = `${path}.`;
  for (const p of errorPaths) if (p.startsWith(below)) return true;
  return false;
}

/** DENIED events an audit record lists (the first ones); the rest are only counted (`deniedOmitted`). */
export const MAX_DENIED_PER_RECORD = 100;

/** Characters of the operation's name an audit record keeps. */
export const MAX_OPERATION_NAME = 100;

/** The record's actor: ids and names only, never the token. */
export async function actorOf(ctx: Pick<HubContext, 'principal' | 'caches'>): Promise<AuditActor> {
  const p: Principal = ctx.principal;
  switch (p.kind) {
    case 'ANONYMOUS':
      return { kind: 'ANONYMOUS' };
    case 'CITIZEN':
      // Acting for a child as parent or guardian is recorded per child (`byCitizen`), not here.
      return { kind: 'CITIZEN', id: p.personalId };
    case 'OFFICER':
      return { kind: 'OFFICER', id: p.officerId, officerUnit: p.unit };
    case 'CLIENT': {
      const [client, consent] = await Promise.all([
        ctx.caches.clients.get(p.clientId).catch(() => null),
        ctx.caches.consents.get(p.consentId).catch(() => null),
      ]);
      return {
        kind: 'CLIENT',
        id: p.clientId,
        clientId: p.clientId,
        clientName: client?.name,
        consentId: p.consentId,
        purpose: p.purpose,
        dossierRef: consent?.dossierRef,
      };
    }
  }
}

/** Events by citizen; a child the caller acted for as parent or guardian (`wards`) carries the capacity. */
function byCitizen(
  events: DisclosureEvent[],
  wards?: ReadonlyMap<string, 'PARENT' | 'LEGAL_GUARDIAN'>,
): AuditRecordDoc['citizens'] {
  const map = new Map<string, AuditRecordDoc['citizens'][number]>();
  for (const e of events) {
    let c = map.get(e.citizenId);
    if (!c) {
      const capacity = wards?.get(e.citizenId);
      c = { citizenId: e.citizenId, ...(capacity ? { capacity } : {}), disclosed: [], denied: [] };
      map.set(e.citizenId, c);
    }
    if (e.decision === 'DENIED') {
      c.denied.push({ scope: e.scope, path: e.path, reason: e.reason! });
    } else {
      const d = c.disclosed.find((x) => x.scope === e.scope);
      if (d) d.paths.push(e.path);
      else c.disclosed.push({ scope: e.scope, paths: [e.path] });
    }
  }
  return [...map.values()];
}
