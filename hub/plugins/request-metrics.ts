import type { ApolloServerPlugin } from '@apollo/server';
import type { HubContext } from '../../services/context';

/**
 * Reports how many source batch calls and store commands a request made, as
 * response headers (no personal data): `x-hub-source-calls`,
 * `x-hub-store-commands`. The bench and the HTTP tests read them.
 */
export function requestMetricsPlugin(): ApolloServerPlugin<HubContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue, response }) {
          const m = contextValue.metrics;
          response.http.headers.set('x-hub-source-calls', String(m.sourceCalls));
          response.http.headers.set('x-hub-store-commands', String(m.storeCommands));
        },
      };
    },
  };
}
