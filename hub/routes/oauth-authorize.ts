import express, { type NextFunction, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import type { PublicClients } from '../../services/access/auth/app-clients';
import { DEV_OFFICERS, type AuthorizationRequest, type DevLogin } from '../../services/access/auth/dev-login';
import { CODE_CHALLENGE } from '../../services/access/auth/pkce';
import type { AppSessions, SignedIn } from '../../services/access/auth/sessions';
import { codePage, errorPage, loginPage, messages, pickLang, type Lang } from './oauth-pages';

/**
 * The authorization endpoint of the development IdP (RFC 6749 §4.1 with PKCE S256, RFC 7636):
 * `GET /oauth/authorize` checks the request and shows who may sign in; `POST
 * /oauth/authorize/login` writes a one-time code to the log; `POST /oauth/authorize/verify`
 * checks it and sends the browser back to the app with `code`, `state` and `iss` (RFC 9207).
 * An unknown client or an unregistered redirect URI is answered here, never redirected to.
 */

export interface AuthorizeDeps {
  devLogin: DevLogin;
  sessions: AppSessions;
  clients: () => PublicClients;
  /** The authorization server's issuer (the `iss` of authorization responses). */
  issuer: () => string;
  logger: Logger;
}

const MAX_STATE = 512;

function one(q: Record<string, unknown>, name: string): string | undefined | null {
  const v = q[name];
  if (v === undefined || v === '') return undefined;
  return typeof v === 'string' ? v : null; // null: repeated (RFC 6749 §3.1)
}

/** Page headers: no caching, no framing, no script, forms only to the hub and the apps' callbacks. */
function pageHeaders(res: Response, clients: PublicClients): Response {
  const callbacks = [...clients.values()].flatMap((c) => c.redirectUris.map((u) => new URL(u).origin));
  return res
    .set('Cache-Control', 'no-store')
    .set('Pragma', 'no-cache')
    .set('X-Frame-Options', 'DENY')
    .set('X-Content-Type-Options', 'nosniff')
    .set('Referrer-Policy', 'no-referrer')
    .set(
      'Content-Security-Policy',
      `default-src 'none'; style-src 'unsafe-inline'; form-action 'self' ${[...new Set(callbacks)].join(' ')}; frame-ancestors 'none'; base-uri 'none'`,
    )
    .type('html');
}

type Handler = (req: Request, res: Response) => Promise<void>;

/** How the flow answers: a page, an error page, or back to the app's redirect URI (with `iss`). */
function answers(deps: AuthorizeDeps) {
  const send = (res: Response, status: number, html: string) =>
    void pageHeaders(res, deps.clients()).status(status).send(html);
  return {
    send,
    refuse: (res: Response, lang: Lang, kind: 'badRequest' | 'failed', message: string) =>
      send(res, 400, errorPage(lang, kind, message)),
    back: (res: Response, redirectUri: string, params: Record<string, string | undefined>) => {
      const to = new URL(redirectUri);
      for (const [k, v] of Object.entries({ ...params, iss: deps.issuer() }))
        if (v !== undefined) to.searchParams.set(k, v);
      res.set('Cache-Control', 'no-store').set('Referrer-Policy', 'no-referrer').redirect(303, to.toString());
    },
  };
}

/** `GET /oauth/authorize`: checks the request (client, redirect URI, PKCE) and shows the login page. */
function authorizeHandler(deps: AuthorizeDeps): Handler {
  const { send, refuse, back } = answers(deps);
  return async (req, res) => {
    const q = req.query as Record<string, unknown>;
    const locales = one(q, 'ui_locales');
    const lang = pickLang(locales ?? undefined);
    const clientId = one(q, 'client_id');
    const client = typeof clientId === 'string' ? deps.clients().get(clientId) : undefined;
    if (!client) return void refuse(res, lang, 'badRequest', 'unknown or missing client_id');
    const redirectUri = one(q, 'redirect_uri');
    if (typeof redirectUri !== 'string' || !client.redirectUris.includes(redirectUri))
      return void refuse(res, lang, 'badRequest', 'redirect_uri is missing or not registered for this client');
    // From here the app is known: errors go back to it (RFC 6749 §4.1.2.1).
    const state = one(q, 'state');
    if (state === null || (state !== undefined && state.length > MAX_STATE))
      return back(res, redirectUri, { error: 'invalid_request', error_description: 'bad state' });
    const error = (error: string, description: string) =>
      back(res, redirectUri, { error, error_description: description, state });
    const names = ['response_type', 'code_challenge', 'code_challenge_method', 'scope', 'prompt', 'ui_locales'];
    if (names.some((n) => one(q, n) === null)) return error('invalid_request', 'a parameter was given twice');
    if (one(q, 'response_type') !== 'code') return error('unsupported_response_type', 'only response_type=code');
    if (one(q, 'code_challenge_method') !== 'S256')
      return error('invalid_request', 'PKCE is required: code_challenge_method=S256');
    const challenge = one(q, 'code_challenge');
    if (typeof challenge !== 'string' || !CODE_CHALLENGE.test(challenge))
      return error('invalid_request', 'code_challenge must be 43 base64url characters (S256)');
    if (one(q, 'prompt') === 'none') return error('login_required', 'the development IdP keeps no session');

    const request: AuthorizationRequest = {
      clientId: client.id,
      redirectUri,
      codeChallenge: challenge,
      lang,
      ...(state !== undefined ? { state } : {}),
    };
    const requestId = await deps.devLogin.start(request);
    const other = new URLSearchParams(req.originalUrl.split('?')[1] ?? '');
    other.set('ui_locales', lang === 'vi' ? 'en' : 'vi');
    send(
      res,
      200,
      loginPage({
        lang,
        requestId,
        appName: client.name[lang],
        officers: DEV_OFFICERS,
        samples: await deps.devLogin.samples(),
        switchHref: `/oauth/authorize?${other.toString()}`,
      }),
    );
  };
}

/** `POST /oauth/authorize/login`: who signs in; the one-time code goes to the log. */
function loginHandler(deps: AuthorizeDeps): Handler {
  const { send, refuse } = answers(deps);
  return async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const lang = pickLang(typeof body.lang === 'string' ? body.lang : undefined);
    const t = messages(lang);
    const requestId = typeof body.request === 'string' ? body.request : '';
    const request = requestId && requestId.length <= 64 ? await deps.devLogin.request(requestId) : null;
    const client = request ? deps.clients().get(request.clientId) : undefined;
    if (!request || !client) return void refuse(res, lang, 'failed', t.expired);
    const samples = await deps.devLogin.samples();
    const again = (field: 'personal_id' | 'officer_id', message: string, personalId?: string) =>
      send(
        res,
        400,
        loginPage({
          lang,
          requestId,
          appName: client.name[lang],
          officers: DEV_OFFICERS,
          samples,
          error: { field, message },
          personalId,
        }),
      );

    let subject: SignedIn;
    if (body.who === 'officer') {
      const officer = DEV_OFFICERS.find((o) => o.id === body.officer_id);
      if (!officer) return void again('officer_id', t.badOfficer);
      subject = {
        kind: 'officer',
        officerId: officer.id,
        role: officer.role,
        area: officer.area,
        unit: officer.unit,
      };
    } else {
      const personalId = typeof body.personal_id === 'string' ? body.personal_id.trim() : '';
      if (!/^\d{12}$/.test(personalId)) return void again('personal_id', t.badPersonalId, personalId.slice(0, 12));
      subject = { kind: 'citizen', personalId };
    }
    const { challengeId, code } = await deps.devLogin.challenge(requestId, subject);
    // Stands in for the SMS: the personal ID (or officer id) and the code, nothing else.
    deps.logger.info(
      subject.kind === 'citizen' ? { personalId: subject.personalId, code } : { officerId: subject.officerId, code },
      'development IdP one-time code',
    );
    send(res, 200, codePage({ lang, challengeId }));
  };
}

/** `POST /oauth/authorize/verify`: the one-time code; right, the browser goes back to the app with a code. */
function verifyHandler(deps: AuthorizeDeps): Handler {
  const { send, refuse, back } = answers(deps);
  return async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const lang = pickLang(typeof body.lang === 'string' ? body.lang : undefined);
    const t = messages(lang);
    const challengeId = typeof body.challenge === 'string' && body.challenge.length <= 64 ? body.challenge : '';
    const code = typeof body.code === 'string' ? body.code.trim() : '';
    const outcome = challengeId
      ? await deps.devLogin.verify(challengeId, code)
      : ({ ok: false, reason: 'UNKNOWN' } as const);
    if (!outcome.ok) {
      if (outcome.reason === 'WRONG')
        return void send(res, 400, codePage({ lang, challengeId, error: t.wrongCode(outcome.remaining) }));
      return void refuse(res, lang, 'failed', outcome.reason === 'LOCKED' ? t.locked : t.expired);
    }
    const { request, subject } = outcome;
    const issued = await deps.sessions.issueCode({
      clientId: request.clientId,
      redirectUri: request.redirectUri,
      codeChallenge: request.codeChallenge,
      subject,
    });
    back(res, request.redirectUri, { code: issued, state: request.state });
  };
}

export function authorizeRouter(deps: AuthorizeDeps): express.Router {
  const router = express.Router();
  const form = express.urlencoded({ extended: false, limit: '4kb', parameterLimit: 16 });
  const wrap = (fn: Handler) => (req: Request, res: Response, next: NextFunction) => {
    fn(req, res).catch(next);
  };
  router.get('/oauth/authorize', wrap(authorizeHandler(deps)));
  router.post('/oauth/authorize/login', form, wrap(loginHandler(deps)));
  router.post('/oauth/authorize/verify', form, wrap(verifyHandler(deps)));
  return router;
}
