/**
 * `POST /oauth/consent-statement` (docs/rights.md): a registered client, authenticated as at the
 * token endpoint (`client_secret_basic`, `client_secret_post`, `private_key_jwt`), gets the signed
 * statement of one of its consents, whatever the consent's status (`consent_id`; another client's
 * is `invalid_grant` like an unknown one). Audited (the client, the consent's citizen, CONSENTS)
 * before it is answered.
 */
import { randomUUID } from 'node:crypto';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { AuditWriter } from '../../services/audit/writer';
import type { RightsService } from '../../services/rights/service';
import { consentStatement } from '../../services/rights/statements';
import { clientAuthenticator } from './oauth-client-auth';
import { invalidGrant, invalidRequest, noStore, OAuthError, param, sendError } from './oauth-errors';
import { oauthBodyErrors } from './oauth';

export function consentStatementRouter(deps: {
  rights: RightsService;
  audit: AuditWriter;
  /** Accepted `aud` of client assertions (the hub issuer, as at the token endpoint). */
  audiences: readonly string[];
  onError?: (err: unknown) => void;
}): express.Router {
  const authenticate = clientAuthenticator(deps.rights.deps.store, deps.audiences);

  async function statement(req: Request, res: Response): Promise<void> {
    if (!req.is('application/x-www-form-urlencoded'))
      throw invalidRequest('the body must be application/x-www-form-urlencoded');
    const body = (req.body ?? {}) as Record<string, unknown>;
    const consentId = param(body, 'consent_id');
    const client = await authenticate(req, body, deps.rights.now());
    if (consentId === undefined) throw invalidRequest('consent_id is missing');
    const s = await consentStatement(deps.rights, consentId, { kind: 'CLIENT', clientId: client._id });
    if (!s) throw invalidGrant('unknown consent');
    await deps.audit.append({
      at: new Date(),
      requestId: String(res.locals.requestId ?? randomUUID()),
      operation: 'consentStatement',
      actor: { kind: 'CLIENT', id: client._id, clientId: client._id, clientName: client.name, consentId },
      citizens: [
        { citizenId: s.citizenId, disclosed: [{ scope: 'CONSENTS', paths: ['consentStatement'] }], denied: [] },
      ],
    });
    noStore(res).status(200).json({ statement: s.jws });
  }

  const router = express.Router();
  const form = express.urlencoded({ extended: false, limit: '8kb', parameterLimit: 32 });
  router.post('/oauth/consent-statement', form, (req: Request, res: Response, next: NextFunction) => {
    statement(req, res).catch((e: unknown) => (e instanceof OAuthError ? sendError(res, e) : next(e)));
  });
  router.all('/oauth/consent-statement', (_req: Request, res: Response) => {
    res.set('Allow', 'POST');
    sendError(res, new OAuthError(405, 'invalid_request', 'use POST'));
  });
  router.use('/oauth/consent-statement', oauthBodyErrors(deps.onError));
  return router;
}
