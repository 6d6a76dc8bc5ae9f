import type { ApolloServerPlugin } from '@apollo/server';
import type { HubContext } from '../../services/context';
import { listenWith, syncHook } from './hooks';

/**
 * Every GraphQL response says `Cache-Control: no-store`: answers carry personal data and are
 * decided per caller, so no browser or proxy may keep one. (Apollo's cache-control plugin, which
 * said the same for the hub's uncacheable answers after a hook on every resolved field, is off:
 * the hub gives no cache hints.)
 */
export function noStorePlugin(): ApolloServerPlugin<HubContext> {
  return {
    requestDidStart: listenWith({
      willSendResponse: syncHook(({ response }) => {
        response.http.headers.set('cache-control', 'no-store');
      }),
    }),
  };
}
