/**
 * Sign-in through the hub's OAuth doors: authorization code with PKCE (RFC 7636, S256, made with
 * WebCrypto) for the public client `citizen-app`, refresh with rotation, revocation and logout,
 * found through the hub's discovery document. When the hub has no discovery document, the login
 * screen offers the development sign-in (a pasted token) instead.
 */
import { lang } from '../i18n';
import { BASE } from '../router';
import { officerOf, readClaims, setSession, type Session } from './session';

export const CLIENT_ID = 'citizen-app';
const PKCE_KEY = 'app.pkce';
/** Refresh this long before the access token expires. */
const REFRESH_MARGIN_MS = 30_000;

export interface Discovery {
  issuer?: string;
  authorization_endpoint: string;
  token_endpoint: string;
  revocation_endpoint?: string;
  end_session_endpoint?: string;
}

/** Where a hub publishes its doors: OAuth metadata (RFC 8414), else an OpenID configuration. */
const METADATA = ['/.well-known/oauth-authorization-server', '/.well-known/openid-configuration'];

let discovered: Promise<Discovery | null> | undefined;

/** The hub's sign-in doors, or null when it has none for apps (no authorization endpoint). */
export function discovery(): Promise<Discovery | null> {
  discovered ??= (async () => {
    for (const path of METADATA) {
      try {
        const r = await fetch(path, { headers: { accept: 'application/json' } });
        if (!r.ok) continue;
        const d = (await r.json()) as Partial<Discovery>;
        return d.authorization_endpoint && d.token_endpoint ? (d as Discovery) : null;
      } catch {
        /* try the next */
      }
    }
    return null;
  })();
  return discovered;
}

export function redirectUri(): string {
  return `${location.origin}${BASE}callback`;
}

function base64url(bytes: Uint8Array): string {
  let s = '';
  bytes.forEach((b) => (s += String.fromCharCode(b)));
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function randomString(bytes = 32): string {
  return base64url(crypto.getRandomValues(new Uint8Array(bytes)));
}

/** S256 code challenge of a verifier. */
export async function codeChallenge(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return base64url(new Uint8Array(digest));
}

/** Starts the authorization code flow: remembers the verifier and state, and leaves for the hub. */
export async function startSignIn(d: Discovery): Promise<void> {
  const verifier = randomString(32);
  const state = randomString(16);
  sessionStorage.setItem(PKCE_KEY, JSON.stringify({ verifier, state }));
  const url = new URL(d.authorization_endpoint, location.origin);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: CLIENT_ID,
    redirect_uri: redirectUri(),
    scope: 'openid',
    state,
    code_challenge: await codeChallenge(verifier),
    code_challenge_method: 'S256',
    ui_locales: lang(),
  }).toString();
  location.assign(url.toString());
}

interface TokenResponse {
  access_token: string;
  refresh_token?: string;
  expires_in?: number;
}

async function tokenRequest(d: Discovery, form: Record<string, string>): Promise<TokenResponse> {
  const r = await fetch(d.token_endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams(form).toString(),
  });
  const body = (await r.json().catch(() => ({}))) as Partial<TokenResponse> & { error?: string };
  if (!r.ok || typeof body.access_token !== 'string') throw new Error(body.error ?? `token endpoint ${r.status}`);
  return body as TokenResponse;
}

function toSession(t: TokenResponse, personalId: string): Session {
  const claims = readClaims(t.access_token);
  const expiresAt = t.expires_in ? Date.now() + t.expires_in * 1000 : (claims?.exp ?? 0) * 1000;
  const kind = claims?.kind === 'officer' ? 'officer' : 'citizen';
  return {
    accessToken: t.access_token,
    refreshToken: t.refresh_token,
    expiresAt,
    personalId,
    kind,
    ...(claims?.unit ? { unit: claims.unit } : {}),
    // An officer's role and area (the workbench shows their sections).
    ...(kind === 'officer' && officerOf(claims) ? { officer: officerOf(claims)! } : {}),
    via: 'oauth',
  };
}

/**
 * Finishes the flow on /app/callback: checks the state, exchanges the code with the verifier.
 * `whoAmI` names the citizen (the `me` query); the token's subject is the fallback.
 */
export async function completeSignIn(
  d: Discovery,
  params: URLSearchParams,
  whoAmI: (accessToken: string) => Promise<string | null> = () => Promise.resolve(null),
): Promise<Session> {
  const saved = JSON.parse(sessionStorage.getItem(PKCE_KEY) ?? 'null') as { verifier: string; state: string } | null;
  sessionStorage.removeItem(PKCE_KEY);
  const code = params.get('code');
  if (!saved || !code || params.get('state') !== saved.state) throw new Error('sign-in state does not match');
  // RFC 9207: the answer names the server that gave it; it must be the one we asked.
  const iss = params.get('iss');
  if (iss !== null && d.issuer !== undefined && iss !== d.issuer) throw new Error('sign-in answered by another issuer');
  const t = await tokenRequest(d, {
    grant_type: 'authorization_code',
    code,
    redirect_uri: redirectUri(),
    client_id: CLIENT_ID,
    code_verifier: saved.verifier,
  });
  const personalId = (await whoAmI(t.access_token)) ?? readClaims(t.access_token)?.sub ?? '';
  if (!personalId) throw new Error('the token names nobody');
  const s = toSession(t, personalId);
  setSession(s);
  return s;
}

let refreshing: Promise<Session | null> | undefined;

/**
 * A usable access token: refreshes (once, for every caller at the same time) when the token is
 * about to expire or `force`; null when the session is over.
 */
export async function freshSession(s: Session, force = false): Promise<Session | null> {
  if (!force && s.expiresAt - Date.now() > REFRESH_MARGIN_MS) return s;
  if (!s.refreshToken) return s.expiresAt > Date.now() && !force ? s : null;
  refreshing ??= (async () => {
    try {
      const d = await discovery();
      if (!d) return null;
      const t = await tokenRequest(d, {
        grant_type: 'refresh_token',
        refresh_token: s.refreshToken!,
        client_id: CLIENT_ID,
      });
      const next = toSession({ ...t, refresh_token: t.refresh_token ?? s.refreshToken }, s.personalId);
      setSession(next);
      return next;
    } catch {
      return null;
    } finally {
      refreshing = undefined;
    }
  })();
  return refreshing;
}

/**
 * Signs out: forgets the session here and ends it at the hub (its logout, else its revocation
 * endpoint, given the refresh token): every token of the session stops working there.
 */
export async function signOut(s: Session | null): Promise<void> {
  setSession(null);
  if (!s || s.via !== 'oauth') return;
  const d = await discovery();
  const endpoint = d?.end_session_endpoint ?? d?.revocation_endpoint;
  if (!endpoint) return;
  await fetch(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      client_id: CLIENT_ID,
      token: s.refreshToken ?? s.accessToken,
      token_type_hint: s.refreshToken ? 'refresh_token' : 'access_token',
    }),
  }).catch(() => undefined);
}
