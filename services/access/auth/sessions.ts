import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Store } from '../../../store/connection';
import { isDuplicateKey } from '../../../store/concurrency';
import { TtlCache } from '../../../lib/ttl-cache';
import type { Jurisdiction, OfficerRole } from './principal';
import { pkceMatches } from './pkce';

/**
 * Sign-in sessions of the public apps (authorization code + PKCE, RFC 7636; refresh token
 * rotation, RFC 9700 §4.14): authorization codes, refresh tokens and revocations, in the store.
 *
 * Every decision that must happen once is an insert with a unique `_id` (the one write the
 * embedded store makes atomic), so several hub instances agree:
 * - a code is redeemed by inserting its use (`oauthCodeUses`); a second redemption loses the
 *   insert and revokes the session its first redemption started (RFC 6749 §4.1.2);
 * - a refresh token is spent by inserting its use (`oauthRefreshUses`); presenting a spent one
 *   loses the insert and revokes the whole session (every token of the family);
 * - a session is revoked by inserting its marker (`oauthSessionRevocations`): logout, revocation,
 *   reuse. The marker is what is read: refresh tokens and access tokens (their `sid`) of a
 *   revoked session are refused.
 * Codes and refresh tokens are stored as their SHA-256 only; they are never logged.
 */

/** Who signed in: what the session's access tokens assert. */
export type SignedIn =
  | { kind: 'citizen'; personalId: string }
  | { kind: 'officer'; officerId: string; role: OfficerRole; area: Jurisdiction; unit: string };

export const CODES_COLLECTION = 'oauthCodes';
export const CODE_USES_COLLECTION = 'oauthCodeUses';
export const REFRESH_TOKENS_COLLECTION = 'oauthRefreshTokens';
export const REFRESH_USES_COLLECTION = 'oauthRefreshUses';
export const SESSION_REVOCATIONS_COLLECTION = 'oauthSessionRevocations';

export type RevocationReason = 'LOGOUT' | 'REVOKED' | 'CODE_REUSED' | 'REFRESH_REUSED';
export type GrantFailure =
  'UNKNOWN' | 'EXPIRED' | 'WRONG_CLIENT' | 'WRONG_REDIRECT_URI' | 'WRONG_VERIFIER' | 'REUSED' | 'REVOKED';

/** A code or refresh token that gives nothing (`invalid_grant`), with why. */
export class GrantRefused extends Error {
  constructor(
    readonly reason: GrantFailure,
    message: string,
  ) {
    super(message);
  }
}

interface CodeDoc {
  _id: string;
  clientId: string;
  redirectUri: string;
  codeChallenge: string;
  subject: SignedIn;
  sessionId: string;
  createdAt: Date;
  expiresAt: Date;
}

interface RefreshDoc {
  _id: string;
  sessionId: string;
  clientId: string;
  subject: SignedIn;
  /** Rotations so far in this session. */
  generation: number;
  createdAt: Date;
  /** The session's end: no rotation extends it. */
  expiresAt: Date;
}

interface UseDoc {
  _id: string;
  sessionId: string;
  at: Date;
  expiresAt: Date;
}

interface RevocationDoc {
  _id: string;
  reason: RevocationReason;
  at: Date;
  expiresAt: Date;
}

/** A session with its current refresh token (given to the app once). */
export interface IssuedSession {
  sessionId: string;
  clientId: string;
  subject: SignedIn;
  refreshToken: string;
  /** When the session ends (its refresh tokens stop). */
  expiresAt: Date;
}

export interface AppSessionsOptions {
  /** Lifetime of an authorization code, seconds. Default 60. */
  codeTtlS?: number;
  /** Lifetime of a session (its last refresh token), seconds. */
  sessionTtlS: number;
  /** How long another instance may take to see a revocation (its cache), ms. Default 2000. */
  revocationCacheMs?: number;
  now?: () => Date;
}

const hashOf = (secret: string) => createHash('sha256').update(secret, 'utf8').digest('base64url');
const newSecret = () => randomBytes(32).toString('base64url');
const PURGE_EVERY_MS = 60_000;

export class AppSessions {
  private readonly codes;
  private readonly codeUses;
  private readonly refreshTokens;
  private readonly refreshUses;
  private readonly revocations;
  private readonly now: () => Date;
  private readonly codeTtlMs: number;
  private readonly sessionTtlMs: number;
  /** Sessions known revoked (a marker never goes away while the session could live). */
  private readonly revoked: TtlCache<true>;
  /** Sessions seen not revoked, for a short while (another instance's revocation shows within it). */
  private readonly notRevoked: TtlCache<true>;
  private lastPurge = 0;

  constructor(store: Store, opts: AppSessionsOptions) {
    this.codes = store.hubDb.collection<CodeDoc>(CODES_COLLECTION);
    this.codeUses = store.hubDb.collection<UseDoc>(CODE_USES_COLLECTION);
    this.refreshTokens = store.hubDb.collection<RefreshDoc>(REFRESH_TOKENS_COLLECTION);
    this.refreshUses = store.hubDb.collection<UseDoc>(REFRESH_USES_COLLECTION);
    this.revocations = store.hubDb.collection<RevocationDoc>(SESSION_REVOCATIONS_COLLECTION);
    this.now = opts.now ?? (() => new Date());
    this.codeTtlMs = (opts.codeTtlS ?? 60) * 1000;
    this.sessionTtlMs = opts.sessionTtlS * 1000;
    this.revoked = new TtlCache(this.sessionTtlMs, 100_000);
    this.notRevoked = new TtlCache(opts.revocationCacheMs ?? 2_000, 100_000);
  }

  /** A new single-use authorization code for a signed-in subject, bound to the client, redirect URI and challenge. */
  async issueCode(req: {
    clientId: string;
    redirectUri: string;
    codeChallenge: string;
    subject: SignedIn;
  }): Promise<string> {
    const at = this.now();
    const code = newSecret();
    await this.codes.insertOne({
      _id: hashOf(code),
      clientId: req.clientId,
      redirectUri: req.redirectUri,
      codeChallenge: req.codeChallenge,
      subject: req.subject,
      sessionId: randomUUID(),
      createdAt: at,
      expiresAt: new Date(at.getTime() + this.codeTtlMs),
    });
    this.purgeSometimes(at);
    return code;
  }

  /**
   * Redeems a code once: the session it starts, with its first refresh token. Throws GrantRefused.
   * The verifier is checked before the code is spent, so someone holding a stolen code but not
   * the verifier can neither use it nor revoke the legitimate session.
   */
  async redeemCode(r: {
    code: string;
    clientId: string;
    redirectUri: string;
    codeVerifier: string;
  }): Promise<IssuedSession> {
    const at = this.now();
    const id = hashOf(r.code);
    const doc = await this.codes.findOne({ _id: id });
    if (!doc) throw new GrantRefused('UNKNOWN', 'unknown authorization code');
    if (doc.clientId !== r.clientId) throw new GrantRefused('WRONG_CLIENT', 'the code was issued to another client');
    if (doc.redirectUri !== r.redirectUri)
      throw new GrantRefused('WRONG_REDIRECT_URI', 'redirect_uri differs from the authorization request');
    if (doc.expiresAt.getTime() <= at.getTime()) throw new GrantRefused('EXPIRED', 'authorization code expired');
    if (!pkceMatches(r.codeVerifier, doc.codeChallenge))
      throw new GrantRefused('WRONG_VERIFIER', 'code_verifier does not match the code_challenge');
    try {
      await this.codeUses.insertOne({ _id: id, sessionId: doc.sessionId, at, expiresAt: doc.expiresAt });
    } catch (e) {
      if (!isDuplicateKey(e)) throw e;
      await this.revoke(doc.sessionId, 'CODE_REUSED');
      throw new GrantRefused('REUSED', 'authorization code already used; the tokens issued with it are revoked');
    }
    // A second redemption racing this one may have revoked the session already.
    if (await this.revokedInStore(doc.sessionId)) throw new GrantRefused('REVOKED', 'the session is revoked');
    const expiresAt = new Date(at.getTime() + this.sessionTtlMs);
    const refreshToken = await this.newRefreshToken(doc, 0, at, expiresAt);
    return { sessionId: doc.sessionId, clientId: doc.clientId, subject: doc.subject, refreshToken, expiresAt };
  }

  /**
   * Spends a refresh token for the next one of its session (rotation). A token presented again
   * after it was spent revokes the whole session. Throws GrantRefused.
   */
  async rotate(r: { refreshToken: string; clientId: string }): Promise<IssuedSession> {
    const at = this.now();
    const id = hashOf(r.refreshToken);
    const doc = await this.refreshTokens.findOne({ _id: id });
    if (!doc) throw new GrantRefused('UNKNOWN', 'unknown refresh token');
    if (doc.clientId !== r.clientId) throw new GrantRefused('WRONG_CLIENT', 'the token was issued to another client');
    if (doc.expiresAt.getTime() <= at.getTime()) throw new GrantRefused('EXPIRED', 'the session has ended');
    try {
      await this.refreshUses.insertOne({ _id: id, sessionId: doc.sessionId, at, expiresAt: doc.expiresAt });
    } catch (e) {
      if (!isDuplicateKey(e)) throw e;
      await this.revoke(doc.sessionId, 'REFRESH_REUSED');
      throw new GrantRefused('REUSED', 'refresh token already used; the session is revoked');
    }
    if (await this.revokedInStore(doc.sessionId)) throw new GrantRefused('REVOKED', 'the session is revoked');
    const refreshToken = await this.newRefreshToken(doc, doc.generation + 1, at, doc.expiresAt);
    return {
      sessionId: doc.sessionId,
      clientId: doc.clientId,
      subject: doc.subject,
      refreshToken,
      expiresAt: doc.expiresAt,
    };
  }

  /** The session of a refresh token issued to `clientId` (spent or not), or null. */
  async sessionOfRefreshToken(refreshToken: string, clientId: string): Promise<string | null> {
    const doc = await this.refreshTokens.findOne(
      { _id: hashOf(refreshToken) },
      { projection: { sessionId: 1, clientId: 1 } },
    );
    return doc && doc.clientId === clientId ? doc.sessionId : null;
  }

  /** Revokes a session (idempotent): its refresh tokens and access tokens stop. */
  async revoke(sessionId: string, reason: RevocationReason): Promise<void> {
    const at = this.now();
    try {
      await this.revocations.insertOne({
        _id: sessionId,
        reason,
        at,
        // Past the end of any session that had started by now, and of its last access token.
        expiresAt: new Date(at.getTime() + this.sessionTtlMs + 3_600_000),
      });
    } catch (e) {
      if (!isDuplicateKey(e)) throw e;
    }
    this.revoked.set(sessionId, true);
    this.notRevoked.delete(sessionId);
  }

  /**
   * Whether a session is revoked, for the request path: a revocation in this instance counts at
   * once, one in another instance within `revocationCacheMs`.
   */
  async isRevoked(sessionId: string): Promise<boolean> {
    if (this.revoked.get(sessionId)) return true;
    if (this.notRevoked.get(sessionId)) return false;
    return this.revokedInStore(sessionId);
  }

  private async revokedInStore(sessionId: string): Promise<boolean> {
    const marker = await this.revocations.findOne({ _id: sessionId }, { projection: { _id: 1 } });
    if (marker) this.revoked.set(sessionId, true);
    else this.notRevoked.set(sessionId, true);
    return !!marker;
  }

  private async newRefreshToken(
    from: Pick<CodeDoc, 'sessionId' | 'clientId' | 'subject'>,
    generation: number,
    at: Date,
    expiresAt: Date,
  ): Promise<string> {
    const token = newSecret();
    await this.refreshTokens.insertOne({
      _id: hashOf(token),
      sessionId: from.sessionId,
      clientId: from.clientId,
      subject: from.subject,
      generation,
      createdAt: at,
      expiresAt,
    });
    return token;
  }

  /** Expired codes, tokens, uses and markers go, at most once a minute (in the background). */
  private purgeSometimes(at: Date): void {
    if (at.getTime() - this.lastPurge < PURGE_EVERY_MS) return;
    this.lastPurge = at.getTime();
    const old = { expiresAt: { $lt: new Date(at.getTime() - 60_000) } };
    for (const c of [this.codes, this.codeUses, this.refreshTokens, this.refreshUses, this.revocations]) {
      c.deleteMany(old).catch(() => {});
    }
  }
}
