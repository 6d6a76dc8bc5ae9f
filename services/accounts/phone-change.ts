/** Moving an account to a new phone number: an officer in person, or the holder with a code sent to it. */
import { MAX_CODE_SENDS, MIN_CODE_INTERVAL_MS, PHONE_CODE_TTL_MS, newCode, verifyCode } from './codes';
import type { AccountCommitter } from './commit';
import { INVALID_PHONE_MESSAGE, normalizePhone } from './lifecycle/phone';
import type { AccountEvent, Actor, ServiceUserError, TransitionResult } from './model';
import { asRead, concurrent, err } from './results';

/** The holder asks to move the account to a new number: a code goes to the new number. */
export async function startPhoneChange(
  core: AccountCommitter,
  personalId: string,
  rawPhone: string,
): Promise<TransitionResult> {
  return core.mutex.run(personalId, async () => {
    const account = await core.get(personalId);
    if (!account) return err('NO_ACCOUNT', 'This person has no account');
    if (account.status !== 'ACTIVE') {
      return {
        ...err('NOT_PERMITTED', `Online phone change needs an ACTIVE account (this one is ${account.status})`),
        account,
      };
    }
    const phone = normalizePhone(rawPhone);
    if (!phone) return { ...err('INVALID_PHONE', INVALID_PHONE_MESSAGE), account };
    if (phone === account.phone) return { ...err('PHONE_UNCHANGED', 'The new number is the current one'), account };
    const now = core.now();
    const prev = account.phoneChange;
    const recent = !!prev?.firstSentAt && now.getTime() - prev.firstSentAt.getTime() < 3_600_000;
    const sends = recent ? (prev.resends ?? 0) + 1 : 0;
    if (prev && (sends >= MAX_CODE_SENDS || now.getTime() - prev.sentAt.getTime() < MIN_CODE_INTERVAL_MS)) {
      return {
        ...err('TOO_MANY_CODES', `At most ${MAX_CODE_SENDS} codes an hour, a minute apart; change it in person`),
        account,
      };
    }
    const { code, stored } = await newCode(now, PHONE_CODE_TTL_MS);
    try {
      await core.deps.notifier.send({
        personalId,
        channel: 'SMS',
        to: phone,
        template: 'PHONE_VERIFICATION',
        params: { code },
      });
    } catch (e) {
      core.deps.logger.warn({ err: e, personalId }, 'phone verification code not sent');
      return { ...err('NOTICE_NOT_SENT', 'The code could not be sent; try again later'), account };
    }
    const phoneChange = {
      ...stored,
      phone,
      attempts: recent ? prev.attempts : 0,
      resends: sends,
      firstSentAt: recent ? prev.firstSentAt : now,
    };
    // Only onto the account as checked above (another instance may have locked it meanwhile).
    const written = await core.accounts.updateOne(asRead(account), { $set: { phoneChange } });
    if (written.matchedCount !== 1) return { ...concurrent(), account: await core.get(personalId) };
    return { account: { ...account, phoneChange }, userError: null, changes: [] };
  });
}

/**
 * Officer in person (no code), or the holder with the code sent to the new number. Every
 * check (ACTIVE, the pending number, the code) is made inside the transition on the account
 * the change commits against; only a code checked there marks the change as verified.
 */
export async function changePhone(
  core: AccountCommitter,
  by: Actor,
  personalId: string,
  rawPhone: string,
  code?: string | null,
): Promise<TransitionResult> {
  return core.transition(
    personalId,
    async (account, at): Promise<AccountEvent | ServiceUserError> => {
      const event: AccountEvent = { type: 'PHONE_CHANGE', at, by, phone: rawPhone };
      // No account, or not ACTIVE: the lifecycle refuses a holder's change on this very state.
      if (by.kind !== 'citizen' || !account || account.status !== 'ACTIVE') return event;
      const pending = account.phoneChange;
      if (!pending || normalizePhone(rawPhone) !== pending.phone) {
        return {
          code: 'NO_CODE_PENDING',
          message: 'Ask for a code to the new number first (accountPhoneChangeStart)',
        };
      }
      if (!code) return { code: 'PHONE_NOT_VERIFIED', message: 'Confirm the verification code sent to the new number' };
      const bad = await verifyCode(core, account, 'phoneChange', code);
      if (bad) return bad;
      return { ...event, verificationCodeConfirmed: true };
    },
    (next) => {
      delete next.phoneChange;
      return next;
    },
  );
}
