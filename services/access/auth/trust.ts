/**
 * Trusted token issuers: who may sign access tokens for the hub, for which
 * audience, which kinds of principal each may assert, and their public keys by
 * `kid`.
 *
 * Keys are configured only: from a JWKS file or PEM files named in a JSON trust
 * file, or from the development keys folder. Keys are never fetched from a URL
 * (no `jku`, `x5u` or remote JWKS support at all).
 */
import { createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { loadOrCreateSigningKey, type SigningKey } from './keys';

export type TrustedKind = 'CITIZEN' | 'OFFICER' | 'CLIENT';
export const TRUSTED_KINDS: readonly TrustedKind[] = ['CITIZEN', 'OFFICER', 'CLIENT'];

export interface TrustedIssuer {
  /** Exact `iss` value. */
  issuer: string;
  /** The `aud` tokens of this issuer must carry. */
  audience: string;
  /** Which kinds of principal this issuer may assert. */
  kinds: TrustedKind[];
  /** Public verification keys by `kid` (EC P-256 or RSA ≥ 2048 bits). */
  keys: Map<string, KeyObject>;
}

/** Issuer of the development identity provider (citizens and officers). */
export const DEV_IDP_ISSUER = 'urn:vn-papers-hub:dev-idp';
/** Default issuer of the hub's own token service (client tokens). Env: HUB_ISSUER. */
export const DEFAULT_HUB_ISSUER = 'urn:vn-papers-hub';
/** Default audience of access tokens for the hub. Env: HUB_AUDIENCE. */
export const DEFAULT_AUDIENCE = 'vn-papers-hub';
/** Default folder of development keys (git-ignored). Env: HUB_KEYS_DIR. */
export const DEFAULT_KEYS_DIR = '.keys';
/** Key file names (without `.pem`) in the keys folder. */
export const DEV_IDP_KEY_NAME = 'dev-idp';
export const HUB_TOKEN_SERVICE_KEY_NAME = 'hub-token-service';

export interface AuthEnv {
  keysDir: string;
  hubIssuer: string;
  audience: string;
}

/** Keys folder, hub issuer and audience from the environment, with the defaults above. */
export function authEnv(env: NodeJS.ProcessEnv = process.env): AuthEnv {
  return {
    keysDir: env.HUB_KEYS_DIR || DEFAULT_KEYS_DIR,
    hubIssuer: env.HUB_ISSUER || DEFAULT_HUB_ISSUER,
    audience: env.HUB_AUDIENCE || DEFAULT_AUDIENCE,
  };
}

/** Checks a public key is one the verifier supports (EC P-256, RSA ≥ 2048 bits). */
export function assertSupportedPublicKey(key: KeyObject, what: string): void {
  if (key.type !== 'public') throw new Error(`${what}: not a public key`);
  const t = key.asymmetricKeyType;
  if (t === 'ec') {
    if (key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') throw new Error(`${what}: EC keys must be on P-256`);
  } else if (t === 'rsa' || t === 'rsa-pss') {
    if ((key.asymmetricKeyDetails?.modulusLength ?? 0) < 2048)
      throw new Error(`${what}: RSA keys must be at least 2048 bits`);
  } else {
    throw new Error(`${what}: unsupported key type ${String(t)}`);
  }
}

/** Public members only: a JWK carrying private parts never becomes anything but its public key. */
function publicJwk(jwk: JsonWebKey): JsonWebKey {
  if (jwk.kty === 'EC') return { kty: 'EC', crv: jwk.crv, x: jwk.x, y: jwk.y };
  if (jwk.kty === 'RSA') return { kty: 'RSA', n: jwk.n, e: jwk.e };
  throw new Error(`unsupported JWK kty ${String(jwk.kty)} (only EC and RSA; never symmetric keys)`);
}

/** Public keys by kid from a JWKS document (`{keys: [...]}`). Keys with `use` other than `sig` are skipped. */
export function keysFromJwks(doc: unknown, what = 'JWKS'): Map<string, KeyObject> {
  if (!doc || typeof doc !== 'object' || !Array.isArray((doc as { keys?: unknown }).keys)) {
    throw new Error(`${what}: expected {"keys": [...]}`);
  }
  const out = new Map<string, KeyObject>();
  for (const raw of (doc as { keys: unknown[] }).keys) {
    if (!raw || typeof raw !== 'object') throw new Error(`${what}: a key is not an object`);
    const jwk = raw as JsonWebKey & { kid?: unknown; use?: unknown; alg?: unknown };
    if (jwk.use !== undefined && jwk.use !== 'sig') continue;
    if (typeof jwk.kid !== 'string' || jwk.kid === '') throw new Error(`${what}: every key needs a kid`);
    if (jwk.alg !== undefined && (typeof jwk.alg !== 'string' || !['ES256', 'RS256', 'PS256'].includes(jwk.alg))) {
      throw new Error(`${what}: key ${jwk.kid} has unsupported alg ${JSON.stringify(jwk.alg)}`);
    }
    if (out.has(jwk.kid)) throw new Error(`${what}: duplicate kid ${jwk.kid}`);
    const key = createPublicKey({ key: publicJwk(jwk), format: 'jwk' });
    assertSupportedPublicKey(key, `${what} key ${jwk.kid}`);
    out.set(jwk.kid, key);
  }
  return out;
}

/** Entry of a trust file. */
export interface TrustFileEntry {
  issuer: string;
  audience: string;
  kinds: TrustedKind[];
  /** JWKS JSON file, relative to the trust file. */
  jwksFile?: string;
  /** PEM files (public key, certificate or private key: only the public key is kept) by kid. */
  pemFiles?: Record<string, string>;
}

/**
 * Loads trusted issuers from a JSON file:
 * `[{issuer, audience, kinds, jwksFile?, pemFiles?: {kid: path}}]`. Relative paths
 * are resolved against the trust file's folder. Throws on anything doubtful.
 */
export function loadTrustFile(path: string): TrustedIssuer[] {
  const base = dirname(resolve(path));
  const at = (p: string) => (isAbsolute(p) ? p : resolve(base, p));
  const doc: unknown = JSON.parse(readFileSync(path, 'utf8'));
  if (!Array.isArray(doc)) throw new Error(`${path}: expected an array of issuers`);
  const out: TrustedIssuer[] = [];
  for (const [i, raw] of doc.entries()) {
    const what = `${path}[${i}]`;
    if (!raw || typeof raw !== 'object') throw new Error(`${what}: not an object`);
    const e = raw as Partial<TrustFileEntry>;
    if (typeof e.issuer !== 'string' || !e.issuer) throw new Error(`${what}: issuer required`);
    if (typeof e.audience !== 'string' || !e.audience) throw new Error(`${what}: audience required`);
    if (!Array.isArray(e.kinds) || e.kinds.length === 0 || !e.kinds.every((k) => TRUSTED_KINDS.includes(k))) {
      throw new Error(`${what}: kinds must be a non-empty subset of ${TRUSTED_KINDS.join(', ')}`);
    }
    const keys = new Map<string, KeyObject>();
    if (e.jwksFile !== undefined) {
      if (typeof e.jwksFile !== 'string') throw new Error(`${what}: jwksFile must be a path`);
      const file = at(e.jwksFile);
      for (const [kid, key] of keysFromJwks(JSON.parse(readFileSync(file, 'utf8')), file)) keys.set(kid, key);
    }
    if (e.pemFiles !== undefined) {
      if (!e.pemFiles || typeof e.pemFiles !== 'object') throw new Error(`${what}: pemFiles must be {kid: path}`);
      for (const [kid, p] of Object.entries(e.pemFiles)) {
        if (!kid || typeof p !== 'string') throw new Error(`${what}: pemFiles must be {kid: path}`);
        if (keys.has(kid)) throw new Error(`${what}: duplicate kid ${kid}`);
        const key = createPublicKey(readFileSync(at(p), 'utf8'));
        assertSupportedPublicKey(key, `${what} key ${kid}`);
        keys.set(kid, key);
      }
    }
    if (keys.size === 0) throw new Error(`${what}: no keys (give jwksFile or pemFiles)`);
    if (out.some((t) => t.issuer === e.issuer)) throw new Error(`${what}: duplicate issuer ${e.issuer}`);
    out.push({ issuer: e.issuer, audience: e.audience, kinds: [...new Set(e.kinds)], keys });
  }
  return out;
}

/** The development signing keys (created at first use in the keys folder). */
export function devSigningKeys(keysDir: string): { idp: SigningKey; tokenService: SigningKey } {
  return {
    idp: loadOrCreateSigningKey(keysDir, DEV_IDP_KEY_NAME),
    tokenService: loadOrCreateSigningKey(keysDir, HUB_TOKEN_SERVICE_KEY_NAME),
  };
}

/**
 * Development trust: the development identity provider (citizens and officers) and
 * the hub's own token service (clients), keys from `keysDir` (created when missing).
 */
export function devTrust(opts: { keysDir: string; hubIssuer: string; audience: string }): TrustedIssuer[] {
  const { idp, tokenService } = devSigningKeys(opts.keysDir);
  if (opts.hubIssuer === DEV_IDP_ISSUER) throw new Error('the hub issuer must differ from the development IdP issuer');
  return [
    {
      issuer: DEV_IDP_ISSUER,
      audience: opts.audience,
      kinds: ['CITIZEN', 'OFFICER'],
      keys: new Map([[idp.kid, idp.publicKey]]),
    },
    {
      issuer: opts.hubIssuer,
      audience: opts.audience,
      kinds: ['CLIENT'],
      keys: new Map([[tokenService.kid, tokenService.publicKey]]),
    },
  ];
}
