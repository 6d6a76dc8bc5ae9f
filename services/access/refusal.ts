/**
 * What the disclosure policy's refusals say: the minimum account level of each document, and the
 * FORBIDDEN error naming the reason and what is missing (`extensions.required`).
 */
import { GraphQLError } from 'graphql';
import { ErrorCode } from '../../lib/errors';
import type { AccountLevel } from '../accounts/store';
import type { DenialReason } from '../audit/model';
import type { DocumentScope } from './auth/principal';
import { GUARDIANSHIP_ENDS_AT } from './guardianship';

/** Minimum account level per document (docs/domain.md: Level 1 = basic identity only). */
export const MIN_LEVEL: Record<DocumentScope, AccountLevel> = {
  IDENTITY: 1,
  RESIDENCE: 2,
  IDENTITY_CARD: 2,
  FAMILY: 2,
  DRIVING_LICENCE: 2,
  HEALTH_INSURANCE: 2,
  SOCIAL_INSURANCE: 2,
  HEALTH_RECORD: 2,
};

/**
 * What a refused caller lacks (`extensions.required` of a FORBIDDEN error): the document scope,
 * the account level it needs, the officer roles, that the caller be the citizen (or a client
 * under their consent), or that the citizen or area be in the officer's jurisdiction.
 */
export interface Required {
  scope?: DocumentScope;
  level?: AccountLevel;
  /** The account must be ACTIVE. */
  accountStatus?: 'ACTIVE';
  roles?: readonly string[];
  /** Who may ask at all (NOT_SUBJECT). */
  principal?: ReadonlyArray<'CITIZEN' | 'CLIENT' | 'OFFICER'>;
  jurisdiction?: true;
  /**
   * A guardian entry point: the caller must be the child's parent or legal guardian in the
   * population record (`relation`), with their own ACTIVE Level 2 account (`level`,
   * `accountStatus`), while the child is under `ageUnder` (14).
   */
  guardianship?: { relation: 'PARENT_OR_LEGAL_GUARDIAN'; level: 2; accountStatus: 'ACTIVE'; ageUnder: number };
}

/** What each reason lacks when no more is known. */
function requiredFor(reason: DenialReason, scope?: DocumentScope): Required {
  const s = scope ? { scope } : {};
  switch (reason) {
    case 'LEVEL_TOO_LOW':
      return { ...s, ...(scope ? { level: MIN_LEVEL[scope] } : {}) };
    case 'ACCOUNT_INACTIVE':
      return { ...s, accountStatus: 'ACTIVE', ...(scope ? { level: MIN_LEVEL[scope] } : {}) };
    case 'OUT_OF_JURISDICTION':
      return { ...s, jurisdiction: true };
    case 'NOT_SUBJECT':
      return { ...s, principal: ['CITIZEN', 'CLIENT'] };
    case 'GUARDIAN_LEVEL_2_REQUIRED':
    case 'NOT_GUARDIAN':
    case 'GUARDIANSHIP_ENDED':
      return {
        ...s,
        principal: ['CITIZEN'],
        guardianship: {
          relation: 'PARENT_OR_LEGAL_GUARDIAN',
          level: 2,
          accountStatus: 'ACTIVE',
          ageUnder: GUARDIANSHIP_ENDS_AT,
        },
      };
    default:
      return s;
  }
}

/**
 * The FORBIDDEN error of a withheld field or a refused operation: `extensions.reason` and
 * `extensions.required` (what is missing, {@link Required}).
 */
export function forbidden(reason: DenialReason, required: Required = {}, scope?: DocumentScope): GraphQLError {
  return new GraphQLError(`Not disclosed: ${reason}`, {
    extensions: { code: ErrorCode.FORBIDDEN, reason, required: { ...requiredFor(reason, scope), ...required } },
  });
}
