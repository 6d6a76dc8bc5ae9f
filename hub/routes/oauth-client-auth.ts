import type { Request } from 'express';
import jwt from 'jsonwebtoken';
import type { Store } from '../../store/connection';
import { findClient, parseClientPublicKey, verifyClientSecret, type ClientDoc } from '../../services/access/clients';
import { isDuplicateKey } from '../../store/concurrency';
import { basicCredentials, invalidClient, invalidRequest, param } from './oauth-errors';

/**
 * Authentication of the registered confidential clients (TTHC systems, verifiers) at the token
 * endpoint: `client_secret_basic`, `client_secret_post` or `private_key_jwt` (RFC 7523 §2.2).
 */

export const CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
export const USED_ASSERTIONS_COLLECTION = 'usedAssertions';
/** Algorithms accepted for private_key_jwt client assertions. */
export const ASSERTION_ALGORITHMS = ['ES256', 'RS256', 'PS256'] as const;
/** Longest lifetime accepted for a client assertion. */
const MAX_ASSERTION_LIFETIME_S = 300;
const CLOCK_SKEW_S = 30;

/** Whether the request carries client credentials (a public client sends none; a bearer token is not one). */
export function hasClientCredentials(req: Request, body: Record<string, unknown>): boolean {
  return (
    /^Basic\b/i.test(req.get('authorization') ?? '') ||
    body.client_secret !== undefined ||
    body.client_assertion !== undefined ||
    body.client_assertion_type !== undefined
  );
}

/**
 * The authenticator of confidential clients: `(req, body, at)` → the authenticated client, or
 * throws `invalid_client` / `invalid_request`. `audiences` are the accepted `aud` of assertions.
 */
export function clientAuthenticator(store: Store, audiences: readonly string[]) {
  const usedAssertions = store.hubDb.collection<{ _id: string; expiresAt: Date }>(USED_ASSERTIONS_COLLECTION);
  let lastPurge = 0;

  /** private_key_jwt (RFC 7523 §2.2): returns the authenticated client. */
  async function byAssertion(assertion: string, claimedId: string | undefined, at: Date): Promise<ClientDoc> {
    if (assertion.length > 4096) throw invalidClient('client assertion too large');
    const decoded = jwt.decode(assertion, { complete: true });
    if (!decoded || typeof decoded.payload !== 'object' || decoded.payload === null)
      throw invalidClient('malformed client assertion');
    const alg = decoded.header.alg;
    if (!(ASSERTION_ALGORITHMS as readonly string[]).includes(alg))
      throw invalidClient('client assertion algorithm not allowed');
    const { iss, sub } = decoded.payload;
    if (typeof iss !== 'string' || iss !== sub || (claimedId !== undefined && claimedId !== iss)) {
      throw invalidClient('client assertion iss and sub must be the client id');
    }
    const client = await findClient(store, iss);
    if (!client?.publicKeyPem) throw invalidClient();
    const key = parseClientPublicKey(client.publicKeyPem);
    const allowed = (key.asymmetricKeyType === 'ec' ? ['ES256'] : ['RS256', 'PS256']) as jwt.Algorithm[];
    let payload: jwt.JwtPayload;
    try {
      payload = jwt.verify(assertion, key, {
        algorithms: allowed,
        audience: audiences as [string, ...string[]],
        issuer: client._id,
        subject: client._id,
        clockTolerance: CLOCK_SKEW_S,
        clockTimestamp: Math.floor(at.getTime() / 1000),
      }) as jwt.JwtPayload;
    } catch {
      throw invalidClient('client assertion rejected');
    }
    const nowS = Math.floor(at.getTime() / 1000);
    if (typeof payload.exp !== 'number') throw invalidClient('client assertion needs exp');
    if (payload.exp > nowS + MAX_ASSERTION_LIFETIME_S + CLOCK_SKEW_S)
      throw invalidClient('client assertion lives too long');
    if (typeof payload.jti !== 'string' || payload.jti.length === 0 || payload.jti.length > 200) {
      throw invalidClient('client assertion needs jti');
    }
    // One use per jti within the assertion's lifetime: the insert is the check.
    try {
      await usedAssertions.insertOne({
        _id: `${client._id}:${payload.jti}`,
        expiresAt: new Date((payload.exp + CLOCK_SKEW_S) * 1000),
      });
    } catch (e) {
      if (isDuplicateKey(e)) throw invalidClient('client assertion already used');
      throw e;
    }
    if (at.getTime() - lastPurge > 60_000) {
      lastPurge = at.getTime();
      usedAssertions.deleteMany({ expiresAt: { $lt: at } }).catch(() => {});
    }
    return client;
  }

  return async function authenticate(req: Request, body: Record<string, unknown>, at: Date): Promise<ClientDoc> {
    const basic = basicCredentials(req.get('authorization'));
    const bodyId = param(body, 'client_id');
    const bodySecret = param(body, 'client_secret');
    const assertionType = param(body, 'client_assertion_type');
    const assertion = param(body, 'client_assertion');
    const methods = [
      basic !== undefined,
      bodySecret !== undefined,
      assertion !== undefined || assertionType !== undefined,
    ].filter(Boolean).length;
    if (methods > 1) throw invalidRequest('use exactly one client authentication method');

    if (assertion !== undefined || assertionType !== undefined) {
      if (assertionType !== CLIENT_ASSERTION_TYPE) throw invalidRequest('unsupported client_assertion_type');
      if (assertion === undefined) throw invalidRequest('client_assertion is missing');
      return byAssertion(assertion, bodyId, at);
    }
    let id: string;
    let secret: string;
    if (basic) {
      if (bodyId !== undefined && bodyId !== basic.id)
        throw invalidRequest('client_id does not match the Authorization header');
      ({ id, secret } = basic);
    } else if (bodySecret !== undefined) {
      if (bodyId === undefined) throw invalidRequest('client_id is missing');
      id = bodyId;
      secret = bodySecret;
    } else {
      throw invalidClient('client authentication is required');
    }
    const client = await findClient(store, id);
    // verifyClientSecret(null, ...) spends the same time, so unknown ids are not revealed by timing.
    const ok = await verifyClientSecret(client, secret);
    if (!client || !ok) throw invalidClient();
    return client;
  };
}
