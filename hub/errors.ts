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
  /** The hub itself cannot serve (store down); retry later. */
  SERVICE_UNAVAILABLE: 'SERVICE_UNAVAILABLE',
  /** Anything unexpected; the message is masked in production. */
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export function badUserInput(message: string, extra: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.BAD_USER_INPUT, ...extra } });
}

export function unauthenticated(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.UNAUTHENTICATED, http: { status: 401 } } });
}

/**
 * A source failed (error, timeout, unreadable record). It names the source and
 * nothing else: the cause stays in the server log, never in the response.
 */
export class SourceUnavailableError extends GraphQLError {
  /** The source that failed (GraphQLError's own `source` is the query text). */
  readonly sourceName: string;
  constructor(source: string, cause?: unknown) {
    super(`The ${source} source is unavailable`, {
      extensions: { code: ErrorCode.SOURCE_UNAVAILABLE, source },
    });
    this.sourceName = source;
    if (cause !== undefined) Object.defineProperty(this, 'cause', { value: cause, enumerable: false });
  }
}
