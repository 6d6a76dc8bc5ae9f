import type { GraphQLFormattedError } from 'graphql';
import { GraphQLError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import { ErrorCode } from './errors';

const KNOWN_CODES = new Set<string>([
  ...Object.values(ErrorCode),
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
  'BAD_REQUEST',
]);

/** graphql-armor's limit messages, mapped to an `extensions.reason`. */
const QUERY_LIMITS: Array<[RegExp, string]> = [
  [/Query depth limit/, 'MAX_DEPTH'],
  [/Aliases limit/, 'MAX_ALIASES'],
  [/Directives limit/, 'MAX_DIRECTIVES'],
  [/Token limit|Document contains more tha[nt] \d+ tokens/, 'MAX_TOKENS'],
  [/Query Cost limit/, 'MAX_COST'],
];

/** True when a scalar's BAD_USER_INPUT error is somewhere in the chain of `originalError`s. */
function causedByBadInput(error: unknown): boolean {
  for (let e = error, depth = 0; e instanceof GraphQLError && depth < 5; e = e.originalError, depth++) {
    if (e.extensions?.code === ErrorCode.BAD_USER_INPUT) return true;
  }
  return false;
}

/**
 * Shapes every error leaving the hub.
 * - A bad scalar value found while validating the query keeps BAD_USER_INPUT
 *   (Apollo would call it GRAPHQL_VALIDATION_FAILED).
 * - With `mask` (production), anything that is not one of our known codes becomes
 *   a bare INTERNAL_SERVER_ERROR: no message, no stack, no cause.
 */
export function createFormatError(opts: { mask: boolean; onUnexpected: (err: unknown) => void }) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    const code = formatted.extensions?.code as string | undefined;
    const limit = QUERY_LIMITS.find(([re]) => re.test(formatted.message));
    if (limit && (code === 'GRAPHQL_VALIDATION_FAILED' || code === 'GRAPHQL_PARSE_FAILED')) {
      return { ...formatted, extensions: { ...formatted.extensions, reason: limit[1] } };
    }
    if (code === 'GRAPHQL_VALIDATION_FAILED' && causedByBadInput(error)) {
      return { ...formatted, extensions: { ...formatted.extensions, code: ErrorCode.BAD_USER_INPUT } };
    }
    if (!code || !KNOWN_CODES.has(code) || code === ErrorCode.INTERNAL_SERVER_ERROR) {
      opts.onUnexpected(original);
      if (opts.mask) {
        return {
          message: 'Internal server error',
          locations: formatted.locations,
          path: formatted.path,
          extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR },
        };
      }
    }
    return formatted;
  };
}
