/**
 * Signed consent statements (docs/rights.md): who consented, to which client, for which documents,
 * purpose and dossier, valid when, granted and withdrawn when — as a compact JWS signed with the
 * hub's key (ES256, the token service's key, published at `/.well-known/jwks.json`), so the
 * citizen and the client can each prove the consent to anyone (Law 91/2025: consent must be
 * verifiable). A statement states the facts at `iat`; it does not expire. Its header `typ`
 * (`consent-statement+jwt`) keeps it from ever passing as an access token (those are `at+jwt`).
 */
import { createPublicKey, randomUUID, type JsonWebKey, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import type { SigningKey } from '../access/auth/keys';
import { findClient } from '../access/clients';
import { consentStatus, findConsent } from '../access/consents/status';
import type { ConsentDoc } from '../access/model';
import { restrictionState } from '../access/restrictions';
import type { RightsService } from './service';

export const CONSENT_STATEMENT_TYPE = 'consent-statement+jwt';

export interface ConsentStatementClaims {
  iss: string;
  iat: number;
  jti: string;
  /** The citizen (personal ID). */
  sub: string;
  /** Who asked for the statement. */
  requestedBy: 'CITIZEN' | 'CLIENT';
  consent: {
    id: string;
    citizenId: string;
    client: { id: string; name: string };
    scopes: string[];
    purpose: string;
    dossierRef: string;
    grantedAt: string;
    validFrom: string;
    validUntil: string;
    /** At `iat`: ACTIVE, REVOKED or EXPIRED. */
    status: string;
    revokedAt: string | null;
    /** At `iat`: the citizen restricts processing by the client (no token, no read). */
    restricted: boolean;
    /** A parent or legal guardian gave it for the child; null when the citizen gave it themself. */
    grantedBy: { personalId: string; capacity: 'PARENT' | 'LEGAL_GUARDIAN' } | null;
    /**
     * At `iat`: given by a parent or guardian whose guardianship has ended (the child is 14, has
     * died, or the record no longer shows the relation): no token, no read (docs/accounts.md).
     */
    guardianshipEnded: boolean;
  };
}

export interface ConsentStatementView {
  consentId: string;
  citizenId: string;
  jws: string;
  issuedAt: Date;
  claims: ConsentStatementClaims;
}

/** Signs a statement of `consent` as it stands at `at`. */
export function signConsentStatement(
  key: SigningKey,
  issuer: string,
  consent: ConsentDoc,
  client: { id: string; name: string },
  facts: { at: Date; restricted: boolean; requestedBy: 'CITIZEN' | 'CLIENT'; guardianshipEnded?: boolean },
): { jws: string; claims: ConsentStatementClaims } {
  const claims: ConsentStatementClaims = {
    iss: issuer,
    iat: Math.floor(facts.at.getTime() / 1000),
    jti: randomUUID(),
    sub: consent.citizenId,
    requestedBy: facts.requestedBy,
    consent: {
      id: consent._id,
      citizenId: consent.citizenId,
      client,
      scopes: [...consent.scopes],
      purpose: consent.purpose,
      dossierRef: consent.dossierRef,
      grantedAt: consent.createdAt.toISOString(),
      validFrom: consent.validFrom.toISOString(),
      validUntil: consent.validUntil.toISOString(),
      status: consentStatus(consent, facts.at),
      revokedAt: consent.revokedAt ? consent.revokedAt.toISOString() : null,
      restricted: facts.restricted,
      grantedBy: consent.grantedBy
        ? { personalId: consent.grantedBy.personalId, capacity: consent.grantedBy.capacity }
        : null,
      guardianshipEnded: facts.guardianshipEnded ?? false,
    },
  };
  const jws = jwt.sign(claims, key.privateKey, {
    algorithm: 'ES256',
    header: { alg: 'ES256', typ: CONSENT_STATEMENT_TYPE, kid: key.kid },
  });
  return { jws, claims };
}

/**
 * The statement of a consent for its citizen or its client (null when the consent is not theirs:
 * another's is answered like an unknown one).
 */
export async function consentStatement(
  svc: RightsService,
  consentId: string,
  party: { kind: 'CITIZEN'; citizenId: string } | { kind: 'CLIENT'; clientId: string },
): Promise<ConsentStatementView | null> {
  const consent = await findConsent(svc.deps.store, consentId);
  if (!consent) return null;
  if (party.kind === 'CITIZEN' ? consent.citizenId !== party.citizenId : consent.clientId !== party.clientId)
    return null;
  const guardian = consent.grantedBy;
  const [client, restriction, guardianship] = await Promise.all([
    findClient(svc.deps.store, consent.clientId),
    restrictionState(svc.deps.store, consent.citizenId, consent.clientId),
    // Given by a parent or guardian: it holds while the guardianship does (as the token endpoint).
    guardian ? svc.deps.guardianship?.(guardian.personalId, consent.citizenId) : undefined,
  ]);
  const guardianshipEnded = !!guardian && (!guardianship || guardianship.refusal !== null);
  const at = svc.now();
  const { jws, claims } = signConsentStatement(
    svc.deps.signingKey,
    svc.deps.issuer,
    consent,
    { id: consent.clientId, name: client?.name ?? consent.clientId },
    { at, restricted: restriction.restricted, requestedBy: party.kind, guardianshipEnded },
  );
  return { consentId: consent._id, citizenId: consent.citizenId, jws, issuedAt: at, claims };
}

export type StatementCheck =
  { valid: true; kid: string; claims: ConsentStatementClaims } | { valid: false; reason: string };

/** The public keys of a JWKS document, by `kid` (EC and RSA signature keys). */
export function keysOfJwks(doc: unknown): Map<string, KeyObject> {
  const keys = new Map<string, KeyObject>();
  const list = (doc as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(list)) return keys;
  for (const k of list as Array<JsonWebKey & { kid?: unknown; use?: unknown }>) {
    if (typeof k.kid !== 'string' || (k.use !== undefined && k.use !== 'sig')) continue;
    try {
      keys.set(k.kid, createPublicKey({ key: k, format: 'jwk' }));
    } catch {
      // not a usable public key: skipped
    }
  }
  return keys;
}

/**
 * Checks a statement against the hub's published keys (a JWKS document): ES256, `typ`, a known
 * `kid`, the signature, `iss` when given, and the claims' shape. Anyone can run it
 * (`npm run consent:verify -- <jws>`).
 */
export function verifyConsentStatement(jws: string, jwks: unknown, opts: { issuer?: string } = {}): StatementCheck {
  const decoded = jwt.decode(jws.trim(), { complete: true });
  if (!decoded || typeof decoded.payload !== 'object') return { valid: false, reason: 'not a compact JWS' };
  const { alg, typ, kid } = decoded.header;
  if (alg !== 'ES256') return { valid: false, reason: `algorithm ${String(alg)} is not ES256` };
  if (typ !== CONSENT_STATEMENT_TYPE) return { valid: false, reason: `typ is not ${CONSENT_STATEMENT_TYPE}` };
  const key = typeof kid === 'string' ? keysOfJwks(jwks).get(kid) : undefined;
  if (!key) return { valid: false, reason: 'signed with a key the JWKS does not publish' };
  let claims: ConsentStatementClaims;
  try {
    claims = jwt.verify(jws.trim(), key, {
      algorithms: ['ES256'],
      ...(opts.issuer ? { issuer: opts.issuer } : {}),
    }) as ConsentStatementClaims;
  } catch (e) {
    return { valid: false, reason: e instanceof Error ? e.message : 'signature check failed' };
  }
  const c = claims.consent;
  if (!c || typeof c.id !== 'string' || typeof c.citizenId !== 'string' || c.citizenId !== claims.sub)
    return { valid: false, reason: 'not a consent statement' };
  return { valid: true, kid: kid as string, claims };
}
