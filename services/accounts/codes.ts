/**
 * One-time codes (activation, phone change): six digits, stored as a salted scrypt hash, with a
 * bounded number of wrong guesses that holds across hub instances.
 */
import { randomBytes, randomInt, scrypt as scryptCb, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import type { Collection } from 'mongodb';
import { isDuplicateKey } from '../../store/concurrency';
import type { OneTimeCode, ServiceUserError, StoredAccount } from './model';

const scrypt = promisify(scryptCb) as (pw: string, salt: Buffer, len: number) => Promise<Buffer>;

/** One document per wrong one-time code (its guess slot, see `verifyCode`). */
export const ACCOUNT_CODE_GUESSES_COLLECTION = 'accountCodeGuesses';

/** Wrong codes allowed before the code is void. */
export const MAX_CODE_ATTEMPTS = 5;
/** The phone verification code is valid this long. */
export const PHONE_CODE_TTL_MS = 10 * 60_000;
/** New codes on request: at most this many per activation window / per hour for a phone change… */
export const MAX_CODE_SENDS = 3;
/** …and at least this long apart. */
export const MIN_CODE_INTERVAL_MS = 60_000;

export interface CodeGuessDoc {
  _id: string;
  personalId: string;
  at: Date;
}

/** What checking a code needs: the accounts, the guess slots, the clock. */
export interface CodeChecker {
  readonly accounts: Collection<StoredAccount>;
  readonly guesses: Collection<CodeGuessDoc>;
  readonly now: () => Date;
}

async function hashCode(code: string, salt: Buffer): Promise<string> {
  return (await scrypt(code, salt, 32)).toString('hex');
}

/** A new random code, valid `ttlMs` from `now`, and what the account stores of it. */
export async function newCode(now: Date, ttlMs: number): Promise<{ code: string; stored: OneTimeCode }> {
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  const salt = randomBytes(16);
  return {
    code,
    stored: {
      hash: await hashCode(code, salt),
      salt: salt.toString('hex'),
      attempts: 0,
      sentAt: now,
      expiresAt: new Date(now.getTime() + ttlMs),
    },
  };
}

async function codeMatches(stored: OneTimeCode, code: string): Promise<boolean> {
  const h = Buffer.from(await hashCode(code, Buffer.from(stored.salt, 'hex')), 'hex');
  const want = Buffer.from(stored.hash, 'hex');
  return h.length === want.length && timingSafeEqual(h, want);
}

/**
 * Verifies a one-time code against the account as the transition read it; null when it
 * matches. Every wrong code takes the next free guess slot of that code: an insert into
 * `accountCodeGuesses` with `_id` = `<personalId>|<field>|<hash>|<n>` (a unique `_id` is the one
 * compare-and-set the embedded store makes atomic), so concurrent guesses, on any hub instance,
 * never get past {@link MAX_CODE_ATTEMPTS}; the account's `attempts` follows (a lower bound
 * when instances race). A right code is accepted only while the last slot is free. The
 * activation window is the lifecycle's to judge.
 */
export async function verifyCode(
  checker: CodeChecker,
  account: StoredAccount,
  field: 'activationCode' | 'phoneChange',
  code: string,
): Promise<ServiceUserError | null> {
  const stored = account[field];
  if (!stored) return { code: 'NO_CODE_PENDING', message: 'No code was sent for this' };
  const tooMany: ServiceUserError = {
    code: 'TOO_MANY_ATTEMPTS',
    message: 'Too many wrong codes: ask for a new code',
  };
  if (stored.attempts >= MAX_CODE_ATTEMPTS) return tooMany;
  if (field === 'phoneChange' && checker.now() > stored.expiresAt) {
    return { code: 'CODE_EXPIRED', message: 'The code has expired: ask for a new one' };
  }
  const slot = (n: number) => `${account._id}|${field}|${stored.hash.slice(0, 24)}|${n}`;
  if (/^\d{6}$/.test(code) && (await codeMatches(stored, code))) {
    return (await checker.guesses.findOne({ _id: slot(MAX_CODE_ATTEMPTS) })) ? tooMany : null;
  }
  for (let n = stored.attempts + 1; n <= MAX_CODE_ATTEMPTS; n++) {
    try {
      await checker.guesses.insertOne({ _id: slot(n), personalId: account._id, at: checker.now() });
    } catch (e) {
      if (isDuplicateKey(e)) continue; // a guess made meanwhile (another instance) took it
      throw e;
    }
    await checker.accounts.updateOne(
      { _id: account._id, [`${field}.hash`]: stored.hash },
      {
        $inc: { [`${field}.attempts`]: 1 },
      },
    );
    const left = MAX_CODE_ATTEMPTS - n;
    return { code: 'INVALID_CODE', message: `Wrong code (${left} attempt${left === 1 ? '' : 's'} left)` };
  }
  return tooMany;
}
