/**
 * The hub on a port: builds it (app.ts) and listens. main.ts and the HTTP tests start it so;
 * in-process tests use app.ts's `buildHub` without listening.
 */
import type { AddressInfo } from 'node:net';
import { buildHub, type Hub, type HubDeps } from './app';

export { readiness } from './readiness';
export type { HubDeps } from './app';

export interface RunningHub extends Hub {
  url: string;
  port: number;
}

/** Builds the hub and listens on `listen` (port 0: any free port). */
export async function startHub(deps: HubDeps, listen: { port: number; host: string }): Promise<RunningHub> {
  const hub = await buildHub(deps);
  await new Promise<void>((res) => hub.httpServer.listen(listen.port, listen.host, res));
  const port = (hub.httpServer.address() as AddressInfo).port;
  return { ...hub, url: `http://${listen.host}:${port}`, port };
}
