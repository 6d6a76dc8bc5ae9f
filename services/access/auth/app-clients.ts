/**
 * The hub's public (first-party) OAuth clients: apps that run on the citizen's device or in the
 * browser and cannot keep a secret (RFC 8252, OAuth 2.0 for Browser-Based Apps). They log in
 * with the authorization code flow and PKCE S256 only, and are recognised by their exact redirect
 * URIs (string comparison, no patterns). Registered from configuration, not from the store.
 */

/** The citizen's app (issue 14): the development default first-party client. */
export const CITIZEN_APP_CLIENT_ID = 'citizen-app';

export interface PublicClient {
  id: string;
  /** Shown on the login page. */
  name: { vi: string; en: string };
  /** Exact redirect URIs (`code` and `state` are added to one of these). */
  redirectUris: readonly string[];
  /** Where `/oauth/logout` may send the browser afterwards (exact match). */
  postLogoutRedirectUris: readonly string[];
}

/** The registered public clients by id. */
export type PublicClients = ReadonlyMap<string, PublicClient>;

/** The citizen app with its redirect URIs. */
export function citizenAppClient(
  redirectUris: readonly string[],
  postLogoutRedirectUris: readonly string[],
): PublicClient {
  return {
    id: CITIZEN_APP_CLIENT_ID,
    name: { vi: 'Ứng dụng Giấy tờ công dân', en: "Citizen's papers app" },
    redirectUris,
    postLogoutRedirectUris,
  };
}
