/** Apollo Server as the hub runs it: the schema, query limits, error format and plugins. */
import type http from 'node:http';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { Logger } from 'pino';
import type { HubConfig } from './config';
import { createFormatError, storeUnavailableStatusPlugin } from './format-error';
import { requestBoundsPlugin } from './limits';
import type { HubMetrics } from './metrics';
import { auditPlugin } from './plugins/audit';
import { metricsPlugin } from './plugins/metrics';
import { noStorePlugin } from './plugins/no-store';
import { rejectModePlugin } from './plugins/reject-mode';
import { requestMetricsPlugin } from './plugins/request-metrics';
import { buildSchema } from './schema';
import type { ConsentUseRecorder } from '../services/access/consents/use';
import type { AuditWriter } from '../services/audit/writer';
import type { HubContext } from '../services/context';

/** Apollo Server with the hub's limits, error format and plugins (not started). */
export function createApollo(opts: {
  config: HubConfig;
  logger: Logger;
  httpServer: http.Server;
  auditWriter: AuditWriter;
  consentUses: ConsentUseRecorder;
  metrics: HubMetrics;
}): ApolloServer<HubContext> {
  const { config, logger, httpServer, auditWriter, consentUses, metrics } = opts;
  const production = config.NODE_ENV === 'production';
  const armor = new ApolloArmor({
    maxDepth: { n: config.HUB_MAX_DEPTH },
    maxAliases: { n: config.HUB_MAX_ALIASES },
    maxDirectives: { n: config.HUB_MAX_DIRECTIVES },
    // Tokens are limited by graphql-js itself (parseOptions below): armor's Apollo
    // token plugin throws from a hook Apollo 5 answers with a 500.
    maxTokens: { enabled: false },
    // Cost is counted after variable coercion by requestBoundsPlugin (hub/limits.ts): armor's
    // counts literal page sizes only.
    costLimit: { enabled: false },
    blockFieldSuggestion: { enabled: production },
  }).protect();
  return new ApolloServer<HubContext>({
    schema: buildSchema(),
    validationRules: armor.validationRules,
    // graphql-js stops parsing past this many tokens (before any validation work).
    parseOptions: { maxTokens: config.HUB_MAX_TOKENS },
    introspection: !production,
    // Opt-in (HUB_ERROR_STACKTRACES=1, refused in production): stack traces name the hub's paths.
    includeStacktraceInErrorResponses: config.HUB_ERROR_STACKTRACES,
    allowBatchedHttpRequests: false,
    // Registered documents only through hub/trusted-documents.ts, never Apollo's APQ cache.
    persistedQueries: false,
    // main.ts owns shutdown (drain HTTP, close the store, stop the embedded store).
    stopOnTerminationSignals: false,
    csrfPrevention: true,
    formatError: createFormatError({
      // Unexpected errors (driver messages with _ids, BSON errors, TypeErrors) are masked in every
      // environment; HUB_ERROR_STACKTRACES=1 (debugging, refused in production) shows them.
      mask: !config.HUB_ERROR_STACKTRACES,
      onUnexpected: (err) => logger.error({ err }, 'unexpected error'),
      onStoreLost: (err) => logger.warn({ err }, 'store lost during a request: 503'),
    }),
    plugins: [
      // No Apollo landing page (its CDN and telemetry): GraphiQL comes from the hub's own files.
      ApolloServerPluginLandingPageDisabled(),
      // No cache hints in the hub: every answer is `no-store` (noStorePlugin), without a hook per field.
      ApolloServerPluginCacheControlDisabled(),
      noStorePlugin(),
      ApolloServerPluginDrainHttpServer({ httpServer, stopGracePeriodMillis: config.HUB_SHUTDOWN_TIMEOUT_MS }),
      ...armor.plugins,
      // Sizes and cost, with the variables, before anything runs or is stored.
      requestBoundsPlugin({ maxCost: config.HUB_MAX_COST }),
      requestMetricsPlugin(),
      // Reject mode rewrites the response first; the audit then records what really left.
      ...(config.HUB_DISCLOSURE_MODE === 'reject' ? [rejectModePlugin()] : []),
      auditPlugin({ writer: auditWriter, logger, consentUses, metrics }),
      storeUnavailableStatusPlugin(),
      metricsPlugin(),
    ],
  });
}
