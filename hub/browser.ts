import type express from 'express';
import type { HubConfig } from './config';
import { corsMiddleware } from './cors';
import type { HubOrigins } from './origins';
import { appRouter } from './routes/app';
import { graphiqlRouter, schemaFileRouter } from './routes/graphiql';
import { printHubSchema } from './schema-print';

/**
 * What browsers get before any API route: CORS for the allowed origins, the citizen app at /app
 * (routes/app.ts), and outside production GraphiQL (HUB_GRAPHIQL) and the SDL at `/schema.graphql`
 * (off with introspection in production).
 */
export function browserRoutes(app: express.Express, config: HubConfig, origins: () => HubOrigins): void {
  app.use(corsMiddleware(() => origins().cors));
  app.use(appRouter());
  if (config.HUB_GRAPHIQL === 'on') app.use(graphiqlRouter());
  if (config.NODE_ENV !== 'production') app.use(schemaFileRouter(printHubSchema));
}
