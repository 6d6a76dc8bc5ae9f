/**
 * The data subjects' rights in the shell (docs/rights.md): the service, the HTTP copies of a
 * citizen's data (`GET /rights/export.json`, `GET /rights/export.html`, with the citizen's bearer
 * token), an area's requests as CSV (`GET /rights/requests.csv`, officers), and the daily
 * audit-retention sweep (services/audit/retention.ts). The clients' consent statements:
 * routes/consent-statement.ts.
 */
import { Router, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import { RequestMetrics } from '../connectors/batch';
import { mapCitizen } from '../connectors/population/connector';
import { POPULATION_COLLECTION, POPULATION_DB, type CongDanDoc } from '../connectors/population/model';
import { createLoaders } from '../connectors/registry';
import type { SourceGuards } from '../connectors/resilience';
import { ErrorCode } from '../lib/errors';
import type { AccessCaches } from '../services/access/access';
import { authenticate, AuthenticationFailed } from '../services/access/auth/authenticate';
import type { SigningKey } from '../services/access/auth/keys';
import type { TrustedIssuer } from '../services/access/auth/trust';
import { createAccessLookups } from '../services/access/access';
import { DEFAULT_CALENDAR, loadCalendarFile } from '../services/accounts/calendar';
import type { AccountService } from '../services/accounts/service';
import type { DisclosureEvent } from '../services/audit/model';
import { scheduleDaily, sweepAuditRetention } from '../services/audit/retention';
import type { AuditEntry, AuditWriter } from '../services/audit/writer';
import type { CaseService } from '../services/reconciliation/cases';
import { buildExport } from '../services/rights/export';
import { actDeadline, overdue, type DataRequestDoc } from '../services/rights/model';
import { areaRequests } from '../services/rights/officer';
import { reconArea, reconAreaAllowed } from '../services/reconciliation/areas';
import { renderHtml } from '../services/rights/render';
import { RightsService, type RightsDeps } from '../services/rights/service';
import type { Store } from '../store/connection';
import type { HubConfig } from './config';
import type { AuthLocals } from './protect';
import { failJson, officerOf, streamCsv } from './routes/csv';

/** Disclosure events grouped per citizen, as an audit record keeps them. */
function byCitizen(events: DisclosureEvent[]): AuditEntry['citizens'] {
  const map = new Map<string, AuditEntry['citizens'][number]>();
  for (const e of events) {
    let c = map.get(e.citizenId);
    if (!c) map.set(e.citizenId, (c = { citizenId: e.citizenId, disclosed: [], denied: [] }));
    if (e.decision === 'DENIED') c.denied.push({ scope: e.scope, path: e.path, reason: e.reason ?? 'NOT_SUBJECT' });
    else {
      const d = c.disclosed.find((x) => x.scope === e.scope);
      if (d) d.paths.push(e.path);
      else c.disclosed.push({ scope: e.scope, paths: [e.path] });
    }
  }
  return [...map.values()];
}

export function createRights(deps: {
  config: Pick<HubConfig, 'HUB_HOLIDAYS_FILE' | 'HUB_RIGHTS_DAY_COUNT' | 'HUB_ISSUER'>;
  store: Store;
  logger: Logger;
  caches: AccessCaches;
  cases: CaseService;
  signingKey: SigningKey;
  now?: () => Date;
  guardianship?: RightsDeps['guardianship'];
}): RightsService {
  const { config, store } = deps;
  const population = store.db(POPULATION_DB).collection<CongDanDoc>(POPULATION_COLLECTION);
  return new RightsService({
    store,
    calendar: config.HUB_HOLIDAYS_FILE ? loadCalendarFile(config.HUB_HOLIDAYS_FILE) : DEFAULT_CALENDAR,
    dayCount: config.HUB_RIGHTS_DAY_COUNT,
    cases: deps.cases,
    caches: deps.caches,
    population: async (id) => {
      const doc = await population.findOne({ _id: id });
      return doc ? mapCitizen(doc) : null;
    },
    signingKey: deps.signingKey,
    issuer: config.HUB_ISSUER,
    logger: deps.logger,
    now: deps.now,
    guardianship: deps.guardianship,
  });
}

/** The daily retention sweep (HUB_AUDIT_RETENTION_AT); returns the function that stops it. */
export function scheduleRetention(deps: {
  config: Pick<HubConfig, 'HUB_AUDIT_RETENTION_AT' | 'HUB_AUDIT_RETENTION_YEARS' | 'HUB_ISSUER'>;
  store: Store;
  writer: AuditWriter;
  signingKey: SigningKey;
  logger: Logger;
  now?: () => Date;
}): () => void {
  if (deps.config.HUB_AUDIT_RETENTION_AT === 'off') return () => {};
  return scheduleDaily(
    deps.config.HUB_AUDIT_RETENTION_AT,
    () =>
      sweepAuditRetention(deps.store, {
        now: deps.now ? deps.now() : new Date(),
        years: deps.config.HUB_AUDIT_RETENTION_YEARS,
        key: deps.signingKey,
        issuer: deps.config.HUB_ISSUER,
        writer: deps.writer,
        logger: deps.logger,
      }),
    deps.logger,
  );
}

/** `GET /rights/export.json` and `GET /rights/export.html`: the calling citizen's copy, audited before it leaves. */
export function rightsRouter(deps: {
  rights: RightsService;
  store: Store;
  caches: AccessCaches;
  accounts: AccountService;
  trust: TrustedIssuer[];
  audit: AuditWriter;
  guards: SourceGuards;
  logger: Logger;
}): Router {
  const router = Router();
  const serve = (format: 'json' | 'html') => async (req: Request, res: Response) => {
    const locals = res.locals as AuthLocals;
    let principal;
    try {
      if (locals.authFailure) throw locals.authFailure;
      principal = locals.principal ?? authenticate(req.header('authorization'), deps.trust);
    } catch (err) {
      if (err instanceof AuthenticationFailed) return failJson(res, 401, ErrorCode.UNAUTHENTICATED, err.message);
      throw err;
    }
    if (principal.kind !== 'CITIZEN')
      return failJson(
        res,
        principal.kind === 'ANONYMOUS' ? 401 : 403,
        principal.kind === 'ANONYMOUS' ? ErrorCode.UNAUTHENTICATED : ErrorCode.FORBIDDEN,
        'A copy of the data is for the citizen themself (a citizen token)',
      );
    const requestId = String(res.locals.requestId);
    const events: DisclosureEvent[] = [];
    const path = `rightsExport.${format}`;
    try {
      const view = await buildExport(
        deps.rights,
        {
          loaders: createLoaders(deps.store, new RequestMetrics(), { guards: deps.guards }),
          access: createAccessLookups(deps.store, deps.caches),
          account: (id) => deps.accounts.get(id),
        },
        principal.personalId,
        path,
        events,
      );
      for (const kind of ['ACCOUNT', 'CONSENTS', 'ACCESS_LOG', 'DATA_REQUESTS'] as const) {
        if (view.kinds.includes(kind))
          events.push({ citizenId: principal.personalId, scope: kind, path: `${path}.${kind}`, decision: 'DISCLOSED' });
      }
      await deps.audit.append({
        at: new Date(),
        requestId,
        operation: path,
        actor: { kind: 'CITIZEN', id: principal.personalId },
        citizens: byCitizen(events),
      });
      res.setHeader('cache-control', 'no-store');
      if (format === 'json') {
        res.setHeader('content-disposition', 'attachment; filename="my-data.json"');
        res.status(200).json(view.doc);
      } else {
        res.setHeader('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'");
        res.status(200).type('html').send(renderHtml(view.doc));
      }
    } catch (err) {
      deps.logger.error({ err, requestId }, 'data export failed');
      failJson(res, 503, ErrorCode.SERVICE_UNAVAILABLE, 'The copy could not be made; nothing was sent. Retry later.');
    }
  };
  router.get('/rights/requests.csv', (req, res, next) => void requestsCsv(deps, req, res).catch(next));
  router.get('/rights/export.json', (req, res, next) => void serve('json')(req, res).catch(next));
  router.get('/rights/export.html', (req, res, next) => void serve('html')(req, res).catch(next));
  return router;
}

const CSV_COLUMNS = [
  'request_id',
  'kind',
  'status',
  'personal_id',
  'commune_code',
  'received_at',
  'acknowledge_by',
  'act_by',
  'extended',
  'acknowledgement_overdue',
  'action_overdue',
  'client_id',
  'source',
  'field',
] as const;

/**
 * `GET /rights/requests.csv?area=<code>[&overdueOnly=1]`: an area's requests the officer handles
 * (as `dataRequests`), newest first, each chunk audited (DATA_REQUESTS of its citizens) before it
 * is sent.
 */
async function requestsCsv(
  deps: { rights: RightsService; trust: TrustedIssuer[]; audit: AuditWriter; logger: Logger },
  req: Request,
  res: Response,
): Promise<void> {
  const roles = new Set(['DATA_PROTECTION', 'DATA_CLEANING', 'SUPERVISOR'] as const);
  const officer = officerOf(req, res, deps.trust, roles, 'Requests are for data-protection and data-cleaning officers');
  if (!officer) return;
  const area = reconArea(typeof req.query.area === 'string' ? req.query.area : '');
  if (!area) return failJson(res, 400, ErrorCode.BAD_USER_INPUT, 'area must be a known province or commune code');
  if (
    !reconAreaAllowed(officer.jurisdiction, {
      province: area.province,
      commune: area.kind === 'COMMUNE' ? area.code : null,
    })
  )
    return failJson(res, 403, ErrorCode.FORBIDDEN, 'The area is outside your jurisdiction');
  const overdueOnly = req.query.overdueOnly === '1' || req.query.overdueOnly === 'true';
  const requestId = String(res.locals.requestId);
  async function* chunks(): AsyncGenerator<DataRequestDoc[]> {
    let after: string | null = null;
    do {
      const page = await areaRequests(deps.rights, officer!, area!, { overdueOnly }, { first: 100, after });
      if (page.nodes.length) yield page.nodes;
      after = page.hasNextPage ? page.endCursor : null;
    } while (after);
  }
  await streamCsv({
    res,
    filename: `data-requests-${area.code}.csv`,
    columns: CSV_COLUMNS,
    chunks: chunks(),
    audit: deps.audit,
    logger: deps.logger,
    log: { requestId, area: area.code },
    render: (rows) => {
      const now = deps.rights.now();
      return Promise.resolve({
        entry: {
          at: new Date(),
          requestId,
          operation: 'dataRequestsCsv',
          actor: { kind: 'OFFICER', id: officer.officerId, officerUnit: officer.unit },
          citizens: [...new Set(rows.map((r) => r.citizenId))].map((citizenId) => ({
            citizenId,
            disclosed: [{ scope: 'DATA_REQUESTS' as const, paths: ['dataRequestsCsv'] }],
            denied: [],
          })),
        },
        rows: rows.map((r) => {
          const o = overdue(r, now);
          return [
            r._id,
            r.kind,
            r.status,
            r.citizenId,
            r.area?.commune ?? '',
            r.receivedAt.toISOString(),
            r.ackDueAt.toISOString(),
            actDeadline(r).toISOString(),
            r.extendedAt ? 'yes' : 'no',
            o.acknowledgement ? 'yes' : 'no',
            o.action ? 'yes' : 'no',
            r.clientId ?? '',
            r.source ?? '',
            r.field ?? '',
          ];
        }),
      });
    },
  });
}
