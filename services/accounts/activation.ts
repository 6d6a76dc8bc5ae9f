/**
 * Activation: the approval notice with its one-time code (the 7-day window starts), new codes
 * within the window, the citizen's activation, and an officer's reopening.
 */
import { activationDeadline, vietnamDate } from './calendar';
import { MAX_CODE_ATTEMPTS, MAX_CODE_SENDS, MIN_CODE_INTERVAL_MS, newCode, verifyCode } from './codes';
import type { AccountCommitter } from './commit';
import type { Actor, OneTimeCode, TransitionResult } from './model';
import type { NotifyChannel } from './notifier';
import { asRead, concurrent, err, merge } from './results';

/** Sends the approval notice with a new activation code (SMS to the account's phone); starts the 7-day window. */
export async function notifyApproval(core: AccountCommitter, personalId: string): Promise<TransitionResult> {
  const r = await core
    .transition(
      personalId,
      (account, at) => {
        if (!account) return { code: 'NO_ACCOUNT', message: 'No account' };
        return { type: 'NOTIFY', at, by: { kind: 'system' }, channel: 'SMS' };
      },
      async (next) => {
        const at = next.notifiedAt!;
        const { code, stored } = await newCode(at, activationDeadline(at).getTime() - at.getTime());
        const channel: NotifyChannel = 'SMS';
        // Sent before the commit: if the gateway refuses, nothing is committed and the sweep retries.
        await core.deps.notifier.send({
          personalId,
          channel,
          to: next.phone,
          template: 'ACCOUNT_APPROVED',
          params: { code, activateBy: vietnamDate(activationDeadline(at)) },
        });
        return { ...next, activationCode: { ...stored, firstSentAt: at, resends: 0 }, notifyChannel: channel };
      },
    )
    .catch((e: unknown) => {
      core.deps.logger.warn({ err: e, personalId }, 'approval notice not sent; the sweep retries');
      return null;
    });
  return r ?? { account: await core.get(personalId), userError: null, changes: [] };
}

/** A new activation code within the same window (the window does not restart). */
export async function resendActivationCode(core: AccountCommitter, personalId: string): Promise<TransitionResult> {
  return core.mutex.run(personalId, async () => {
    const account = await core.get(personalId);
    if (!account) return err('NO_ACCOUNT', 'This person has no account');
    if (account.status !== 'APPROVED' || !account.notifiedAt) {
      return { ...err('ILLEGAL_TRANSITION', `No activation is pending (account is ${account.status})`), account };
    }
    const now = core.now();
    const deadline = activationDeadline(account.notifiedAt);
    if (now > deadline) {
      return {
        ...err('ACTIVATION_WINDOW_CLOSED', 'The 7-day window has closed; an officer must reopen the account'),
        account,
      };
    }
    const prev = account.activationCode;
    if (prev && prev.attempts >= MAX_CODE_ATTEMPTS) {
      return {
        ...err('TOO_MANY_ATTEMPTS', 'Too many wrong codes: call the hotline, or an officer reopens the account'),
        account,
      };
    }
    const resends = prev?.resends ?? 0;
    if (prev && (resends >= MAX_CODE_SENDS || now.getTime() - prev.sentAt.getTime() < MIN_CODE_INTERVAL_MS)) {
      return {
        ...err('TOO_MANY_CODES', `At most ${MAX_CODE_SENDS} new codes per window, a minute apart; call the hotline`),
        account,
      };
    }
    const { code, stored } = await newCode(now, deadline.getTime() - now.getTime());
    try {
      await core.deps.notifier.send({
        personalId,
        channel: 'SMS',
        to: account.phone,
        template: 'ACCOUNT_APPROVED',
        params: { code, activateBy: vietnamDate(deadline) },
      });
    } catch (e) {
      core.deps.logger.warn({ err: e, personalId }, 'activation code not sent');
      return { ...err('NOTICE_NOT_SENT', 'The code could not be sent; try again later'), account };
    }
    // Wrong attempts carry over: a new code does not buy more guesses.
    const activationCode: OneTimeCode = {
      ...stored,
      attempts: prev?.attempts ?? 0,
      resends: resends + 1,
      firstSentAt: prev?.firstSentAt ?? now,
    };
    // Only onto the account as checked above (another instance may have activated it meanwhile).
    const written = await core.accounts.updateOne(asRead(account), { $set: { activationCode } });
    if (written.matchedCount !== 1) return { ...concurrent(), account: await core.get(personalId) };
    return { account: { ...account, activationCode }, userError: null, changes: [] };
  });
}

/**
 * The citizen activates with the one-time code, within 7 days of the notice. The code is
 * checked inside the transition, on the account the activation commits against, and removed
 * by that commit: single use, even when several requests (or hub instances) race.
 */
export async function activate(core: AccountCommitter, personalId: string, code: string): Promise<TransitionResult> {
  return core.transition(personalId, async (account, at) => {
    if (!account) return { code: 'NO_ACCOUNT', message: 'This person has no account' };
    // No code and not APPROVED: the lifecycle refuses ACTIVATE on this very state and says why.
    if (account.activationCode || account.status === 'APPROVED') {
      const bad = await verifyCode(core, account, 'activationCode', code);
      if (bad) return bad;
    }
    return { type: 'ACTIVATE', at, by: { kind: 'citizen' } };
  });
}

/** An officer of the area reopens an account whose window closed; a new notice follows. */
export async function reopen(core: AccountCommitter, by: Actor, personalId: string): Promise<TransitionResult> {
  const r = await core.transition(personalId, (_a, at) => ({ type: 'REOPEN', at, by }));
  if (r.userError || !r.account) return r;
  return merge(r, await notifyApproval(core, personalId));
}
