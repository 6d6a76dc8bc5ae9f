/**
 * Bearer access-token verification: one function, called once per request.
 *
 * Order of checks (the first failing one gives the reason):
 *  1. size (TOO_LARGE), then structure: three base64url parts, JSON header and
 *     payload objects (MALFORMED); headers that point at keys (`jku`, `x5u`, `jwk`,
 *     `x5c`) or carry `crit` are refused (MALFORMED): keys are never taken from the
 *     token;
 *  2. `alg` in the asymmetric allow-list ES256/RS256/PS256 (ALGORITHM_NOT_ALLOWED);
 *  3. `typ` = `at+jwt` or `application/at+jwt`, case-insensitive (WRONG_TYPE);
 *  4. `iss` (read unverified, only to pick the issuer) is trusted (UNKNOWN_ISSUER);
 *  5. `kid` present and one of that issuer's keys (UNKNOWN_KEY); the alg fits the
 *     key type (ALGORITHM_NOT_ALLOWED);
 *  6. jsonwebtoken `verify` with that one KeyObject, the algorithms that fit it,
 *     `issuer`, `audience`, clock tolerance: BAD_SIGNATURE, EXPIRED, NOT_YET_VALID,
 *     WRONG_AUDIENCE; `exp` is required (BAD_CLAIMS when absent);
 *  7. claims → Principal by mutually exclusive rules (BAD_CLAIMS).
 */
import jwt from 'jsonwebtoken';
import type { KeyObject } from 'node:crypto';
import { communeByCode, provinceByCode } from '../../../reference/areas';
import {
  DOCUMENT_SCOPES,
  NATIONAL_AREA_CODE,
  OFFICER_ROLES,
  type AuthFailureReason,
  type DocumentScope,
  type Jurisdiction,
  type OfficerRole,
  type Principal,
} from './principal';
import type { TrustedIssuer, TrustedKind } from './trust';

export class AuthError extends Error {
  readonly reason: AuthFailureReason;
  constructor(reason: AuthFailureReason, message: string) {
    super(message);
    this.name = 'AuthError';
    this.reason = reason;
  }
}

export interface VerifyOptions {
  /** Seconds of clock skew accepted on exp/nbf. Default 30. */
  clockToleranceS?: number;
  /** Largest token accepted, in bytes. Default 8192. */
  maxTokenBytes?: number;
  /**
   * Longest remaining lifetime accepted (exp − now), in seconds. Default 86400: a
   * token valid for years is refused even if correctly signed.
   */
  maxLifetimeS?: number;
  /** The current time (tests). */
  now?: Date;
}

export const ALLOWED_ALGORITHMS = ['ES256', 'RS256', 'PS256'] as const;
type AllowedAlg = (typeof ALLOWED_ALGORITHMS)[number];

const ACCEPTED_TYP = new Set(['at+jwt', 'application/at+jwt']);
/** Header parameters that would point the verifier at a key or demand extensions. */
const REFUSED_HEADERS = ['jku', 'x5u', 'jwk', 'x5c', 'crit'];
const B64URL = /^[A-Za-z0-9_-]+$/;
const PERSONAL_ID = /^\d{12}$/;
const OFFICER_ID = /^[A-Za-z0-9][A-Za-z0-9._:@-]{0,63}$/;

const fail = (reason: AuthFailureReason, message: string): never => {
  throw new AuthError(reason, message);
};

function decodePart(part: string, what: string): Record<string, unknown> {
  if (!B64URL.test(part)) fail('MALFORMED', `token ${what} is not base64url`);
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    return fail('MALFORMED', `token ${what} is not JSON`);
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) fail('MALFORMED', `token ${what} is not a JSON object`);
  return v as Record<string, unknown>;
}

function algorithmsForKey(key: KeyObject): AllowedAlg[] {
  switch (key.asymmetricKeyType) {
    case 'ec':
      return key.asymmetricKeyDetails?.namedCurve === 'prime256v1' ? ['ES256'] : [];
    case 'rsa':
      return ['RS256', 'PS256'];
    case 'rsa-pss':
      return ['PS256'];
    default:
      return [];
  }
}

function mapVerifyError(e: unknown): never {
  if (e instanceof jwt.TokenExpiredError) return fail('EXPIRED', 'token expired');
  if (e instanceof jwt.NotBeforeError) return fail('NOT_YET_VALID', 'token not yet valid');
  const msg = e instanceof Error ? e.message : String(e);
  if (msg === 'invalid signature') return fail('BAD_SIGNATURE', 'bad signature');
  if (msg.startsWith('jwt audience invalid')) return fail('WRONG_AUDIENCE', 'wrong audience');
  if (msg.startsWith('jwt issuer invalid')) return fail('UNKNOWN_ISSUER', 'unknown issuer');
  if (
    msg === 'invalid algorithm' ||
    msg.includes('"alg" parameter') ||
    msg.includes('must be a symmetric key') ||
    msg.includes('must be an asymmetric key')
  ) {
    return fail('ALGORITHM_NOT_ALLOWED', 'algorithm not allowed');
  }
  if (
    msg.startsWith('invalid exp') ||
    msg.startsWith('invalid nbf') ||
    msg.startsWith('iat required') ||
    msg.startsWith('invalid payload')
  ) {
    return fail('BAD_CLAIMS', 'bad time claims');
  }
  if (msg === 'jwt malformed' || msg === 'invalid token' || msg === 'jwt signature is required')
    return fail('MALFORMED', 'malformed token');
  return fail('BAD_SIGNATURE', 'token rejected');
}

const has = (p: Record<string, unknown>, k: string) => Object.prototype.hasOwnProperty.call(p, k) && p[k] !== undefined;

function refuseClaims(p: Record<string, unknown>, names: string[], kind: string): void {
  for (const n of names) if (has(p, n)) fail('BAD_CLAIMS', `a ${kind} token must not carry "${n}"`);
}

const nonEmptyString = (v: unknown, max = 256): v is string =>
  typeof v === 'string' && v.trim() !== '' && v.length <= max;

/** Claims that belong to client tokens only. */
const CLIENT_ONLY = ['azp', 'cid', 'scope', 'scp', 'purpose', 'act', 'may_act'];
const SESSION_CLAIM = /^[A-Za-z0-9._:@-]{1,128}$/;

/**
 * `client_id` (RFC 9068: the app a person signed in through) and `sid` (the sign-in session) of a
 * citizen or officer token: optional, short identifiers when present (BAD_CLAIMS otherwise).
 */
function sessionClaims(p: Record<string, unknown>): { app?: string; sessionId?: string } {
  const out: { app?: string; sessionId?: string } = {};
  if (has(p, 'client_id')) {
    if (typeof p.client_id !== 'string' || !SESSION_CLAIM.test(p.client_id)) fail('BAD_CLAIMS', 'bad client_id');
    out.app = p.client_id as string;
  }
  if (has(p, 'sid')) {
    if (typeof p.sid !== 'string' || !SESSION_CLAIM.test(p.sid)) fail('BAD_CLAIMS', 'bad sid');
    out.sessionId = p.sid as string;
  }
  return out;
}
/** Claims that belong to officer tokens only. */
const OFFICER_ONLY = ['role', 'roles', 'area', 'unit'];

function toJurisdiction(area: unknown, role: string): Jurisdiction {
  if (!area || typeof area !== 'object' || Array.isArray(area))
    return fail('BAD_CLAIMS', 'officer area must be an object');
  const a = area as Record<string, unknown>;
  for (const k of Object.keys(a))
    if (k !== 'province' && k !== 'commune') fail('BAD_CLAIMS', `unknown area member "${k}"`);
  if (a.province === NATIONAL_AREA_CODE) {
    // The whole country: a national supervisor only (national reconciliation), never a commune.
    if (role !== 'SUPERVISOR' || a.commune !== undefined)
      fail('BAD_CLAIMS', 'officer area VN (the whole country) is for a SUPERVISOR, without commune');
    return { province: NATIONAL_AREA_CODE };
  }
  if (typeof a.province !== 'string' || !/^\d{2}$/.test(a.province) || !provinceByCode(a.province)) {
    fail('BAD_CLAIMS', 'officer area province is not one of the 34 provinces');
  }
  const province = a.province as string;
  if (a.commune === undefined) return { province };
  const commune = typeof a.commune === 'string' && /^\d{5}$/.test(a.commune) ? communeByCode(a.commune) : undefined;
  if (!commune || commune.provinceCode !== province)
    fail('BAD_CLAIMS', 'officer area commune is not a commune of that province');
  return { province, commune: a.commune as string };
}

function toPrincipal(p: Record<string, unknown>, iss: TrustedIssuer): Principal {
  const kindClaim = p.kind;
  if (kindClaim !== 'citizen' && kindClaim !== 'officer' && kindClaim !== 'client') {
    return fail('BAD_CLAIMS', 'missing or unknown kind claim');
  }
  const kind = kindClaim.toUpperCase() as TrustedKind;
  if (!iss.kinds.includes(kind)) fail('BAD_CLAIMS', `this issuer may not assert ${kindClaim} tokens`);
  const tokenId = typeof p.jti === 'string' && p.jti !== '' ? p.jti : undefined;
  const sub = p.sub;

  if (kind === 'CITIZEN') {
    refuseClaims(p, [...CLIENT_ONLY, ...OFFICER_ONLY], 'citizen');
    if (typeof sub !== 'string' || !PERSONAL_ID.test(sub))
      fail('BAD_CLAIMS', 'citizen sub must be a 12-digit personal ID');
    return {
      kind: 'CITIZEN',
      personalId: sub as string,
      issuer: iss.issuer,
      ...(tokenId ? { tokenId } : {}),
      ...sessionClaims(p),
    };
  }

  if (kind === 'OFFICER') {
    refuseClaims(p, CLIENT_ONLY, 'officer');
    if (typeof sub !== 'string' || PERSONAL_ID.test(sub) || !OFFICER_ID.test(sub)) {
      fail('BAD_CLAIMS', 'officer sub must be an officer id (not a personal ID)');
    }
    if (typeof p.role !== 'string' || !(OFFICER_ROLES as readonly string[]).includes(p.role))
      fail('BAD_CLAIMS', 'unknown officer role');
    const jurisdiction = toJurisdiction(p.area, p.role as string);
    if (!nonEmptyString(p.unit)) fail('BAD_CLAIMS', 'officer unit required');
    return {
      kind: 'OFFICER',
      officerId: sub as string,
      role: p.role as OfficerRole,
      jurisdiction,
      unit: p.unit as string,
      issuer: iss.issuer,
      ...(tokenId ? { tokenId } : {}),
      ...sessionClaims(p),
    };
  }

  // CLIENT
  refuseClaims(p, [...OFFICER_ONLY, 'scp', 'client_id', 'sid', 'act', 'may_act'], 'client');
  if (!nonEmptyString(p.azp, 128)) fail('BAD_CLAIMS', 'client azp required');
  if (typeof sub !== 'string' || !PERSONAL_ID.test(sub))
    fail('BAD_CLAIMS', 'client sub must be the citizen personal ID');
  if (!nonEmptyString(p.cid, 128)) fail('BAD_CLAIMS', 'client cid (consent id) required');
  if (typeof p.scope !== 'string' || p.scope.trim() === '') fail('BAD_CLAIMS', 'client scope required');
  const scopes: DocumentScope[] = [];
  for (const s of (p.scope as string).split(' ')) {
    if (s === '') continue;
    if (!(DOCUMENT_SCOPES as readonly string[]).includes(s)) fail('BAD_CLAIMS', 'unknown scope in client token');
    if (!scopes.includes(s as DocumentScope)) scopes.push(s as DocumentScope);
  }
  if (!nonEmptyString(p.purpose, 128)) fail('BAD_CLAIMS', 'client purpose required');
  return {
    kind: 'CLIENT',
    clientId: p.azp as string,
    citizenId: sub as string,
    consentId: p.cid as string,
    scopes,
    purpose: p.purpose as string,
    issuer: iss.issuer,
    ...(tokenId ? { tokenId } : {}),
  };
}

/**
 * Verifies a bearer access token against the trusted issuers and returns the
 * principal it asserts. Throws `AuthError` (never including the token) otherwise.
 */
export function verifyAccessToken(token: string, trust: TrustedIssuer[], opts: VerifyOptions = {}): Principal {
  return verifyAccessTokenDetailed(token, trust, opts).principal;
}

/** A verified token: its principal, and what a later re-check needs (who signed it, with which key, when it holds). */
export interface VerifiedToken {
  principal: Principal;
  issuer: TrustedIssuer;
  kid: string;
  key: KeyObject;
  /** Seconds since the epoch. */
  exp: number;
  nbf?: number;
}

/**
 * Whether a token's times hold at `now` with these options, at its verification and each time a
 * kept one is presented again: expired when now ≥ exp + tolerance and not yet valid when
 * nbf > now + tolerance (jsonwebtoken's rules), and the lifetime bound. Throws `AuthError`s.
 */
export function recheckTimes(v: Pick<VerifiedToken, 'exp' | 'nbf'>, opts: VerifyOptions = {}): void {
  const tolerance = opts.clockToleranceS ?? 30;
  const nowS = Math.floor((opts.now ?? new Date()).getTime() / 1000);
  if (nowS >= v.exp + tolerance) fail('EXPIRED', 'token expired');
  if (v.nbf !== undefined && v.nbf > nowS + tolerance) fail('NOT_YET_VALID', 'token not yet valid');
  if (v.exp - nowS > (opts.maxLifetimeS ?? 86_400)) fail('BAD_CLAIMS', 'token lifetime too long');
}

/** {@link verifyAccessToken}, with what {@link recheckTimes} and a cache of verified tokens need. */
export function verifyAccessTokenDetailed(
  token: string,
  trust: TrustedIssuer[],
  opts: VerifyOptions = {},
): VerifiedToken {
  const maxBytes = opts.maxTokenBytes ?? 8192;
  const tolerance = opts.clockToleranceS ?? 30;
  if (typeof token !== 'string' || token === '') return fail('MALFORMED', 'empty token');
  if (Buffer.byteLength(token, 'utf8') > maxBytes) return fail('TOO_LARGE', 'token too large');

  const parts = token.split('.');
  if (parts.length !== 3) return fail('MALFORMED', 'token must have three parts');
  const header = decodePart(parts[0], 'header');
  const payload = decodePart(parts[1], 'payload');
  if (parts[2] === '') {
    // Unsigned: `alg: none` (or a stripped signature). Report the algorithm when it says none.
    return fail(
      typeof header.alg === 'string' && header.alg.toLowerCase() === 'none' ? 'ALGORITHM_NOT_ALLOWED' : 'MALFORMED',
      'unsigned token',
    );
  }
  if (!B64URL.test(parts[2])) return fail('MALFORMED', 'token signature is not base64url');
  for (const h of REFUSED_HEADERS) if (has(header, h)) fail('MALFORMED', `token header "${h}" is not accepted`);

  const alg = header.alg;
  if (typeof alg !== 'string' || !(ALLOWED_ALGORITHMS as readonly string[]).includes(alg)) {
    return fail('ALGORITHM_NOT_ALLOWED', 'algorithm not allowed');
  }
  if (typeof header.typ !== 'string' || !ACCEPTED_TYP.has(header.typ.toLowerCase())) {
    return fail('WRONG_TYPE', 'token type must be at+jwt');
  }

  const issClaim = payload.iss;
  const issuer = typeof issClaim === 'string' ? trust.find((t) => t.issuer === issClaim) : undefined;
  if (!issuer) return fail('UNKNOWN_ISSUER', 'unknown issuer');

  const kid = header.kid;
  if (typeof kid !== 'string' || kid === '') return fail('UNKNOWN_KEY', 'kid required');
  const key = issuer.keys.get(kid);
  if (!key) return fail('UNKNOWN_KEY', 'unknown key');
  const algorithms = algorithmsForKey(key);
  if (!algorithms.includes(alg as AllowedAlg)) return fail('ALGORITHM_NOT_ALLOWED', 'algorithm does not fit the key');

  let verified: Record<string, unknown>;
  try {
    const r = jwt.verify(token, key, {
      algorithms,
      issuer: issuer.issuer,
      audience: issuer.audience,
      clockTolerance: tolerance,
      clockTimestamp: Math.floor((opts.now ?? new Date()).getTime() / 1000),
      complete: false,
    });
    if (!r || typeof r !== 'object') return fail('MALFORMED', 'payload is not an object');
    verified = r;
  } catch (e) {
    return mapVerifyError(e);
  }
  if (typeof verified.exp !== 'number' || !Number.isFinite(verified.exp)) return fail('BAD_CLAIMS', 'exp required');
  const nbf = typeof verified.nbf === 'number' ? verified.nbf : undefined;
  const times = { exp: verified.exp, ...(nbf !== undefined ? { nbf } : {}) };
  // The lifetime bound (exp and nbf again too: jsonwebtoken's own rules, already met here).
  recheckTimes(times, opts);
  // jsonwebtoken accepts any matching member of an `aud` array; that is fine, the
  // issuer's audience is among them.
  return { principal: toPrincipal(verified, issuer), issuer, kid, key, ...times };
}
