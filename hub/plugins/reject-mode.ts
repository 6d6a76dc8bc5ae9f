import type { ApolloServerPlugin } from '@apollo/server';
import type { HubContext } from '../../services/context';
import { ErrorCode } from '../../lib/errors';
import { listenWith, syncHook } from './hooks';

/**
 * Reject mode (HUB_DISCLOSURE_MODE=reject): when the policy withheld anything, the
 * whole request is refused — no data at all — with one FORBIDDEN error listing
 * every withheld path and its reason. For TTHC systems that must not act on a
 * partial dossier.
 */
export function rejectModePlugin(): ApolloServerPlugin<HubContext> {
  return {
    requestDidStart: listenWith({
      willSendResponse: syncHook(({ contextValue, response }) => {
        const denied = contextValue.audit.events.filter((e) => e.decision === 'DENIED');
        if (!denied.length || response.body.kind !== 'single') return;
        response.body.singleResult = {
          errors: [
            {
              message: 'Request refused: some requested fields may not be disclosed',
              extensions: {
                code: ErrorCode.FORBIDDEN,
                denied: denied.map((d) => ({ path: d.path, reason: d.reason })),
              },
            },
          ],
        };
        response.http.status = 403;
      }),
    }),
  };
}
