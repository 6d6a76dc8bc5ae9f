import { readJson } from './hub';

/** The token endpoint's answer: a token (RFC 6749 §5.1) or an error (§5.2). */
export interface TokenAnswer {
  access_token?: string;
  token_type?: string;
  expires_in?: number;
  scope?: string;
  error?: string;
  error_description?: string;
}

/**
 * Asks the hub's token endpoint for a client-credentials token under a consent, the client
 * authenticated by its secret (HTTP Basic); `extra` adds form fields (`scope`).
 */
export async function clientToken(
  url: string,
  client: { id: string; secret: string },
  consentId: string,
  extra: Record<string, string> = {},
): Promise<{ status: number; body: TokenAnswer }> {
  const res = await fetch(`${url}/oauth/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${client.id}:${client.secret}`).toString('base64')}`,
    },
    body: new URLSearchParams({ grant_type: 'client_credentials', consent_id: consentId, ...extra }).toString(),
  });
  return { status: res.status, body: await readJson<TokenAnswer>(res) };
}
