import { GraphQLError } from 'graphql';

/** The hub's error codes (`extensions.code`). Clients switch on these, never on messages. */
export const ErrorCode = {
  /** Malformed input: a bad scalar, too many IDs, an unknown argument value. */
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  /** No valid credentials for an operation that needs them. */
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  /** Valid credentials, but the policy withholds this field (see `extensions.reason`). */
  FORBIDDEN: 'FORBIDDEN',
  /** One national source could not answer; only its fields are null. */
  SOURCE_UNAVAILABLE: 'SOURCE_UNAVAILABLE',
  /**
   * One field of a source's record cannot be read (missing, null, wrong type, empty, oversized,
   * control characters, unknown code, impossible date): that field is null, the rest is served.
   * `extensions.source`, `extensions.field` (the source's own field) and `extensions.problem`.
   */
  SOURCE_DATA_INVALID: 'SOURCE_DATA_INVALID',
  /** The hub itself cannot serve (store down); retry later. */
  SERVICE_UNAVAILABLE: 'SERVICE_UNAVAILABLE',
  /** A share code (share by QR) that does not exist, or whose key part is wrong: nothing is told apart. */
  SHARE_NOT_FOUND: 'SHARE_NOT_FOUND',
  /** A share code past its 60 seconds: the citizen shows a new one. */
  SHARE_EXPIRED: 'SHARE_EXPIRED',
  /** A share code already redeemed (single use, across every hub instance). */
  SHARE_USED: 'SHARE_USED',
  /** A share code made for other verifiers (officers only, or one named client). */
  SHARE_AUDIENCE: 'SHARE_AUDIENCE',
  /** Anything unexpected; the message is masked in production. */
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
  /** Too many requests (per caller) or too many at once (`extensions.reason`); 429 with Retry-After. */
  RATE_LIMITED: 'RATE_LIMITED',
  /** An HTTP request the hub cannot read (body not JSON, too large): 4xx before GraphQL. */
  BAD_REQUEST: 'BAD_REQUEST',
  /** Apollo Server's own codes, answered as they are: the query does not parse... */
  GRAPHQL_PARSE_FAILED: 'GRAPHQL_PARSE_FAILED',
  /** ...does not validate against the schema, or exceeds a limit (`extensions.reason`)... */
  GRAPHQL_VALIDATION_FAILED: 'GRAPHQL_VALIDATION_FAILED',
  /** ...names an unknown persisted query, or persisted queries at all... */
  PERSISTED_QUERY_NOT_FOUND: 'PERSISTED_QUERY_NOT_FOUND',
  PERSISTED_QUERY_NOT_SUPPORTED: 'PERSISTED_QUERY_NOT_SUPPORTED',
  /**
   * A trusted (persisted) document id the hub does not know: `documentId` (`sha256:<hex>`) or
   * `extensions.persistedQuery.sha256Hash` not in its manifest (HUB_TRUSTED_DOCUMENTS_FILE).
   */
  PERSISTED_DOCUMENT_NOT_FOUND: 'PERSISTED_DOCUMENT_NOT_FOUND',
  /** A first-party app sent query text where only registered documents are accepted (HUB_TRUSTED_DOCUMENTS=required). */
  PERSISTED_DOCUMENT_REQUIRED: 'PERSISTED_DOCUMENT_REQUIRED',
  /** ...or no (or an ambiguous) operation to run. */
  OPERATION_RESOLUTION_FAILURE: 'OPERATION_RESOLUTION_FAILURE',
  /**
   * The object named (a consent, a data-subject request, a reconciliation case or run) does not
   * exist or is not the caller's (outside an officer's jurisdiction): both answer alike, so nothing
   * is revealed about others'.
   */
  NOT_FOUND: 'NOT_FOUND',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export function badUserInput(message: string, extra: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.BAD_USER_INPUT, ...extra } });
}

export function notFound(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.NOT_FOUND } });
}

export function unauthenticated(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.UNAUTHENTICATED, http: { status: 401 } } });
}

/**
 * Why a source could not answer: it took too long, failed, is held off by its open circuit
 * breaker, the request's deadline passed, or one record could not be read.
 */
export type SourceFailureReason = 'TIMEOUT' | 'ERROR' | 'CIRCUIT_OPEN' | 'DEADLINE' | 'UNREADABLE_RECORD';

/**
 * A source failed (error, timeout, open breaker, unreadable record). It names the source and
 * the reason and nothing else: the cause stays in the server log, never in the response.
 */
export class SourceUnavailableError extends GraphQLError {
  /** The source that failed (GraphQLError's own `source` is the query text). */
  readonly sourceName: string;
  readonly reason: SourceFailureReason;
  constructor(source: string, cause?: unknown, reason: SourceFailureReason = 'ERROR') {
    super(`The ${source} source is unavailable`, {
      extensions: { code: ErrorCode.SOURCE_UNAVAILABLE, source, reason },
    });
    this.reason = reason;
    this.sourceName = source;
    if (cause !== undefined) Object.defineProperty(this, 'cause', { value: cause, enumerable: false });
  }
}

/**
 * A field of a source's record the connector cannot read. It names the source, the source's own
 * field (a dotted path in its document, as the reconciliation's MALFORMED findings do) and the
 * problem ({@link Problem}: never the value itself).
 */
export class SourceDataInvalidError extends GraphQLError {
  readonly sourceName: string;
  constructor(source: string, field: string, problem: string) {
    super(`The ${source} source's ${field} cannot be read (${problem})`, {
      extensions: { code: ErrorCode.SOURCE_DATA_INVALID, source, field, problem },
    });
    this.sourceName = source;
  }
}

/** Characters of a caller's input a refusal may repeat back. */
export const MAX_ECHO_LENGTH = 16;

/** `: <input>` for a short input (a code), else nothing: a refusal never repeats a long input. */
export function echoShort(input: string): string {
  return input.length <= MAX_ECHO_LENGTH ? `: ${JSON.stringify(input)}` : '';
}
