import cors from 'cors';
import type { RequestHandler } from 'express';

/**
 * CORS for browser apps on other origins (the `cors` package): only origins on the allow-list get
 * CORS headers, each answered with itself (never `*`) and `Vary: Origin`; no credentials (the apps
 * send bearer tokens, never cookies). A preflight from an allowed origin is answered 204 here; one
 * from any other origin gets 403 without CORS headers, and so does nothing else change for it: the
 * browser refuses to show it the answer.
 */
export const CORS_ALLOWED_HEADERS = [
  'authorization',
  'content-type',
  'x-request-id',
  'apollo-require-preflight',
  'x-apollo-operation-name',
];
export const CORS_EXPOSED_HEADERS = ['x-request-id', 'retry-after', 'www-authenticate'];

export function corsMiddleware(allowed: () => readonly string[]): RequestHandler {
  const middleware = cors({
    origin: (origin, callback) => callback(null, origin !== undefined && allowed().includes(origin) ? origin : false),
    methods: ['GET', 'POST'],
    allowedHeaders: CORS_ALLOWED_HEADERS,
    exposedHeaders: CORS_EXPOSED_HEADERS,
    credentials: false,
    maxAge: 600,
    optionsSuccessStatus: 204,
  });
  return (req, res, next) => {
    const origin = req.headers.origin;
    res.vary('Origin');
    if (origin === undefined) return next();
    const preflight = req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined;
    if (preflight && !allowed().includes(origin)) {
      res.status(403).end();
      return;
    }
    middleware(req, res, next);
  };
}
