import type { ApolloServerPlugin } from '@apollo/server';
import type { GraphQLFormattedError } from 'graphql';
import { GraphQLError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import { ErrorCode } from '../lib/errors';
import { listenWith, syncHook } from './plugins/hooks';
import type { RejectionReason } from './metrics';
import { isTransientStoreError } from '../store/health';

const KNOWN_CODES = new Set<string>(Object.values(ErrorCode));

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
 * - Losing the store in the middle of a request (the hub's own reads or writes: a network
 *   error, a socket timeout of a store that stopped answering, no server to select) is
 *   SERVICE_UNAVAILABLE with `reason: STORE_UNAVAILABLE`, in production and elsewhere, and
 *   without the driver's message (it names the store's address); the response is then a 503
 *   with `Retry-After` ({@link storeUnavailableStatusPlugin}).
 * - With `mask` (always, unless HUB_ERROR_STACKTRACES=1), anything that is not one of our known codes becomes
 *   a bare INTERNAL_SERVER_ERROR: no message, no stack, no cause.
 */
export function createFormatError(opts: {
  mask: boolean;
  onUnexpected: (err: unknown) => void;
  /** A request lost the store (logged as such, not as a bug). */
  onStoreLost?: (err: unknown) => void;
}) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    const code = formatted.extensions?.code as string | undefined;
    const limit = QUERY_LIMITS.find(([re]) => re.test(formatted.message));
    if (limit && (code === ErrorCode.GRAPHQL_VALIDATION_FAILED || code === ErrorCode.GRAPHQL_PARSE_FAILED)) {
      return { ...formatted, extensions: { ...formatted.extensions, reason: limit[1] } };
    }
    if (code === ErrorCode.GRAPHQL_VALIDATION_FAILED && causedByBadInput(error)) {
      return { ...formatted, extensions: { ...formatted.extensions, code: ErrorCode.BAD_USER_INPUT } };
    }
    if ((!code || code === ErrorCode.INTERNAL_SERVER_ERROR) && isTransientStoreError(original)) {
      opts.onStoreLost?.(original);
      return {
        message: 'The hub lost its store during the request; retry later',
        locations: formatted.locations,
        path: formatted.path,
        extensions: { code: ErrorCode.SERVICE_UNAVAILABLE, reason: STORE_UNAVAILABLE },
      };
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

/** The same reason the fail-fast gate gives when the outage is already known (protect.ts). */
const STORE_UNAVAILABLE: RejectionReason = 'STORE_UNAVAILABLE';

/**
 * A response that served nothing because the store was lost mid-request (every root field null,
 * or no data) is a 503 with `Retry-After`, what the fail-fast gate answers once the outage is
 * known, so that clients and proxies retry it. One that served some fields stays a 200 with the
 * error on the failed paths (what it did serve was audited).
 */
export function storeUnavailableStatusPlugin(): ApolloServerPlugin {
  return {
    requestDidStart: listenWith({
      willSendResponse: syncHook(({ response }) => {
        if (response.body.kind !== 'single') return;
        const { errors, data } = response.body.singleResult;
        const lost = errors?.some((e) => e.extensions?.reason === STORE_UNAVAILABLE);
        const servedNothing = !data || Object.values(data).every((v) => v === null);
        if (!lost || !servedNothing) return;
        response.http.status = 503;
        response.http.headers.set('retry-after', '5');
      }),
    }),
  };
}
