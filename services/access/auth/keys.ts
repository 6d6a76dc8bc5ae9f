import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type JsonWebKey,
  type KeyObject,
} from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** An asymmetric signing key with its key id and public JWK. */
export interface SigningKey {
  kid: string;
  alg: 'ES256';
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** Public JWK with kid, alg and use=sig (for JWKS documents). */
  jwk: JsonWebKey & { kid: string; alg: string; use: 'sig' };
}

/** RFC 7638 thumbprint of an EC public JWK, used as the key id. */
function thumbprint(jwk: JsonWebKey): string {
  const canonical = JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y });
  return createHash('sha256').update(canonical).digest('base64url');
}

function fromPrivatePem(pem: string): SigningKey {
  const privateKey = createPrivateKey(pem);
  const publicKey = createPublicKey(privateKey);
  const pub = publicKey.export({ format: 'jwk' });
  const kid = thumbprint(pub);
  return { kid, alg: 'ES256', privateKey, publicKey, jwk: { ...pub, kid, alg: 'ES256', use: 'sig' } };
}

/**
 * Loads `<dir>/<name>.pem` (PKCS#8 P-256 private key), creating it (mode 0600, the
 * folder 0700) when missing. Development and test keys only: production keys come
 * from the deployment's secret store through the same PEM path.
 */
export function loadOrCreateSigningKey(dir: string, name: string): SigningKey {
  const file = join(dir, `${name}.pem`);
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    writeFileSync(file, privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600, flag: 'wx' });
  }
  return fromPrivatePem(readFileSync(file, 'utf8'));
}

/** Loads `<dir>/<name>.pem` without creating it (command-line tools); null when it is not there. */
export function loadSigningKey(dir: string, name: string): SigningKey | null {
  const file = join(dir, `${name}.pem`);
  return existsSync(file) ? fromPrivatePem(readFileSync(file, 'utf8')) : null;
}

/** A JWKS document for the given keys. */
export function jwks(keys: SigningKey[]): { keys: SigningKey['jwk'][] } {
  return { keys: keys.map((k) => k.jwk) };
}
