import { dirname, join } from 'node:path';
import express, { type NextFunction, type Request, type Response } from 'express';

/**
 * GraphiQL from the hub's own files (development only): the `graphiql` package's UMD build and
 * React's, from node_modules, and a small start script; no CDN, no telemetry (the page's
 * Content-Security-Policy lets it load and call nothing but the hub). At `GET /graphiql`, and at
 * `GET /graphql` for a browser (Accept: text/html). A token goes in the Headers editor
 * (`{"authorization": "Bearer …"}`); headers are not stored in the browser.
 */

const dirOf = (pkg: string) => dirname(require.resolve(`${pkg}/package.json`));

/** The files the page loads, by the name it asks for. */
const ASSETS: Record<string, { file: string; type: string }> = {
  'react.production.min.js': { file: join(dirOf('react'), 'umd', 'react.production.min.js'), type: 'js' },
  'react-dom.production.min.js': { file: join(dirOf('react-dom'), 'umd', 'react-dom.production.min.js'), type: 'js' },
  'graphiql.min.js': { file: join(dirOf('graphiql'), 'graphiql.min.js'), type: 'js' },
  'graphiql.min.css': { file: join(dirOf('graphiql'), 'graphiql.min.css'), type: 'css' },
};

const DEFAULT_QUERY = `# The hub's GraphQL API (development). Sign in first:
#   a token: npm run -s token -- citizen <personal ID>  (seeded IDs: npm run -s citizens:sample)
#   then, in Headers below: {"authorization": "Bearer <token>"}
# Schema: /schema.graphql. Anonymous callers see only public fields.
{
  ping
}
`;

const START_SCRIPT = `(function () {
  var root = ReactDOM.createRoot(document.getElementById('graphiql'));
  root.render(
    React.createElement(GraphiQL, {
      fetcher: GraphiQL.createFetcher({ url: '/graphql' }),
      defaultQuery: ${JSON.stringify(DEFAULT_QUERY)},
      defaultHeaders: '{\\n  "authorization": ""\\n}',
      isHeadersEditorEnabled: true,
      shouldPersistHeaders: false,
      defaultEditorToolsVisibility: 'headers'
    })
  );
})();
`;

const PAGE_CSS = 'html,body,#graphiql{height:100%;margin:0}';

export const GRAPHIQL_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>GraphiQL · vn-papers-hub</title>
<link rel="stylesheet" href="/graphiql/assets/graphiql.min.css">
<link rel="stylesheet" href="/graphiql/assets/page.css">
</head>
<body>
<div id="graphiql">Loading GraphiQL…</div>
<script src="/graphiql/assets/react.production.min.js"></script>
<script src="/graphiql/assets/react-dom.production.min.js"></script>
<script src="/graphiql/assets/graphiql.min.js"></script>
<script src="/graphiql/assets/start.js"></script>
</body>
</html>
`;

const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
  "font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

function sendPage(res: Response): void {
  res
    .set('Content-Security-Policy', CSP)
    .set('X-Content-Type-Options', 'nosniff')
    .set('Referrer-Policy', 'no-referrer')
    .set('Cache-Control', 'no-cache')
    .type('html')
    .send(GRAPHIQL_PAGE);
}

/** A browser asking for /graphql itself (no operation in the URL). */
function browserWantsPage(req: Request): boolean {
  return (
    req.accepts(['application/json', 'application/graphql-response+json', 'text/html']) === 'text/html' &&
    req.query.query === undefined &&
    req.query.documentId === undefined &&
    req.query.extensions === undefined
  );
}

export function graphiqlRouter(): express.Router {
  const router = express.Router();
  router.get('/graphiql', (_req, res) => sendPage(res));
  router.get('/graphql', (req: Request, res: Response, next: NextFunction) =>
    browserWantsPage(req) ? sendPage(res) : next(),
  );
  router.get('/graphiql/assets/:name', (req: Request, res: Response, next: NextFunction) => {
    const name = String(req.params.name);
    res.set('Cache-Control', 'public, max-age=3600').set('X-Content-Type-Options', 'nosniff');
    if (name === 'start.js') return void res.type('js').send(START_SCRIPT);
    if (name === 'page.css') return void res.type('css').send(PAGE_CSS);
    const asset = Object.prototype.hasOwnProperty.call(ASSETS, name) ? ASSETS[name] : undefined;
    if (!asset) return next();
    res.type(asset.type).sendFile(asset.file);
  });
  return router;
}

/** `GET /schema.graphql`: the SDL (as docs/schema.graphql, printed from the running hub's schema files). */
export function schemaFileRouter(sdl: () => string): express.Router {
  const router = express.Router();
  let text: string | undefined;
  router.get('/schema.graphql', (_req, res) => {
    text ??= sdl();
    res.set('Cache-Control', 'no-cache').type('text/plain; charset=utf-8').send(text);
  });
  return router;
}
