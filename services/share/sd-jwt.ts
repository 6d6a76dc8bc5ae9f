import { createHash, sign, verify, type KeyObject } from 'node:crypto';
import { SDJwtVcInstance } from '@sd-jwt/sd-jwt-vc';
import { digest, generateSalt } from '@sd-jwt/crypto-nodejs';
import type { SigningKey } from '../access/auth/keys';
import { keysFromJwks } from '../access/auth/trust';

/**
 * The share's SD-JWT (RFC 9901, in the SD-JWT VC profile: header `typ` `dc+sd-jwt`, a `vct`),
 * issued and verified with the OpenWallet Foundation's `@sd-jwt` libraries; signatures (ES256,
 * P-256) with node:crypto over the hub's own keys. No key binding: the holder (the citizen's
 * app) has no key; the single-use, 60-second code and the audience stand in for it.
 *
 * Payload: `iss` (the hub), `aud` (the verifiers the citizen chose), `iat`, `exp` (`iat` + 60),
 * `jti` (the share's id), `vct`, and one object per shared paper (`identity`, `drivingLicence`,
 * ...) whose every field is a selectively disclosable claim (one disclosure each). Fields the
 * citizen did not choose are not in the token at all, not even as digests.
 */

/** The type of the share credential (`vct`). */
export const SHARE_VCT = 'urn:vn-papers-hub:share:1';
/** Header `typ` (SD-JWT VC). */
export const SHARE_TYP = 'dc+sd-jwt';
const ALG = 'ES256';

/** The registered claims of a share's SD-JWT. */
export interface ShareTokenClaims {
  iss: string;
  aud: string;
  iat: number;
  exp: number;
  jti: string;
}

/** Papers' objects: claim → field claim → value. */
export type SharedClaims = Record<string, Record<string, unknown>>;

const base = { hasher: digest, saltGenerator: generateSalt, signAlg: ALG };

/** Signs a share's SD-JWT: every field of every paper a disclosure of its own. */
export async function issueShareToken(
  key: SigningKey,
  claims: ShareTokenClaims,
  papers: SharedClaims,
): Promise<string> {
  const sdjwt = new SDJwtVcInstance({
    ...base,
    signer: (data: string) =>
      sign('sha256', Buffer.from(data), { key: key.privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url'),
  });
  const frame = Object.fromEntries(
    Object.entries(papers).map(([paper, fields]) => [paper, { _sd: Object.keys(fields) }]),
  );
  return sdjwt.issue({ ...claims, vct: SHARE_VCT, ...papers }, frame, { header: { kid: key.kid } });
}

/** Why a share's SD-JWT does not verify. */
export type ShareTokenProblem =
  | 'MALFORMED'
  | 'WRONG_TYPE'
  | 'ALGORITHM_NOT_ALLOWED'
  | 'UNKNOWN_KEY'
  | 'BAD_SIGNATURE'
  | 'EXPIRED'
  | 'NOT_YET_VALID'
  | 'WRONG_ISSUER'
  | 'WRONG_AUDIENCE'
  | 'BAD_DISCLOSURE';

export class ShareTokenError extends Error {
  constructor(
    readonly problem: ShareTokenProblem,
    message: string,
  ) {
    super(message);
    this.name = 'ShareTokenError';
  }
}

export interface VerifyShareOptions {
  /** The issuer's keys: a JWKS document (`{keys: [...]}`, e.g. `/.well-known/jwks.json`) or keys by kid. */
  keys: unknown;
  /** The `iss` expected (the hub's issuer); not checked when absent. */
  issuer?: string;
  /** The `aud` values this verifier accepts; not checked when absent. */
  audiences?: readonly string[];
  /** The time to check `iat` / `exp` at. Default: now. */
  now?: Date;
  /** Clock skew allowed, seconds. Default 30. */
  skewS?: number;
}

export interface VerifiedShare {
  header: { typ: string; alg: string; kid: string };
  claims: ShareTokenClaims & { vct: string };
  /** The disclosed papers: paper claim → field claim → value. */
  papers: SharedClaims;
  /** The SHA-256 of the issuer-signed JWT (base64url), to name a token in logs without its content. */
  digest: string;
}

function decodeHeader(jwt: string): Record<string, unknown> {
  try {
    const h: unknown = JSON.parse(Buffer.from(jwt.split('.')[0] ?? '', 'base64url').toString('utf8'));
    if (h && typeof h === 'object' && !Array.isArray(h)) return h as Record<string, unknown>;
  } catch {
    /* below */
  }
  throw new ShareTokenError('MALFORMED', 'the SD-JWT header is not readable');
}

const REGISTERED = new Set(['iss', 'aud', 'iat', 'exp', 'nbf', 'jti', 'vct', 'cnf', 'status', 'sub', '_sd_alg']);

/**
 * Verifies a share's SD-JWT offline: `typ`, ES256 with a key of the issuer's JWKS (by `kid`), the
 * signature, every disclosure against its digest, `iat`/`exp` (with `skewS`), and when given `iss`
 * and `aud`. Throws {@link ShareTokenError}; returns the disclosed papers.
 */
export async function verifyShareToken(token: string, opts: VerifyShareOptions): Promise<VerifiedShare> {
  if (typeof token !== 'string' || token.length > 200_000 || !/^[A-Za-z0-9_\-.~]+$/.test(token))
    throw new ShareTokenError('MALFORMED', 'not an SD-JWT in compact form');
  const jwt = token.split('~')[0];
  if (jwt.split('.').length !== 3) throw new ShareTokenError('MALFORMED', 'not an SD-JWT in compact form');
  const header = decodeHeader(jwt);
  if (header.typ !== SHARE_TYP) throw new ShareTokenError('WRONG_TYPE', `typ must be ${SHARE_TYP}`);
  if (header.alg !== ALG) throw new ShareTokenError('ALGORITHM_NOT_ALLOWED', `alg must be ${ALG}`);
  const keys = opts.keys instanceof Map ? (opts.keys as Map<string, KeyObject>) : keysFromJwks(opts.keys);
  const key = typeof header.kid === 'string' ? keys.get(header.kid) : undefined;
  if (!key || key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1')
    throw new ShareTokenError('UNKNOWN_KEY', 'the signing key is not in the JWKS');
  const sdjwt = new SDJwtVcInstance({
    ...base,
    verifier: (data: string, signature: string) =>
      verify('sha256', Buffer.from(data), { key, dsaEncoding: 'ieee-p1363' }, Buffer.from(signature, 'base64url')),
  });
  const at = Math.floor((opts.now ?? new Date()).getTime() / 1000);
  let payload: Record<string, unknown>;
  try {
    const r = await sdjwt.verify(token, { currentDate: at, skewSeconds: opts.skewS ?? 30 });
    payload = r.payload;
  } catch (e) {
    const m = e instanceof Error ? e.message : String(e);
    if (/expired/i.test(m)) throw new ShareTokenError('EXPIRED', 'the SD-JWT has expired');
    if (/not yet valid/i.test(m)) throw new ShareTokenError('NOT_YET_VALID', 'the SD-JWT is not valid yet');
    if (/signature/i.test(m)) throw new ShareTokenError('BAD_SIGNATURE', 'the signature does not verify');
    throw new ShareTokenError('BAD_DISCLOSURE', 'a disclosure does not match the signed digests');
  }
  assertDisclosuresReferenced(token, payload);
  const claims = payload as unknown as VerifiedShare['claims'];
  for (const k of ['iss', 'aud', 'jti', 'vct'] as const)
    if (typeof claims[k] !== 'string') throw new ShareTokenError('MALFORMED', `${k} is missing`);
  if (typeof claims.iat !== 'number' || typeof claims.exp !== 'number')
    throw new ShareTokenError('MALFORMED', 'iat and exp are required');
  if (claims.vct !== SHARE_VCT) throw new ShareTokenError('WRONG_TYPE', `vct must be ${SHARE_VCT}`);
  if (opts.issuer !== undefined && claims.iss !== opts.issuer)
    throw new ShareTokenError('WRONG_ISSUER', 'issued by someone else');
  if (opts.audiences && !opts.audiences.includes(claims.aud))
    throw new ShareTokenError('WRONG_AUDIENCE', `made for ${claims.aud}`);
  const papers: SharedClaims = {};
  for (const [k, v] of Object.entries(payload)) {
    if (REGISTERED.has(k)) continue;
    if (!v || typeof v !== 'object' || Array.isArray(v)) throw new ShareTokenError('MALFORMED', `${k} is not a paper`);
    papers[k] = v as Record<string, unknown>;
  }
  return {
    header: { typ: SHARE_TYP, alg: ALG, kid: header.kid as string },
    claims: { iss: claims.iss, aud: claims.aud, iat: claims.iat, exp: claims.exp, jti: claims.jti, vct: claims.vct },
    papers,
    digest: createHash('sha256').update(jwt).digest('base64url'),
  };
}

/**
 * RFC 9901 §7.1: every disclosure must be referenced by a digest in the signed payload (the
 * library resolves the referenced ones and ignores the rest). Counts the fields of the resolved
 * papers against the disclosures sent.
 */
function assertDisclosuresReferenced(token: string, payload: Record<string, unknown>): void {
  const disclosures = token.split('~').slice(1, -1).filter(Boolean).length;
  let fields = 0;
  for (const [k, v] of Object.entries(payload)) {
    if (!REGISTERED.has(k) && v && typeof v === 'object') fields += Object.keys(v).length;
  }
  if (fields !== disclosures) throw new ShareTokenError('BAD_DISCLOSURE', 'a disclosure is not in the signed payload');
}
