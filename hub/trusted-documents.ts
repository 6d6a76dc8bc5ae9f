import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import type { RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import { ErrorCode } from '../lib/errors';
import type { HubConfig } from './config';
import type { AuthLocals } from './protect';

/**
 * Trusted documents (persisted operations): the operations the hub's own apps may send, by id.
 * The manifest is what graphql-codegen's client preset writes with `persistedDocuments`:
 * `{"<sha256 hex of the document>": "<document>"}`. A request names one by `documentId`
 * (`"sha256:<hex>"`, the GraphQL-over-HTTP persisted documents form) or by
 * `extensions.persistedQuery.sha256Hash` (Apollo's form); the hub runs the registered text.
 * When required, a first-party app's token (its `client_id` among HUB_FIRST_PARTY_CLIENTS) may
 * not send query text at all, so a stolen app token cannot run arbitrary operations.
 */

const HEX64 = /^[0-9a-f]{64}$/;

/** The manifest's documents by hash; every entry's hash is checked. Missing file: none. */
export function loadTrustedDocuments(file: string): Map<string, string> {
  if (!existsSync(file)) return new Map();
  const doc: unknown = JSON.parse(readFileSync(file, 'utf8'));
  if (!doc || typeof doc !== 'object' || Array.isArray(doc))
    throw new Error(`${file}: expected {"<sha256 hex>": "<document>"}`);
  const out = new Map<string, string>();
  for (const [hash, text] of Object.entries(doc as Record<string, unknown>)) {
    if (!HEX64.test(hash) || typeof text !== 'string')
      throw new Error(`${file}: expected {"<sha256 hex>": "<document>"}`);
    if (createHash('sha256').update(text, 'utf8').digest('hex') !== hash)
      throw new Error(`${file}: the document of ${hash} does not have that SHA-256`);
    out.set(hash, text);
  }
  return out;
}

export interface TrustedDocumentsOptions {
  documents: ReadonlyMap<string, string>;
  /** First-party apps may send registered documents only. */
  required: boolean;
  /** The first-party apps' client ids (`client_id` of their tokens). */
  firstParty: readonly string[];
}

function refuse(res: Response, status: number, code: ErrorCode, message: string): void {
  res.status(status).json({ errors: [{ message, extensions: { code } }] });
}

function objectOrUndefined(v: unknown): Record<string, unknown> | undefined {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

/** The id a request names (a hex hash), null when malformed, undefined when none. */
function requestedId(params: Record<string, unknown>, extensions: Record<string, unknown> | undefined) {
  if (params.documentId !== undefined) {
    const id = params.documentId;
    return typeof id === 'string' && /^sha256:[0-9a-fA-F]{64}$/.test(id) ? id.slice(7).toLowerCase() : null;
  }
  const pq = objectOrUndefined(extensions?.persistedQuery);
  if (pq === undefined) return undefined;
  const hash = pq.sha256Hash;
  return typeof hash === 'string' && HEX64.test(hash.toLowerCase()) ? hash.toLowerCase() : null;
}

/**
 * Express middleware for `/graphql`, after the body parser and the authentication: swaps a
 * registered id for its document (POST body or GET query string), refuses an unknown id
 * (PERSISTED_DOCUMENT_NOT_FOUND) and, when required, a first-party app's query text
 * (PERSISTED_DOCUMENT_REQUIRED). Other callers may still send text.
 */
export function trustedDocuments(opts: TrustedDocumentsOptions): RequestHandler {
  return (req, res, next) => {
    const principal = (res.locals as AuthLocals).principal;
    const firstParty =
      (principal?.kind === 'CITIZEN' || principal?.kind === 'OFFICER') &&
      principal.app !== undefined &&
      opts.firstParty.includes(principal.app);
    const get = req.method === 'GET';
    const search = new URLSearchParams(get ? (req.url.split('?')[1] ?? '') : '');
    const params = get ? Object.fromEntries(search) : objectOrUndefined(req.body);
    if (!params) return next(); // not a single operation: Apollo answers it
    let extensions = objectOrUndefined(params.extensions);
    if (get && typeof params.extensions === 'string') {
      try {
        extensions = objectOrUndefined(JSON.parse(params.extensions));
      } catch {
        return next(); // Apollo answers the unreadable extensions
      }
    }
    const id = requestedId(params, extensions);
    if (id === null)
      return refuse(res, 400, ErrorCode.PERSISTED_DOCUMENT_NOT_FOUND, 'documentId must be "sha256:<64 hex digits>"');
    if (id === undefined) {
      if (firstParty && opts.required)
        return refuse(
          res,
          400,
          ErrorCode.PERSISTED_DOCUMENT_REQUIRED,
          'This app may send registered documents only (documentId)',
        );
      return next();
    }
    const document = opts.documents.get(id);
    if (document === undefined) return refuse(res, 400, ErrorCode.PERSISTED_DOCUMENT_NOT_FOUND, 'Unknown document id');
    if (params.query !== undefined && params.query !== document)
      return refuse(res, 400, ErrorCode.BAD_REQUEST, 'Send a document id or query text, not both');
    const rest = { ...extensions };
    delete rest.persistedQuery;
    if (get) {
      search.delete('documentId');
      search.set('query', document);
      if (Object.keys(rest).length) search.set('extensions', JSON.stringify(rest));
      else search.delete('extensions');
      req.url = `${req.url.split('?')[0]}?${search.toString()}`;
    } else {
      const body = params;
      delete body.documentId;
      body.query = document;
      if (Object.keys(rest).length) body.extensions = rest;
      else delete body.extensions;
    }
    next();
  };
}

/** The middleware as configured (HUB_TRUSTED_DOCUMENTS, _FILE, HUB_FIRST_PARTY_CLIENTS). */
export function trustedDocumentsFromConfig(
  config: Pick<HubConfig, 'HUB_TRUSTED_DOCUMENTS' | 'HUB_TRUSTED_DOCUMENTS_FILE' | 'HUB_FIRST_PARTY_CLIENTS'>,
  logger: Logger,
): RequestHandler {
  const documents = loadTrustedDocuments(config.HUB_TRUSTED_DOCUMENTS_FILE);
  const required = config.HUB_TRUSTED_DOCUMENTS === 'required';
  if (required && documents.size === 0) {
    logger.warn(
      { file: config.HUB_TRUSTED_DOCUMENTS_FILE },
      'trusted documents required but none registered: first-party apps can run no operation',
    );
  }
  return trustedDocuments({ documents, required, firstParty: config.HUB_FIRST_PARTY_CLIENTS });
}
