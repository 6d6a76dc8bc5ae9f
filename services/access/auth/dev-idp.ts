/**
 * Development identity provider: signs citizen and officer access tokens with the
 * development key (`<keysDir>/dev-idp.pem`, created at first use). Used by
 * `npm run token` and by tests. Also the generic signer (`signAccessToken`) the
 * hub's token service and tests can reuse.
 */
import jwt from 'jsonwebtoken';
import { randomUUID } from 'node:crypto';
import { communeByCode, provinceByCode } from '../../../reference/areas';
import { loadOrCreateSigningKey, type SigningKey } from './keys';
import { NATIONAL_AREA_CODE, OFFICER_ROLES, type Jurisdiction, type OfficerRole } from './principal';
import { DEFAULT_AUDIENCE, DEV_IDP_ISSUER, DEV_IDP_KEY_NAME } from './trust';

export interface SignOptions {
  /** The signing key (ES256). */
  key: SigningKey;
  issuer: string;
  audience: string;
  /** Lifetime in seconds. Default 3600. */
  expiresInS?: number;
  /** Issue time (tests). Default now. */
  now?: Date;
  /** Not-before; default = issue time. */
  notBefore?: Date;
  /** Token id; default a random UUID. */
  jti?: string;
  /** Extra header members (tests); `alg` cannot be changed. */
  header?: Record<string, unknown>;
}

/**
 * Signs an access token: header `{alg: ES256, typ: at+jwt, kid}`, payload = claims
 * plus iss, aud, iat, nbf, exp, jti (claims given explicitly win, for tests).
 */
export function signAccessToken(claims: Record<string, unknown>, opts: SignOptions): string {
  const now = Math.floor((opts.now ?? new Date()).getTime() / 1000);
  const nbf = opts.notBefore ? Math.floor(opts.notBefore.getTime() / 1000) : now;
  const payload = {
    iss: opts.issuer,
    aud: opts.audience,
    iat: now,
    nbf,
    exp: now + (opts.expiresInS ?? 3600),
    jti: opts.jti ?? randomUUID(),
    ...claims,
  };
  const header = { alg: 'ES256', typ: 'at+jwt', kid: opts.key.kid, ...opts.header } as jwt.JwtHeader;
  return jwt.sign(payload, opts.key.privateKey, { algorithm: 'ES256', header });
}

/** The development IdP signing key from a keys folder. */
export function devIdpKey(keysDir: string): SigningKey {
  return loadOrCreateSigningKey(keysDir, DEV_IDP_KEY_NAME);
}

export interface DevTokenOptions {
  key: SigningKey;
  /** Default DEFAULT_AUDIENCE. */
  audience?: string;
  /** Default DEV_IDP_ISSUER. */
  issuer?: string;
  /** Default 3600. */
  expiresInS?: number;
  now?: Date;
  jti?: string;
  /** RFC 9068 `client_id`: the app the person signed in through (the login flow sets it). */
  clientId?: string;
  /** `sid`: the sign-in session, whose revocation stops the token (the login flow sets it). */
  sessionId?: string;
}

export interface CitizenTokenInput {
  personalId: string;
}

export interface OfficerTokenInput {
  /** Default `officer-<area>`. */
  officerId?: string;
  role: OfficerRole;
  area: Jurisdiction;
  /** Default a unit name derived from the area. */
  unit?: string;
}

/** "01" → {province: "01"}; "01012" → {province: "01", commune: "01012"}. Throws on unknown codes. */
export function parseArea(code: string): Jurisdiction {
  // The whole country: a national supervisor (the verifier accepts it for SUPERVISOR only).
  if (code === NATIONAL_AREA_CODE) return { province: NATIONAL_AREA_CODE };
  if (/^\d{2}$/.test(code)) {
    if (!provinceByCode(code)) throw new Error(`unknown province code ${code}`);
    return { province: code };
  }
  if (/^\d{5}$/.test(code)) {
    const c = communeByCode(code);
    if (!c) throw new Error(`unknown commune code ${code}`);
    return { province: c.provinceCode, commune: code };
  }
  throw new Error(`area must be a 2-digit province code, a 5-digit commune code or VN, got ${JSON.stringify(code)}`);
}

/** The unit an officer of `area` belongs to, by default: the police of that commune or province. */
export function defaultUnit(area: Jurisdiction): string {
  const p = provinceByCode(area.province);
  const c = area.commune ? communeByCode(area.commune) : undefined;
  if (c) return `Công an ${c.name}, ${p?.fullName ?? area.province}`;
  if (area.province === NATIONAL_AREA_CODE) return 'Bộ Công an';
  return `Công an ${p?.fullName ?? area.province}`;
}

/** Citizen token (`kind: citizen`, `sub` = personal ID) signed by the development IdP. */
export function issueDevToken(kind: 'citizen', input: CitizenTokenInput, opts: DevTokenOptions): string;
/** Officer token (`kind: officer`, role, area, unit) signed by the development IdP. */
export function issueDevToken(kind: 'officer', input: OfficerTokenInput, opts: DevTokenOptions): string;
export function issueDevToken(
  kind: 'citizen' | 'officer',
  input: CitizenTokenInput | OfficerTokenInput,
  opts: DevTokenOptions,
): string {
  const session = {
    ...(opts.clientId !== undefined ? { client_id: opts.clientId } : {}),
    ...(opts.sessionId !== undefined ? { sid: opts.sessionId } : {}),
  };
  const sign = (claims: Record<string, unknown>) =>
    signAccessToken(
      { ...claims, ...session },
      {
        key: opts.key,
        issuer: opts.issuer ?? DEV_IDP_ISSUER,
        audience: opts.audience ?? DEFAULT_AUDIENCE,
        expiresInS: opts.expiresInS,
        now: opts.now,
        jti: opts.jti,
      },
    );
  if (kind === 'citizen') {
    const { personalId } = input as CitizenTokenInput;
    if (!/^\d{12}$/.test(personalId)) throw new Error('a personal ID has 12 digits');
    return sign({ kind: 'citizen', sub: personalId });
  }
  const o = input as OfficerTokenInput;
  if (!(OFFICER_ROLES as readonly string[]).includes(o.role))
    throw new Error(`role must be one of ${OFFICER_ROLES.join(', ')}`);
  const area = parseArea(o.area.commune ?? o.area.province);
  if (area.province === NATIONAL_AREA_CODE && o.role !== 'SUPERVISOR')
    throw new Error('only a SUPERVISOR may have the whole country (VN) as area');
  if (area.province !== o.area.province)
    throw new Error(`commune ${o.area.commune} is not in province ${o.area.province}`);
  const officerId = o.officerId ?? `officer-${area.commune ?? area.province}`;
  if (/^\d{12}$/.test(officerId)) throw new Error('an officer id must not look like a personal ID');
  return sign({ kind: 'officer', sub: officerId, role: o.role, area, unit: o.unit ?? defaultUnit(area) });
}
