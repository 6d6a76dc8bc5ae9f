import type { ApolloServerPlugin } from '@apollo/server';
import type { HubContext } from '../../services/context';
import { listenWith, syncHook } from './hooks';

/**
 * Reports how many source batch calls and store commands a request made, as
 * response headers (no personal data): `x-hub-source-calls`,
 * `x-hub-store-commands`. The bench and the HTTP tests read them.
 */
export function requestMetricsPlugin(): ApolloServerPlugin<HubContext> {
  return {
    requestDidStart: listenWith({
      willSendResponse: syncHook(({ contextValue, response }) => {
        const m = contextValue.metrics;
        response.http.headers.set('x-hub-source-calls', String(m.sourceCalls));
        response.http.headers.set('x-hub-store-commands', String(m.storeCommands));
      }),
    }),
  };
}
