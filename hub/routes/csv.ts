/**
 * What the CSV exports over HTTP share (work lists, reconciliation cases): officer
 * authentication, errors as the GraphQL endpoint writes them, spreadsheet-safe cells, and a
 * streamed body whose every chunk is audited BEFORE it is written (a failed audit write ends
 * the download without those rows; a client that goes away ends the export).
 */
import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import type { AuditWriter, AuditEntry } from '../../services/audit/writer';
import { authenticate, AuthenticationFailed } from '../../services/access/auth/authenticate';
import type { OfficerRole, Principal } from '../../services/access/auth/principal';
import type { TrustedIssuer } from '../../services/access/auth/trust';
import type { AuthLocals } from '../protect';
import { csvCell, csvLine } from '../../lib/csv';
import { ErrorCode } from '../../lib/errors';

export type OfficerPrincipal = Extract<Principal, { kind: 'OFFICER' }>;

export { csvCell };

/** A query parameter given once as text; undefined when absent, repeated (`a=1&a=2`) or nested (`a[b]=1`). */
export function queryParam(req: Request, name: string): string | undefined {
  const v = req.query[name];
  return typeof v === 'string' ? v : undefined;
}

/** What `streamCsv` writes of one chunk: its audit entry (null: nothing personal in it) and its rows. */
export interface RenderedChunk {
  entry: AuditEntry | null;
  rows: Array<Array<string | null | undefined>>;
}

/** An error answer in the GraphQL endpoint's shape. */
export function failJson(
  res: Response,
  status: number,
  code: ErrorCode,
  message: string,
  extra: Record<string, unknown> = {},
): void {
  res.status(status).json({ errors: [{ message, extensions: { code, ...extra } }] });
}

/** A 403 for an area outside the officer's jurisdiction, as the GraphQL endpoint answers it. */
export function failOutOfJurisdiction(res: Response): void {
  failJson(res, 403, ErrorCode.FORBIDDEN, 'The area is outside your jurisdiction', {
    reason: 'OUT_OF_JURISDICTION',
    required: { jurisdiction: true },
  });
}

/**
 * The request's officer with one of `roles` (authenticated by the protection middleware, or
 * here when the route is used without it), or null once a 401/403 has been sent.
 */
export function officerOf(
  req: Request,
  res: Response,
  trust: TrustedIssuer[],
  roles: ReadonlySet<OfficerRole>,
  refusal: string,
): OfficerPrincipal | null {
  const locals = res.locals as AuthLocals;
  let principal: Principal;
  try {
    if (locals.authFailure) throw locals.authFailure;
    principal = locals.principal ?? authenticate(req.header('authorization'), trust);
  } catch (err) {
    if (err instanceof AuthenticationFailed) {
      failJson(res, 401, ErrorCode.UNAUTHENTICATED, err.message);
      return null;
    }
    throw err;
  }
  if (principal.kind === 'ANONYMOUS') {
    failJson(res, 401, ErrorCode.UNAUTHENTICATED, 'An officer token is required');
    return null;
  }
  if (principal.kind !== 'OFFICER' || !roles.has(principal.role)) {
    // The GraphQL endpoint's refusal: the reason and the roles that would be allowed.
    const required = { roles: [...roles], ...(principal.kind === 'OFFICER' ? {} : { principal: ['OFFICER'] }) };
    const reason = principal.kind === 'OFFICER' ? 'ROLE' : 'NOT_SUBJECT';
    failJson(res, 403, ErrorCode.FORBIDDEN, `${refusal} (role ${[...roles].join(' or ')})`, { reason, required });
    return null;
  }
  return principal;
}

/**
 * Streams `chunks` as a CSV download: each chunk is turned into its audit entry and its rows,
 * the entry is appended, then the rows are written. Headers go out with the first chunk (or
 * at the end when there is none); before that a failure answers 503 with nothing sent, after
 * it the connection is cut (a truncated download, never rows without their audit record).
 */
export async function streamCsv<T>(opts: {
  res: Response;
  filename: string;
  columns: readonly string[];
  chunks: AsyncIterable<T[]>;
  audit: Pick<AuditWriter, 'append'>;
  /** The chunk's audit entry (null: nothing personal in it) and its rows (cells unescaped), at once or later. */
  render(chunk: T[]): RenderedChunk | Promise<RenderedChunk>;
  logger: Logger;
  log: Record<string, unknown>;
}): Promise<void> {
  const { res } = opts;
  let started = false;
  let rows = 0;
  const start = () => {
    started = true;
    res.status(200);
    res.setHeader('content-type', 'text/csv; charset=utf-8');
    res.setHeader('content-disposition', `attachment; filename="${opts.filename}"`);
    res.setHeader('cache-control', 'no-store');
    res.write('\uFEFF' + opts.columns.join(',') + '\r\n');
  };
  try {
    for await (const chunk of opts.chunks) {
      const { entry, rows: lines } = await opts.render(chunk);
      if (entry) await opts.audit.append(entry);
      if (!started) start();
      const out = lines.map((cells) => csvLine(cells)).join('');
      rows += lines.length;
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
    opts.logger.info({ ...opts.log, rows }, 'CSV exported');
  } catch (err) {
    opts.logger.error({ err, ...opts.log, rows }, 'CSV export failed');
    if (!started)
      return failJson(res, 503, ErrorCode.SERVICE_UNAVAILABLE, 'The export could not be completed; nothing was sent');
    res.destroy();
  }
}
