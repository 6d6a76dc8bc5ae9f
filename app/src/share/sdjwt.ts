/**
 * Checks a share's SD-JWT in the browser, as any verifier would (docs/security.md, "Checking the
 * signature offline"): header `typ` dc+sd-jwt and ES256, a `kid` of the hub's JWKS, the ES256
 * signature (WebCrypto), and every disclosure's SHA-256 among its paper's `_sd` digests, once each,
 * none left over. Answers the disclosed fields by paper claim, as the token carries them.
 */
export interface SdJwtCheck {
  valid: boolean;
  /** Why not (for the log and the tests; the screen says it in words). */
  problem?: string;
  kid?: string;
  /** Disclosed values: paper claim → field claim → value. */
  disclosed: Record<string, Record<string, unknown>>;
  count: number;
}

function b64urlBytes(s: string): Uint8Array<ArrayBuffer> {
  const bin = atob(s.replace(/-/g, '+').replace(/_/g, '/') + '==='.slice((s.length + 3) % 4));
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

function b64urlJson<T>(s: string): T {
  return JSON.parse(new TextDecoder().decode(b64urlBytes(s))) as T;
}

function b64url(bytes: ArrayBuffer): string {
  let s = '';
  new Uint8Array(bytes).forEach((b) => (s += String.fromCharCode(b)));
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

interface Jwk extends JsonWebKey {
  kid?: string;
}

export async function checkSdJwt(sdJwt: string, jwksUrl = '/.well-known/jwks.json'): Promise<SdJwtCheck> {
  const fail = (problem: string): SdJwtCheck => ({ valid: false, problem, disclosed: {}, count: 0 });
  const parts = sdJwt.split('~');
  const jwt = parts[0];
  const disclosures = parts.slice(1).filter(Boolean);
  const [h, p, sig] = jwt.split('.');
  if (!h || !p || !sig) return fail('MALFORMED');
  const header = b64urlJson<{ typ?: string; alg?: string; kid?: string }>(h);
  if (header.typ !== 'dc+sd-jwt' || header.alg !== 'ES256') return fail('HEADER');
  const jwks = (await (await fetch(jwksUrl)).json()) as { keys: Jwk[] };
  const jwk = jwks.keys.find((k) => k.kid === header.kid && k.kty === 'EC' && k.crv === 'P-256');
  if (!jwk) return fail('UNKNOWN_KEY');
  const key = await crypto.subtle.importKey(
    'jwk',
    { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y },
    { name: 'ECDSA', namedCurve: 'P-256' },
    false,
    ['verify'],
  );
  const signed = new TextEncoder().encode(`${h}.${p}`);
  const ok = await crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, key, b64urlBytes(sig), signed);
  if (!ok) return fail('BAD_SIGNATURE');
  const payload = b64urlJson<Record<string, unknown>>(p);
  // Each paper object holds `_sd` digests only; find each disclosure's paper by its digest.
  const digests = new Map<string, string>();
  for (const [claim, value] of Object.entries(payload)) {
    const sd = (value as { _sd?: unknown } | null)?._sd;
    if (Array.isArray(sd)) for (const d of sd) digests.set(String(d), claim);
  }
  const disclosed: Record<string, Record<string, unknown>> = {};
  const seen = new Set<string>();
  for (const d of disclosures) {
    const digest = b64url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(d)));
    const paper = digests.get(digest);
    if (!paper || seen.has(digest)) return fail('BAD_DISCLOSURE');
    seen.add(digest);
    const [, name, value] = b64urlJson<[string, string, unknown]>(d);
    (disclosed[paper] ??= {})[name] = value;
  }
  return { valid: true, kid: header.kid, disclosed, count: disclosures.length };
}
