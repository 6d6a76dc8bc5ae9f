import type express from 'express';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import type { Principal } from '../services/access/auth/principal';
import type { AuthLocals } from './protect';

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
