/**
 * The app's one way to the hub: POST /graphql with a bearer token and a typed operation from
 * generated/app (graphql-codegen's client preset). Each operation carries its trusted-document id
 * (`sha256:<hex>` of its text, listed in app/persisted-documents.json) and is sent by that id only.
 */
import type { TypedDocumentString } from '../../../generated/app/graphql';
import { freshSession, signOut } from '../auth/oauth';
import { getSession } from '../auth/session';

export interface GqlError {
  message: string;
  path?: ReadonlyArray<string | number>;
  extensions?: { code?: string; reason?: string; source?: string; [k: string]: unknown };
}

export interface GqlResult<T> {
  data: T | null;
  errors: GqlError[];
}

/** A request that got no usable answer, by what the citizen should be told. */
export class ApiError extends Error {
  constructor(readonly kind: 'network' | 'signedOut' | 'busy' | 'unavailable' | 'generic') {
    super(kind);
    this.name = 'ApiError';
  }
}

/** Called when the session is over (the app goes to the login screen). */
let onSignedOut: () => void = () => undefined;
export function whenSignedOut(f: () => void): void {
  onSignedOut = f;
}

async function post(body: unknown, token: string | undefined): Promise<Response> {
  try {
    return await fetch('/graphql', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json, application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: JSON.stringify(body),
    });
  } catch {
    throw new ApiError('network');
  }
}

/** Runs an operation as the signed-in citizen; partial data comes back with its errors by path. */
export async function request<R, V>(
  doc: TypedDocumentString<R, V>,
  variables: V,
  opts: { token?: string } = {},
): Promise<GqlResult<R>> {
  // The bundle holds no query text: the hub runs the document registered under this id.
  const documentId = (doc.__meta__ as { hash?: string } | undefined)?.hash;
  if (!documentId) throw new ApiError('generic');
  const body = { documentId, variables };
  let session = getSession();
  if (!opts.token && session) session = await freshSession(session);
  let res = await post(body, opts.token ?? session?.accessToken);
  if (res.status === 401 && !opts.token && session?.refreshToken) {
    session = await freshSession(session, true);
    if (session) res = await post(body, session.accessToken);
  }
  if (res.status === 401) {
    if (!opts.token) {
      await signOut(getSession());
      onSignedOut();
    }
    throw new ApiError('signedOut');
  }
  if (res.status === 429) throw new ApiError('busy');
  let json: { data?: R | null; errors?: GqlError[] };
  try {
    json = (await res.json()) as typeof json;
  } catch {
    throw new ApiError(res.status >= 500 ? 'unavailable' : 'generic');
  }
  if (res.status === 503) throw new ApiError('unavailable');
  if (json.data === undefined && !json.errors) throw new ApiError('generic');
  return { data: json.data ?? null, errors: json.errors ?? [] };
}
