import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HubConfig } from './config';

/** The hub's own addresses, from configuration and the port it listens on. */
export interface HubOrigins {
  /** Issuer of the authorization server metadata: HUB_PUBLIC_URL, else `http://127.0.0.1:<port>`. */
  issuer: string;
  /** Origins allowed to call from a browser (CORS allow-list). */
  cors: readonly string[];
  /** The citizen app's redirect URIs. */
  redirectUris: readonly string[];
  /** Where logout may send the citizen app's browser. */
  postLogoutUris: readonly string[];
}

/**
 * The hub's addresses, resolved at the first request (the port is known once the server listens;
 * tests listen on port 0). Never taken from a request's Host header.
 */
export function hubOrigins(config: HubConfig, server: Server): () => HubOrigins {
  let known: HubOrigins | undefined;
  return () => {
    if (known) return known;
    const address = server.address() as AddressInfo | null;
    const port = address?.port ?? config.PORT;
    const loopback = [`http://127.0.0.1:${port}`, `http://localhost:${port}`];
    const publicUrl = config.HUB_PUBLIC_URL?.replace(/\/$/, '');
    const own = [...new Set([...(publicUrl ? [publicUrl] : []), ...loopback])];
    const production = config.NODE_ENV === 'production';
    const appOrigins = production ? (publicUrl ? [publicUrl] : []) : own;
    const origins: HubOrigins = {
      issuer: publicUrl ?? loopback[0],
      cors: config.HUB_CORS_ORIGINS ?? (production ? (publicUrl ? [publicUrl] : []) : own),
      redirectUris: config.HUB_APP_REDIRECT_URIS ?? appOrigins.map((o) => `${o}/app/callback`),
      postLogoutUris: config.HUB_APP_POST_LOGOUT_URIS ?? appOrigins.map((o) => `${o}/app/`),
    };
    if (address) known = origins;
    return origins;
  };
}
