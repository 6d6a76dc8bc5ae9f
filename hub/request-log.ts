/** The request id every response carries, and the one log line per request (app.ts installs both). */
import { randomUUID } from 'node:crypto';
import type express from 'express';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import type { Principal } from '../services/access/auth/principal';
import type { AuthLocals } from './protect';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** Every response carries an `x-request-id`: the caller's when well-formed, else a new one. */
export function assignRequestId(req: express.Request, res: express.Response, next: express.NextFunction): void {
  const given = req.header('x-request-id');
  const id = given && REQUEST_ID.test(given) ? given : randomUUID();
  res.locals.requestId = id;
  res.locals.startedAt = Date.now();
  res.setHeader('x-request-id', id);
  next();
}

/**
 * One structured line per request: id, method, path (no query string), status, time, and
 * the caller (kind and id: a personal ID at most); never headers, bodies or variables.
 */
export function requestLog(logger: Logger): express.RequestHandler {
  return pinoHttp({
    logger,
    genReqId: (_req, res) => String((res as express.Response).locals?.requestId ?? ''),
    autoLogging: { ignore: (req) => ['/healthz', '/readyz', '/metrics'].includes(req.url?.split('?')[0] ?? '') },
    serializers: {
      req: (r: { id?: unknown; method?: string; url?: string }) => ({
        id: r.id,
        method: r.method,
        path: r.url?.split('?')[0],
      }),
      res: (r: { statusCode?: number }) => ({ statusCode: r.statusCode }),
    },
    customSuccessObject: (_req, res, val: Record<string, unknown>) => ({
      ...val,
      caller: callerOf((res as express.Response).locals as AuthLocals),
    }),
    customErrorObject: (_req, res, _err, val: Record<string, unknown>) => ({
      ...val,
      caller: callerOf((res as express.Response).locals as AuthLocals),
    }),
    customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : 'info'),
  });
}

/** The caller as the request log names it: kind and id (a personal ID at most), never a token. */
function callerOf(locals: AuthLocals): Record<string, string> | undefined {
  const p: Principal | undefined = locals.principal;
  if (locals.authFailure) return { kind: 'REFUSED', reason: locals.authFailure.reason };
  switch (p?.kind) {
    case 'CITIZEN':
      return { kind: 'CITIZEN', id: p.personalId };
    case 'CLIENT':
      return { kind: 'CLIENT', id: p.clientId, consent: p.consentId };
    case 'OFFICER':
      return { kind: 'OFFICER', id: p.officerId };
    case 'ANONYMOUS':
      return { kind: 'ANONYMOUS' };
    default:
      return undefined;
  }
}
