/** The service's refusals of bad input, and the shapes of its answers. */
import type { Filter } from 'mongodb';
import type { ServiceErrorCode, StoredAccount, TransitionResult } from './model';

/** Longest e-mail address (RFC 5321 path limit), and its parts. */
export const MAX_EMAIL_LENGTH = 254;
const EMAIL_RE = /^[^\s@]{1,64}@[^\s@]{1,251}\.[A-Za-z]{2,63}$/;
/** Longest reason an officer or holder gives (lock, unlock, rejection). */
export const MAX_REASON_LENGTH = 500;
/** A portrait reference: letters, digits and `._:/-`, at most 128 characters. */
export const PORTRAIT_REF_RE = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$/;

export const err = (code: ServiceErrorCode, message: string): TransitionResult => ({
  account: null,
  userError: { code, message },
  changes: [],
});

export const concurrent = (): TransitionResult =>
  err('CONCURRENT_CHANGE', 'The account was changed at the same time; retry');

/** A refusal of the registration's free text, or null. Never echoes the input. */
export function badRegistrationInput(input: {
  portraitRef?: string | null;
  email?: string | null;
}): TransitionResult | null {
  if (input.email && (input.email.length > MAX_EMAIL_LENGTH || !EMAIL_RE.test(input.email)))
    return err(
      'INVALID_EMAIL',
      `Not an e-mail address (at most ${MAX_EMAIL_LENGTH} characters, a top-level domain of 2 to 63 letters)`,
    );
  if (input.portraitRef && !PORTRAIT_REF_RE.test(input.portraitRef))
    return err('INVALID_INPUT', 'portraitRef: at most 128 letters, digits and . _ : / -');
  return null;
}

/** A refusal of an over-long reason, or null. */
export function badReason(reason: string | null | undefined): TransitionResult | null {
  return reason && reason.length > MAX_REASON_LENGTH
    ? err('INVALID_INPUT', `A reason has at most ${MAX_REASON_LENGTH} characters`)
    : null;
}

/** Two steps as one answer: the second's account and error, the changes of both. */
export function merge(a: TransitionResult, b: TransitionResult): TransitionResult {
  return {
    account: b.account ?? a.account,
    userError: b.userError,
    changes: [...a.changes, ...b.changes],
  };
}

/** The filter of a conditional write that applies only to the account as it was read (status and seq). */
export function asRead(account: StoredAccount): Filter<StoredAccount> {
  return {
    _id: account._id,
    status: account.status,
    seq: account.seq === undefined ? { $exists: false } : account.seq,
  };
}
