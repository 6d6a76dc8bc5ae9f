import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import type { Store } from '../../../store/connection';
import { ACCOUNTS_COLLECTION } from '../../accounts/store';
import { isDuplicateKey } from '../../../store/concurrency';
import { defaultUnit } from './dev-idp';
import { NATIONAL_AREA_CODE, type Jurisdiction, type OfficerRole } from './principal';
import type { SignedIn } from './sessions';

/**
 * The development identity provider's login (a stand-in for VNeID, never on in production): the
 * person says who they are (a citizen by personal ID, or one of the development officer
 * accounts), then types a one-time code the hub writes to its log (standing in for SMS or
 * biometrics). What must happen once is an insert with a unique `_id`: a challenge is completed
 * by inserting `<challenge>#done`; wrong guesses are numbered `<challenge>#<n>` and the
 * `MAX_GUESSES`th locks it, on every hub instance alike.
 */

/** The authorization request a login completes (checked before the login starts). */
export interface AuthorizationRequest {
  clientId: string;
  redirectUri: string;
  codeChallenge: string;
  state?: string;
  lang: 'vi' | 'en';
}

/** A development officer account: who the dev IdP lets sign in as an officer. */
export interface DevOfficer {
  id: string;
  role: OfficerRole;
  area: Jurisdiction;
  unit: string;
}

const officer = (id: string, role: OfficerRole, area: Jurisdiction): DevOfficer => ({
  id,
  role,
  area,
  unit: defaultUnit(area),
});

/** The development officer accounts: each role, a province, a ward, and the national supervisor. */
export const DEV_OFFICERS: readonly DevOfficer[] = [
  officer('CA-HN-DC-01', 'DATA_CLEANING', { province: '01' }),
  officer('CA-HN-AP-01', 'ACCOUNT_APPROVER', { province: '01' }),
  officer('CA-HK-AP-01', 'ACCOUNT_APPROVER', { province: '01', commune: '01001' }),
  officer('CA-HN-WG-01', 'WORKING_GROUP', { province: '01' }),
  officer('CA-HN-SV-01', 'SUPERVISOR', { province: '01' }),
  officer('CA-HCM-DC-01', 'DATA_CLEANING', { province: '79' }),
  officer('CA-HCM-AP-01', 'ACCOUNT_APPROVER', { province: '79' }),
  officer('CA-DN-WG-01', 'WORKING_GROUP', { province: '48' }),
  officer('BCA-SV-01', 'SUPERVISOR', { province: NATIONAL_AREA_CODE }),
];

export const LOGIN_REQUESTS_COLLECTION = 'devIdpRequests';
export const LOGIN_CHALLENGES_COLLECTION = 'devIdpChallenges';
export const LOGIN_GUESSES_COLLECTION = 'devIdpGuesses';
/** Wrong codes a challenge takes; the last locks it. */
export const MAX_GUESSES = 5;
const REQUEST_TTL_MS = 10 * 60_000;
const CHALLENGE_TTL_MS = 5 * 60_000;

interface RequestDoc extends AuthorizationRequest {
  _id: string;
  expiresAt: Date;
}

interface ChallengeDoc {
  _id: string;
  requestId: string;
  subject: SignedIn;
  codeHash: string;
  expiresAt: Date;
}

export type VerifyOutcome =
  | { ok: true; request: AuthorizationRequest; subject: SignedIn }
  | { ok: false; reason: 'UNKNOWN' | 'EXPIRED' | 'USED' | 'LOCKED' }
  | { ok: false; reason: 'WRONG'; remaining: number };

const id = () => randomBytes(16).toString('base64url');
const codeHash = (challengeId: string, code: string) => createHash('sha256').update(`${challengeId}:${code}`).digest();

export class DevLogin {
  private readonly requests;
  private readonly challenges;
  private readonly guesses;
  private readonly accounts;
  private lastPurge = 0;
  private sampled: { at: number; ids: Promise<string[]> } | undefined;

  constructor(
    store: Store,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.requests = store.hubDb.collection<RequestDoc>(LOGIN_REQUESTS_COLLECTION);
    this.challenges = store.hubDb.collection<ChallengeDoc>(LOGIN_CHALLENGES_COLLECTION);
    this.guesses = store.hubDb.collection<{ _id: string; expiresAt: Date }>(LOGIN_GUESSES_COLLECTION);
    this.accounts = store.hubDb.collection<{ _id: string }>(ACCOUNTS_COLLECTION);
  }

  /** A few personal IDs with an ACTIVE Level 2 account, offered on the login page (read once a minute). */
  samples(): Promise<string[]> {
    const at = this.now().getTime();
    if (!this.sampled || at - this.sampled.at > 60_000) {
      const ids = this.accounts
        .find({ status: 'ACTIVE', level: 2 }, { projection: { _id: 1 } })
        .sort({ _id: 1 })
        .limit(5)
        .toArray()
        .then((docs) => docs.map((d) => d._id))
        .catch(() => []);
      this.sampled = { at, ids };
    }
    return this.sampled.ids;
  }

  /** Keeps a checked authorization request for the login pages; returns its id. */
  async start(request: AuthorizationRequest): Promise<string> {
    const at = this.now();
    const _id = id();
    await this.requests.insertOne({ _id, ...request, expiresAt: new Date(at.getTime() + REQUEST_TTL_MS) });
    this.purgeSometimes(at);
    return _id;
  }

  /** A pending authorization request, or null when unknown or expired. */
  async request(requestId: string): Promise<AuthorizationRequest | null> {
    const doc = await this.requests.findOne({ _id: requestId });
    if (!doc || doc.expiresAt.getTime() <= this.now().getTime()) return null;
    const { clientId, redirectUri, codeChallenge, state, lang } = doc;
    return { clientId, redirectUri, codeChallenge, lang, ...(state !== undefined ? { state } : {}) };
  }

  /** A one-time code for `subject` under a pending request: the challenge id and the code (to be logged). */
  async challenge(requestId: string, subject: SignedIn): Promise<{ challengeId: string; code: string }> {
    const challengeId = id();
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    await this.challenges.insertOne({
      _id: challengeId,
      requestId,
      subject,
      codeHash: codeHash(challengeId, code).toString('base64url'),
      expiresAt: new Date(this.now().getTime() + CHALLENGE_TTL_MS),
    });
    return { challengeId, code };
  }

  /** Checks a typed code: once right, the login is complete (once); wrong guesses are capped. */
  async verify(challengeId: string, code: string): Promise<VerifyOutcome> {
    const at = this.now();
    const doc = await this.challenges.findOne({ _id: challengeId });
    if (!doc) return { ok: false, reason: 'UNKNOWN' };
    if (doc.expiresAt.getTime() <= at.getTime()) return { ok: false, reason: 'EXPIRED' };
    if (await this.guesses.findOne({ _id: `${challengeId}#${MAX_GUESSES}` })) return { ok: false, reason: 'LOCKED' };
    const expiresAt = doc.expiresAt;
    const right =
      /^\d{6}$/.test(code) && timingSafeEqual(codeHash(challengeId, code), Buffer.from(doc.codeHash, 'base64url'));
    if (!right) {
      for (let n = 1; n <= MAX_GUESSES; n++) {
        try {
          await this.guesses.insertOne({ _id: `${challengeId}#${n}`, expiresAt });
        } catch (e) {
          if (isDuplicateKey(e)) continue;
          throw e;
        }
        return n === MAX_GUESSES
          ? { ok: false, reason: 'LOCKED' }
          : { ok: false, reason: 'WRONG', remaining: MAX_GUESSES - n };
      }
      return { ok: false, reason: 'LOCKED' };
    }
    try {
      await this.guesses.insertOne({ _id: `${challengeId}#done`, expiresAt });
    } catch (e) {
      if (isDuplicateKey(e)) return { ok: false, reason: 'USED' };
      throw e;
    }
    const request = await this.request(doc.requestId);
    if (!request) return { ok: false, reason: 'EXPIRED' };
    return { ok: true, request, subject: doc.subject };
  }

  private purgeSometimes(at: Date): void {
    if (at.getTime() - this.lastPurge < 60_000) return;
    this.lastPurge = at.getTime();
    const old = { expiresAt: { $lt: at } };
    for (const c of [this.requests, this.challenges, this.guesses]) c.deleteMany(old).catch(() => {});
  }
}
