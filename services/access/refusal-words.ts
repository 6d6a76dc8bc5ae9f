import type { GuardianRefusal } from './guardianship';

/**
 * The words of the policy's refusals for a role: which roles would do, so that nobody has to read
 * `extensions.required` to know whom to ask (the codes and `required` stay the contract).
 */

/** An officer whose role is not among `roles`. */
export function roleNeeded(roles: readonly string[], role: string): string {
  return `This needs the officer role ${roles.join(' or ')}; your role is ${role}`;
}

/** A caller who is not an officer (nor, with `orSelf`, the citizen themself). */
export function officersOnly(roles: readonly string[], orSelf: boolean): string {
  return `This is for officers with the role ${roles.join(' or ')}${orSelf ? ', or the citizen themself' : ''}`;
}

/** The error with its message in these words (its code, reason and `required` unchanged). */
export function inWords<E extends Error>(error: E, message: string): E {
  error.message = message;
  return error;
}

/** Words for a guardian entry point's refusals (`message`; the code is `extensions.reason`). */
export const GUARDIAN_REFUSAL_WORDS: Record<GuardianRefusal, string> = {
  GUARDIAN_LEVEL_2_REQUIRED: "A child's papers are seen through the guardian's own ACTIVE Level 2 account",
  NOT_GUARDIAN: 'The population record does not show you as this person’s parent or legal guardian',
  GUARDIANSHIP_ENDED: 'The guardianship has ended (the person is 14, or the record no longer shows it)',
};
