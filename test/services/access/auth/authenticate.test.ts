import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuthenticationFailed, authenticate } from '../../../../services/access/auth/authenticate';
import { signAccessToken } from '../../../../services/access/auth/dev-idp';
import { loadOrCreateSigningKey, type SigningKey } from '../../../../services/access/auth/keys';
import { DEFAULT_AUDIENCE, DEV_IDP_ISSUER, devTrust, type TrustedIssuer } from '../../../../services/access/auth/trust';

/**
 * The cache of verified tokens behind `authenticate`: a token that passed is accepted again only
 * while a full verification would accept it (clock, trust list, key), never across trust lists.
 */

const HUB = 'urn:vn-papers-hub';
const CITIZEN_ID = '001203004567';

let dir: string;
let keysDir: string;
let idp: SigningKey;

const citizen = { kind: 'citizen', sub: CITIZEN_ID };
const sign = (o: { expiresInS?: number; now?: Date; notBefore?: Date; audience?: string } = {}) =>
  signAccessToken(citizen, { key: idp, issuer: DEV_IDP_ISSUER, audience: o.audience ?? DEFAULT_AUDIENCE, ...o });
const freshTrust = (audience = DEFAULT_AUDIENCE): TrustedIssuer[] => devTrust({ keysDir, hubIssuer: HUB, audience });

function reasonOf(token: string, trust: TrustedIssuer[]): string {
  try {
    authenticate(`Bearer ${token}`, trust);
    return 'ACCEPTED';
  } catch (e) {
    if (e instanceof AuthenticationFailed) return String(e.extensions.reason);
    throw e;
  }
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hub-authn-test-'));
  keysDir = join(dir, 'keys');
  idp = loadOrCreateSigningKey(keysDir, 'dev-idp');
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

afterEach(() => jest.useRealTimers());

describe('authenticate: tokens verified before', () => {
  it('a token presented again gives the same principal, kept unchangeable (it is shared by the requests that present it)', () => {
    const trust = freshTrust();
    const token = sign();
    const first = authenticate(`Bearer ${token}`, trust);
    const again = authenticate(`Bearer ${token}`, trust);
    expect(first).toMatchObject({ kind: 'CITIZEN', personalId: CITIZEN_ID, issuer: DEV_IDP_ISSUER });
    // The same object: the second request did not verify the signature again.
    expect(again).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    expect(() => {
      (first as { personalId: string }).personalId = '079199001234';
    }).toThrow(TypeError);
  });

  it('is refused as EXPIRED once the clock passes its expiry and the 30 s tolerance, though it verified before', () => {
    const trust = freshTrust();
    const t0 = new Date('2026-12-05T08:00:00Z');
    jest.useFakeTimers({ now: t0, doNotFake: ['nextTick', 'setImmediate'] });
    const token = sign({ expiresInS: 60, now: t0 });
    expect(reasonOf(token, trust)).toBe('ACCEPTED');
    jest.setSystemTime(new Date(t0.getTime() + 89_000));
    expect(reasonOf(token, trust)).toBe('ACCEPTED');
    jest.setSystemTime(new Date(t0.getTime() + 90_000));
    expect(reasonOf(token, trust)).toBe('EXPIRED');
    // And stays refused (the entry is gone, the full verification refuses it too).
    expect(reasonOf(token, trust)).toBe('EXPIRED');
  });

  it('a token not yet valid is never kept: accepted only from its not-before (less the tolerance) on', () => {
    const trust = freshTrust();
    const t0 = new Date('2026-12-05T08:00:00Z');
    jest.useFakeTimers({ now: t0, doNotFake: ['nextTick', 'setImmediate'] });
    const token = sign({ now: t0, notBefore: new Date(t0.getTime() + 120_000) });
    expect(reasonOf(token, trust)).toBe('NOT_YET_VALID');
    jest.setSystemTime(new Date(t0.getTime() + 90_000));
    expect(reasonOf(token, trust)).toBe('ACCEPTED');
  });

  it('a key taken out of the trust list, or replaced under the same kid, refuses the tokens it verified before', () => {
    const trust = freshTrust();
    const token = sign();
    expect(reasonOf(token, trust)).toBe('ACCEPTED');
    const issuer = trust.find((t) => t.issuer === DEV_IDP_ISSUER)!;
    const key = issuer.keys.get(idp.kid)!;
    issuer.keys.delete(idp.kid);
    expect(reasonOf(token, trust)).toBe('UNKNOWN_KEY');
    issuer.keys.set(idp.kid, generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey);
    expect(reasonOf(token, trust)).toBe('BAD_SIGNATURE');
    issuer.keys.set(idp.kid, key);
    expect(reasonOf(token, trust)).toBe('ACCEPTED');
  });

  it('an issuer taken out of the trust list refuses the tokens it signed before', () => {
    const trust = freshTrust();
    const token = sign();
    expect(reasonOf(token, trust)).toBe('ACCEPTED');
    const i = trust.findIndex((t) => t.issuer === DEV_IDP_ISSUER);
    const [removed] = trust.splice(i, 1);
    try {
      expect(reasonOf(token, trust)).toBe('UNKNOWN_ISSUER');
    } finally {
      trust.splice(i, 0, removed);
    }
  });

  it('what one trust list accepted is not accepted by another (a hub with another audience)', () => {
    const ours = freshTrust();
    const theirs = freshTrust('another-hub');
    const token = sign();
    expect(reasonOf(token, ours)).toBe('ACCEPTED');
    expect(reasonOf(token, theirs)).toBe('WRONG_AUDIENCE');
    expect(reasonOf(sign({ audience: 'another-hub' }), theirs)).toBe('ACCEPTED');
  });

  it('a token with one character changed is verified afresh (and refused), not matched to the one before', () => {
    const trust = freshTrust();
    const token = sign();
    expect(reasonOf(token, trust)).toBe('ACCEPTED');
    const sig = token.slice(token.lastIndexOf('.') + 1);
    const flipped = `${token.slice(0, token.lastIndexOf('.') + 1)}${sig[0] === 'A' ? 'B' : 'A'}${sig.slice(1)}`;
    expect(reasonOf(flipped, trust)).toBe('BAD_SIGNATURE');
  });
});
