import type { Response } from 'express';

/**
 * OAuth 2.0 error responses (RFC 6749 §5.2) and form-parameter reading shared by the hub's token,
 * revocation and logout endpoints. Never echoes secrets, assertions or tokens.
 */
export class OAuthError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly description: string,
    /** A hub reason beside the OAuth error (`reason`), e.g. PROCESSING_RESTRICTED. */
    readonly reason?: string,
  ) {
    super(description);
  }
}

export const invalidRequest = (d: string) => new OAuthError(400, 'invalid_request', d);
export const invalidClient = (d = 'client authentication failed') => new OAuthError(401, 'invalid_client', d);
export const invalidGrant = (d: string) => new OAuthError(400, 'invalid_grant', d);
export const unsupportedGrantType = (d: string) => new OAuthError(400, 'unsupported_grant_type', d);

/** Headers every token-endpoint answer carries (RFC 6749 §5.1). */
export function noStore(res: Response): Response {
  return res.set('Cache-Control', 'no-store').set('Pragma', 'no-cache');
}

export function sendError(res: Response, e: OAuthError): void {
  noStore(res);
  if (e.status === 401) res.set('WWW-Authenticate', 'Basic realm="vn-papers-hub", charset="UTF-8"');
  res
    .status(e.status)
    .json({ error: e.error, error_description: e.description, ...(e.reason ? { reason: e.reason } : {}) });
}

/** One form parameter: absent → undefined; repeated or non-string → invalid_request (RFC 6749 §3.2). */
export function param(body: Record<string, unknown>, name: string): string | undefined {
  const v = body[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw invalidRequest(`parameter ${name} must be given once`);
  return v === '' ? undefined : v;
}

function formDecode(s: string): string {
  return decodeURIComponent(s.replace(/\+/g, ' '));
}

/** Credentials from `Authorization: Basic` (RFC 6749 §2.3.1: form-encoded id and secret). */
export function basicCredentials(header: string | undefined): { id: string; secret: string } | undefined {
  if (header === undefined) return undefined;
  const m = /^Basic[ ]+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!m) throw invalidClient('unsupported Authorization header');
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) throw invalidClient();
  try {
    return { id: formDecode(decoded.slice(0, colon)), secret: formDecode(decoded.slice(colon + 1)) };
  } catch {
    throw invalidClient();
  }
}
