/**
 * CSV export of the work lists over HTTP: `GET /reports/work-list.csv?list=<WorkList>&area=<code>`
 * with an officer's bearer token (WORKING_GROUP, ACCOUNT_APPROVER or SUPERVISOR; the area
 * within the jurisdiction). Streamed chunk by chunk (never built in memory); each chunk's
 * rows are audited (one record per chunk) BEFORE they are written, so a failed audit write
 * ends the download without sending those rows.
 */
import { Router, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import { RequestMetrics } from '../../connectors/batch';
import { createLoaders } from '../../connectors/registry';
import type { AccountService } from '../accounts/service';
import type { AuditWriter } from '../audit/writer';
import { authenticate, AuthenticationFailed } from '../auth/authenticate';
import type { TrustedIssuer } from '../auth/trust';
import { areaInJurisdiction } from '../policy';
import type { Store } from '../store/connection';
import { LIST_NAMES, type ListName } from './model';
import { areaInfo, areaOfInfo, listChunks } from './read';

const ROLES = new Set(['WORKING_GROUP', 'ACCOUNT_APPROVER', 'SUPERVISOR']);

/** One CSV cell: quoted when needed; a leading = + - @ is defused (spreadsheet formulas). */
export function csvCell(v: string | null | undefined): string {
  let s = v ?? '';
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export const CSV_COLUMNS = [
  'personal_id',
  'full_name',
  'address',
  'phone',
  'commune_code',
  'commune',
  'account_status',
  'since',
] as const;

function fail(res: Response, status: number, code: string, message: string): void {
  res.status(status).json({ errors: [{ message, extensions: { code } }] });
}

export function csvRouter(deps: {
  store: Store;
  trust: TrustedIssuer[];
  audit: AuditWriter;
  accounts: AccountService;
  logger: Logger;
  chunk: number;
  sourceTimeoutMs: number;
}): Router {
  const router = Router();
  router.get('/reports/work-list.csv', async (req: Request, res: Response) => {
    const requestId = String(res.locals.requestId);
    let principal;
    try {
      principal = authenticate(req.header('authorization'), deps.trust);
    } catch (err) {
      if (err instanceof AuthenticationFailed) return fail(res, 401, 'UNAUTHENTICATED', err.message);
      throw err;
    }
    if (principal.kind === 'ANONYMOUS') return fail(res, 401, 'UNAUTHENTICATED', 'An officer token is required');
    if (principal.kind !== 'OFFICER' || !ROLES.has(principal.role)) {
      return fail(res, 403, 'FORBIDDEN', 'Work lists are for working groups, approvers and supervisors');
    }
    const list = String(req.query.list ?? '') as ListName;
    if (!LIST_NAMES.includes(list))
      return fail(res, 400, 'BAD_USER_INPUT', `list must be one of ${LIST_NAMES.join(', ')}`);
    const area = areaInfo(String(req.query.area ?? ''));
    if (!area) return fail(res, 400, 'BAD_USER_INPUT', 'area must be a known province or commune code');
    if (!areaInJurisdiction(principal.jurisdiction, areaOfInfo(area)))
      return fail(res, 403, 'FORBIDDEN', 'The area is outside your jurisdiction');

    let started = false;
    let rows = 0;
    const start = () => {
      started = true;
      res.status(200);
      res.setHeader('content-type', 'text/csv; charset=utf-8');
      res.setHeader('content-disposition', `attachment; filename="${list.toLowerCase()}-${area.code}.csv"`);
      res.setHeader('cache-control', 'no-store');
      res.write('\uFEFF' + CSV_COLUMNS.join(',') + '\r\n');
    };
    try {
      for await (const entries of listChunks(deps.store, list, area, deps.chunk)) {
        const loaders = createLoaders(deps.store, new RequestMetrics(), deps.sourceTimeoutMs);
        const people = await Promise.all(entries.map((e) => loaders.population.load(e.personalId).catch(() => null)));
        const accounts =
          list === 'NOT_REGISTERED'
            ? entries.map(() => null)
            : await Promise.all(entries.map((e) => deps.accounts.get(e.personalId)));
        // Audited before the rows leave.
        await deps.audit.append({
          at: new Date(),
          requestId,
          operation: `workListCsv:${list}`,
          actor: { kind: 'OFFICER', id: principal.officerId, officerUnit: principal.unit },
          citizens: entries.map((e) => ({
            citizenId: e.personalId,
            disclosed: [
              { scope: 'IDENTITY', paths: ['workListCsv'] },
              { scope: 'RESIDENCE', paths: ['workListCsv'] },
            ],
            denied: [],
          })),
        });
        if (!started) start();
        let out = '';
        entries.forEach((e, i) => {
          const p = people[i];
          const a = accounts[i];
          out +=
            [
              e.personalId,
              p?.fullName,
              p?.residence.permanentAddress.formatted,
              a?.phone,
              e.commune,
              areaInfo(e.commune)?.name,
              a?.status,
              e.since,
            ]
              .map((v) => csvCell(v))
              .join(',') + '\r\n';
        });
        rows += entries.length;
        if (!res.write(out)) {
          // Wait for the client to take it, or for the client to go away.
          await new Promise<void>((r) => {
            const done = () => {
              res.off('drain', done);
              res.off('close', done);
              r();
            };
            res.once('drain', done);
            res.once('close', done);
          });
        }
        if (res.destroyed || res.writableEnded) return;
      }
      if (!started) start();
      res.end();
      deps.logger.info({ requestId, list, area: area.code, rows }, 'work list exported');
    } catch (err) {
      deps.logger.error({ err, requestId, rows }, 'work list export failed');
      if (!started) return fail(res, 503, 'SERVICE_UNAVAILABLE', 'The export could not be completed; nothing was sent');
      res.destroy(); // a truncated download, never rows without their audit record
    }
  });
  return router;
}
