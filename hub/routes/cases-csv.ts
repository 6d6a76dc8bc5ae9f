/**
 * CSV export of an area's reconciliation cases over HTTP:
 * `GET /reconciliation/cases.csv?area=<code>[&source=<DataSource>][&kind=<DefectKind>][&status=<s>,<s>]`
 * with a DATA_CLEANING or SUPERVISOR officer's bearer token, the area within the jurisdiction
 * (the GraphQL query's rule, areas.ts: a national supervisor's VN holds every area and VN itself).
 * Default statuses: OPEN and CONFIRMED (the cases still to handle). Streamed chunk by chunk,
 * each chunk audited before it is written (hub/csv-export.ts), under each case's subject (the
 * person, else its record key: `caseSubject`), with both sides' kinds (`caseScopes`).
 * Columns say what the GraphQL API says: `field` is an IdentityField (FULL_NAME, DATE_OF_BIRTH,
 * SEX, SOCIAL_INSURANCE_NUMBER), `source_field` a MALFORMED record's own field; each side's value as its agency stores it
 * and in the hub's form (`_normalised`, services/reconciliation/case-values.ts).
 */
import { Router, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import { DATA_SOURCE } from '../../connectors/provenance';
import type { AuditWriter } from '../../services/audit/writer';
import type { OfficerRole } from '../../services/access/auth/principal';
import type { TrustedIssuer } from '../../services/access/auth/trust';
import { failJson, failOutOfJurisdiction, officerOf, queryParam, streamCsv } from './csv';
import { areaInfo, areaOfInfo } from '../../services/accounts/reports/read';
import { reconArea, reconAreaAllowed } from '../../services/reconciliation/areas';
import { caseScopes } from '../../services/reconciliation/case-scopes';
import type { CaseService } from '../../services/reconciliation/cases';
import {
  DEFECT_KINDS,
  type SourceName,
  CASE_STATUSES,
  OPEN_STATUSES,
  type CaseStatus,
  type CaseView,
} from '../../services/reconciliation/model';
import type { AuditRecordDoc } from '../../services/audit/model';
import { caseComparison, identityFieldName } from '../../services/reconciliation/case-values';

const ROLES = new Set<OfficerRole>(['DATA_CLEANING', 'SUPERVISOR']);

export const CASE_CSV_COLUMNS = [
  'case_id',
  'status',
  'kind',
  'source',
  'record_key',
  'personal_id',
  'province_code',
  'commune_code',
  'commune',
  'field',
  'source_field',
  'source_value',
  'source_value_normalised',
  'population_value',
  'population_value_normalised',
  'assignee',
  'first_seen_at',
  'last_seen_at',
] as const;

const SOURCE_OF = new Map<string, SourceName>(
  Object.entries(DATA_SOURCE).map(([name, value]) => [value, name as SourceName]),
);

/** The chunks' cases the officer may see (as the GraphQL query filters its pages). */
async function* allowedChunks(
  chunks: AsyncGenerator<CaseView[]>,
  allowed: (v: CaseView) => boolean,
): AsyncGenerator<CaseView[]> {
  for await (const views of chunks) {
    const kept = views.filter(allowed);
    if (kept.length) yield kept;
  }
}

export function casesCsvRouter(deps: {
  cases: CaseService;
  trust: TrustedIssuer[];
  audit: AuditWriter;
  logger: Logger;
  chunk: number;
}): Router {
  const router = Router();
  router.get('/reconciliation/cases.csv', async (req: Request, res: Response) => {
    const requestId = String(res.locals.requestId);
    const principal = officerOf(
      req,
      res,
      deps.trust,
      ROLES,
      'Case exports are for data-cleaning officers and supervisors',
    );
    if (!principal) return;
    const area = reconArea(queryParam(req, 'area') ?? '');
    if (!area) {
      return failJson(res, 400, 'BAD_USER_INPUT', 'area must be a known province or commune code, or VN');
    }
    const sourceParam = queryParam(req, 'source');
    const source = sourceParam === undefined ? null : SOURCE_OF.get(sourceParam);
    if (source === undefined) {
      return failJson(res, 400, 'BAD_USER_INPUT', `source must be one of ${[...SOURCE_OF.keys()].join(', ')}`);
    }
    const kind = queryParam(req, 'kind') ?? null;
    if (kind !== null && !DEFECT_KINDS.includes(kind as never)) {
      return failJson(res, 400, 'BAD_USER_INPUT', `kind must be one of ${DEFECT_KINDS.join(', ')}`);
    }
    const statusParam = queryParam(req, 'status');
    const statuses = statusParam === undefined ? OPEN_STATUSES : (statusParam.split(',') as CaseStatus[]);
    if (!statuses.length || statuses.some((s) => !CASE_STATUSES.includes(s))) {
      return failJson(
        res,
        400,
        'BAD_USER_INPUT',
        `status must be a comma-separated list of ${CASE_STATUSES.join(', ')}`,
      );
    }
    // The GraphQL query's rule (areas.ts): VN and every area for a national supervisor only.
    if (!reconAreaAllowed(principal.jurisdiction, areaOfInfo(area))) {
      return failOutOfJurisdiction(res);
    }
    await streamCsv({
      res,
      filename: `reconciliation-cases-${area.code}.csv`,
      columns: CASE_CSV_COLUMNS,
      chunks: allowedChunks(deps.cases.chunks(area, { source, kind: kind as never, statuses }, deps.chunk), (v) =>
        reconAreaAllowed(principal.jurisdiction, v.finding.area),
      ),
      audit: deps.audit,
      logger: deps.logger,
      log: { requestId, export: 'reconciliationCases', area: area.code },
      render: (views) => {
        const byCitizen = new Map<string, AuditRecordDoc['citizens'][number]>();
        for (const v of views) {
          // With no person identified (ORPHAN, a MALFORMED key): the record key (caseSubject).
          const id = v.subject;
          // Both sides of the case: the population's and the source record's (its document kind).
          const c = byCitizen.get(id) ?? { citizenId: id, disclosed: [], denied: [] };
          for (const scope of caseScopes(v.finding)) {
            if (!c.disclosed.some((d) => d.scope === scope))
              c.disclosed.push({ scope, paths: ['reconciliationCasesCsv'] });
          }
          byCitizen.set(id, c);
        }
        return Promise.resolve({
          entry: {
            at: new Date(),
            requestId,
            operation: 'reconciliationCasesCsv',
            actor: { kind: 'OFFICER', id: principal.officerId, officerUnit: principal.unit },
            citizens: [...byCitizen.values()],
          },
          rows: views.map((v) => {
            const f = v.finding;
            const cmp = caseComparison(f);
            return [
              v.id,
              v.status,
              f.kind,
              DATA_SOURCE[f.source],
              f.recordKey,
              f.personalId,
              f.area.province,
              f.area.commune,
              f.area.commune ? areaInfo(f.area.commune)?.name : null,
              // The GraphQL API's names: IdentityField (FULL_NAME, DATE_OF_BIRTH, SEX, SOCIAL_INSURANCE_NUMBER) and sourceField.
              f.kind === 'MALFORMED' ? null : identityFieldName(f.field),
              f.kind === 'MALFORMED' ? f.field : null,
              f.sourceValue,
              cmp?.source.normalised,
              f.trueValue,
              cmp?.population.normalised,
              v.assignee,
              f.firstSeenAt.toISOString(),
              (v.lastSeen?.at ?? f.lastSeenAt).toISOString(),
            ];
          }),
        });
      },
    });
  });
  return router;
}
