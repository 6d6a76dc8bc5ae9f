/**
 * CSV export of the work lists over HTTP: `GET /reports/work-list.csv?list=<WorkList>&area=<code>`
 * (optionally `&group=<AccountGroup>`, as the GraphQL list's `group`)
 * with an officer's bearer token (WORKING_GROUP, ACCOUNT_APPROVER or SUPERVISOR; the area
 * within the jurisdiction). Streamed chunk by chunk (never built in memory); each chunk's
 * rows are audited (one record per chunk) BEFORE they are written (hub/routes/csv.ts).
 */
import { Router, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import { RequestMetrics } from '../../connectors/batch';
import { createLoaders } from '../../connectors/registry';
import type { SourceGuards } from '../../connectors/resilience';
import type { AccountService } from '../../services/accounts/service';
import type { AuditWriter } from '../../services/audit/writer';
import type { OfficerRole } from '../../services/access/auth/principal';
import type { TrustedIssuer } from '../../services/access/auth/trust';
import { csvCell, failJson, failOutOfJurisdiction, officerOf, queryParam, streamCsv } from './csv';
import { areaInJurisdiction } from '../../services/access/policy';
import type { Store } from '../../store/connection';
import { LIST_NAMES, type ListName } from '../../services/accounts/reports/model';
import {
  ReportInputError,
  areaInfo,
  areaOfInfo,
  areaReport,
  listChunks,
  type AreaReport,
} from '../../services/accounts/reports/read';
import { vietnamDate } from '../../services/accounts/calendar';
import {
  REPORT_GROUPS,
  entryGroups,
  groupFilter,
  groupReports,
  storedList,
  type ReportGroup,
} from '../../services/accounts/reports/groups';
import { ErrorCode } from '../../lib/errors';

const ROLES = new Set<OfficerRole>(['WORKING_GROUP', 'ACCOUNT_APPROVER', 'SUPERVISOR']);

export { csvCell };

export const CSV_COLUMNS = [
  'personal_id',
  'full_name',
  'address',
  'phone',
  'commune_code',
  'commune',
  'account_status',
  'since',
  'groups',
] as const;

/** The report's CSV: one row for the area, then one per eligible group (the GraphQL report's figures). */
export const REPORT_CSV_COLUMNS = [
  'group',
  'collected_level1',
  'collected_level2',
  'collected_total',
  'approved',
  'activated_total',
  'rejected',
  'cumulative_collected_total',
  'cumulative_activated_total',
  'accounts_level1',
  'accounts_level2',
  'accounts_total',
  'pending_approval',
  'approved_not_activated',
  'active_total',
  'locked',
  'eligible',
  'not_registered',
] as const;

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * `GET /reports/account-report.csv?area=<code>&from=<day>&to=<day>`: the report's figures for the
 * area and each group (counts; names no citizen, so not audited, as `accountReport`).
 */
async function reportCsv(
  deps: { store: Store; trust: TrustedIssuer[]; now?: () => Date },
  req: Request,
  res: Response,
) {
  const principal = officerOf(req, res, deps.trust, ROLES, 'Reports are for working groups, approvers and supervisors');
  if (!principal) return;
  const area = areaInfo(queryParam(req, 'area') ?? '');
  if (!area) return failJson(res, 400, ErrorCode.BAD_USER_INPUT, 'area must be a known province or commune code');
  const from = queryParam(req, 'from') ?? '';
  const to = queryParam(req, 'to') ?? '';
  if (!DAY.test(from) || !DAY.test(to))
    return failJson(res, 400, ErrorCode.BAD_USER_INPUT, 'from and to must be YYYY-MM-DD');
  if (!areaInJurisdiction(principal.jurisdiction, areaOfInfo(area))) return failOutOfJurisdiction(res);
  let r;
  try {
    r = await areaReport(deps.store, area.code, { from, to, today: vietnamDate(deps.now?.() ?? new Date()) });
  } catch (e) {
    if (e instanceof ReportInputError) return failJson(res, 400, ErrorCode.BAD_USER_INPUT, e.message);
    throw e;
  }
  const row = (
    name: string,
    g: Pick<AreaReport, 'period' | 'cumulative' | 'atEnd'>,
    p: { eligible: number; notRegistered: number } | null,
  ) => [
    name,
    g.period.collected.level1,
    g.period.collected.level2,
    g.period.collected.total,
    g.period.approved,
    g.period.activated.total,
    g.period.rejected,
    g.cumulative.collected.total,
    g.cumulative.activated.total,
    g.atEnd.accounts.level1,
    g.atEnd.accounts.level2,
    g.atEnd.accounts.total,
    g.atEnd.pendingApproval,
    g.atEnd.approvedNotActivated,
    g.atEnd.active.total,
    g.atEnd.locked,
    p?.eligible ?? '',
    p?.notRegistered ?? '',
  ];
  const rows = [
    row(
      'AREA',
      r,
      r.population ? { eligible: r.population.eligible14, notRegistered: r.population.notRegistered } : null,
    ),
    ...groupReports(r).map((g) => row(g.group, g, g.population)),
  ];
  res.setHeader('content-type', 'text/csv; charset=utf-8');
  res.setHeader('content-disposition', `attachment; filename="account-report-${area.code}-${from}-${to}.csv"`);
  res.setHeader('cache-control', 'no-store');
  res.end(
    '\uFEFF' +
      [[...REPORT_CSV_COLUMNS], ...rows].map((l) => l.map((c) => csvCell(String(c))).join(',')).join('\r\n') +
      '\r\n',
  );
}

export function csvRouter(deps: {
  store: Store;
  trust: TrustedIssuer[];
  audit: AuditWriter;
  accounts: AccountService;
  logger: Logger;
  chunk: number;
  guards: SourceGuards;
  now?: () => Date;
}): Router {
  const router = Router();
  router.get('/reports/account-report.csv', (req: Request, res: Response) => reportCsv(deps, req, res));
  router.get('/reports/work-list.csv', async (req: Request, res: Response) => {
    const requestId = String(res.locals.requestId);
    const principal = officerOf(
      req,
      res,
      deps.trust,
      ROLES,
      'Work lists are for working groups, approvers and supervisors',
    );
    if (!principal) return;
    const list = (queryParam(req, 'list') ?? '') as ListName;
    if (!LIST_NAMES.includes(list))
      return failJson(res, 400, ErrorCode.BAD_USER_INPUT, `list must be one of ${LIST_NAMES.join(', ')}`);
    const area = areaInfo(queryParam(req, 'area') ?? '');
    if (!area) return failJson(res, 400, ErrorCode.BAD_USER_INPUT, 'area must be a known province or commune code');
    if (!areaInJurisdiction(principal.jurisdiction, areaOfInfo(area))) return failOutOfJurisdiction(res);
    const group = queryParam(req, 'group') as ReportGroup | undefined;
    if (group !== undefined && !REPORT_GROUPS.includes(group))
      return failJson(res, 400, ErrorCode.BAD_USER_INPUT, `group must be one of ${REPORT_GROUPS.join(', ')}`);

    await streamCsv({
      res,
      filename: `${list.toLowerCase()}-${area.code}${group ? `-${group.toLowerCase()}` : ''}.csv`,
      columns: CSV_COLUMNS,
      chunks: listChunks(deps.store, storedList(list, group), area, deps.chunk, groupFilter(list, group)),
      audit: deps.audit,
      logger: deps.logger,
      log: { requestId, list, area: area.code },
      render: async (entries) => {
        const loaders = createLoaders(deps.store, new RequestMetrics(), { guards: deps.guards });
        const people = await Promise.all(entries.map((e) => loaders.population.load(e.personalId).catch(() => null)));
        const accounts =
          list === 'NOT_REGISTERED'
            ? entries.map(() => null)
            : await Promise.all(entries.map((e) => deps.accounts.get(e.personalId)));
        return {
          entry: {
            at: new Date(),
            requestId,
            operation: `workListCsv:${list}`,
            actor: { kind: 'OFFICER', id: principal.officerId, officerUnit: principal.unit },
            // Name, address, and (for account lists) the account's phone and status.
            citizens: entries.map((e, i) => ({
              citizenId: e.personalId,
              disclosed: [
                { scope: 'IDENTITY', paths: ['workListCsv'] },
                { scope: 'RESIDENCE', paths: ['workListCsv'] },
                ...(accounts[i] ? [{ scope: 'ACCOUNT' as const, paths: ['workListCsv'] }] : []),
              ],
              denied: [],
            })),
          },
          rows: entries.map((e, i) => {
            const p = people[i];
            const a = accounts[i];
            return [
              e.personalId,
              p?.fullName,
              p?.residence?.permanentAddress.formatted,
              a?.phone,
              e.commune,
              areaInfo(e.commune)?.name,
              a?.status,
              e.since,
              entryGroups(e).join(' '),
            ];
          }),
        };
      },
    });
  });
  return router;
}
