import { GraphQLError } from 'graphql';
import type { Collection } from 'mongodb';
import type { Loaders } from '../../connectors/registry';
import { badUserInput, ErrorCode } from '../../lib/errors';
import type { Store } from '../../store/connection';
import { isDuplicateKey } from '../../store/concurrency';
import type { SigningKey } from '../access/auth/keys';
import { DOCUMENT_SCOPES, type Principal } from '../access/auth/principal';
import type { ClientDoc } from '../access/clients';
import { decide, forbidden, type AccessLookups } from '../access/policy';
import type { AuditCollector, DenialReason, ShareEventRecord } from '../audit/model';
import { newShareCode, open, parseShareCode, seal } from './code';
import {
  claimOf,
  fieldsOf,
  isShareField,
  isShareablePaper,
  PAPER_CLAIM,
  paperOf,
  readPapers,
  SHARE_FIELD_NAMES,
  SHAREABLE_PAPERS,
  valueOf,
  type ShareFieldName,
  type SharePaper,
} from './fields';
import {
  SHARE_TTL_S,
  type RedemptionView,
  type ShareAudience,
  type ShareCreateInput,
  type ShareDoc,
  type ShareRedemptionDoc,
  type ShareView,
} from './model';
import { issueShareToken, verifyShareToken, type SharedClaims } from './sd-jwt';

/**
 * Share by QR code. The citizen picks papers and fields; the hub reads them (the citizen's own
 * data, at the level their account allows), signs them as an SD-JWT valid {@link SHARE_TTL_S}
 * seconds, stores it sealed under a key that only the code carries, and answers the code. A
 * verifier (officer or registered client) redeems the code once: the redemption is decided by
 * inserting `hub.shareRedemptions` `{_id: share id}` (the one atomic compare-and-set of the
 * embedded store), so of concurrent redemptions on any number of hub instances exactly one wins.
 * Creation, redemption and refused redemptions are recorded in the request's audit record
 * (`shareEvents`); the citizen's access log lists creation and redemption (services/audit/access-log).
 */

/** The signing key's file name (without `.pem`) in HUB_KEYS_DIR: a key of its own, not the token service's. */
export const SHARE_KEY_NAME = 'hub-share';
export const SHARES_COLLECTION = 'shares';
export const SHARE_REDEMPTIONS_COLLECTION = 'shareRedemptions';
/** How long a share's record (sealed, unreadable without its code) is kept after it expired. */
const KEEP_AFTER_EXPIRY_MS = 24 * 3600 * 1000;
/** Client kinds that may verify shares. */
const VERIFIER_CLIENT_KINDS: ReadonlySet<ClientDoc['kind']> = new Set(['TTHC_SYSTEM', 'VERIFIER']);

export interface ShareServiceDeps {
  store: Store;
  /** The key that signs shares (published in the hub's JWKS). */
  key: SigningKey;
  /** `iss` of the SD-JWTs: the hub's issuer. */
  issuer: string;
}

/** What a creation or redemption needs of its request (the request context has all of it). */
export interface ShareRequest {
  principal: Principal;
  now: Date;
  access: AccessLookups;
  loaders: Loaders;
  audit: AuditCollector;
  clients: { get(id: string): Promise<ClientDoc | null> };
}

const shareError = (code: ErrorCode, message: string, extra: Record<string, unknown> = {}) =>
  new GraphQLError(message, { extensions: { code, ...extra } });

/** The `aud` of a share's SD-JWT, per audience (docs/security.md, Share by QR). */
export function shareAudienceUri(issuer: string, audience: ShareAudience, clientId?: string | null): string {
  if (audience === 'CLIENT') return `${issuer}:client:${clientId}`;
  return audience === 'OFFICER' ? `${issuer}:officers` : `${issuer}:verifiers`;
}

export class ShareService {
  readonly shares: Collection<ShareDoc>;
  readonly redemptions: Collection<ShareRedemptionDoc>;
  private lastPurge = 0;

  constructor(private readonly deps: ShareServiceDeps) {
    this.shares = deps.store.hubDb.collection<ShareDoc>(SHARES_COLLECTION);
    this.redemptions = deps.store.hubDb.collection<ShareRedemptionDoc>(SHARE_REDEMPTIONS_COLLECTION);
  }

  /** The key shares are signed with (its public half is published at `/.well-known/jwks.json`). */
  get signingKey(): SigningKey {
    return this.deps.key;
  }

  /** The calling citizen shares papers and fields of their own (see the schema's `shareCreate`). */
  async create(req: ShareRequest, input: ShareCreateInput): Promise<ShareView> {
    if (req.principal.kind !== 'CITIZEN') throw new Error('@self policy not applied');
    const citizenId = req.principal.personalId;
    const { papers, fields } = selection(input);
    const audience = await this.audienceOf(req, input, papers);
    // The citizen's own papers at the level their account allows (a withheld paper: FORBIDDEN).
    const principal = req.principal;
    for (const paper of papers) {
      const d = await decide(principal, { personalId: citizenId, area: null }, paper, req.access);
      if (!d.allow) throw forbidden(d.reason, {}, paper);
    }
    const docs = await readPapers(req.loaders, citizenId, papers);
    const claims: SharedClaims = {};
    for (const paper of papers) {
      const doc = docs.get(paper);
      if (!doc) {
        throw badUserInput(`You have no ${paper.toLowerCase().replace(/_/g, ' ')} to share`, {
          reason: 'PAPER_NOT_FOUND',
          paper,
        });
      }
      claims[PAPER_CLAIM[paper]] = Object.fromEntries(
        fields.filter((f) => paperOf(f) === paper).map((f) => [claimOf(f), valueOf(f, doc, req.now)]),
      );
    }
    const code = newShareCode();
    const iat = Math.floor(req.now.getTime() / 1000);
    const expiresAt = new Date((iat + SHARE_TTL_S) * 1000);
    const aud = shareAudienceUri(this.deps.issuer, audience.audience, audience.clientId);
    const sdJwt = await issueShareToken(
      this.deps.key,
      { iss: this.deps.issuer, aud, iat, exp: iat + SHARE_TTL_S, jti: code.id },
      claims,
    );
    const doc: ShareDoc = {
      _id: code.id,
      citizenId,
      createdAt: req.now,
      expiresAt,
      audience: audience.audience,
      ...(audience.clientId ? { clientId: audience.clientId } : {}),
      papers,
      fields,
      sealed: seal(sdJwt, code),
    };
    await this.shares.insertOne(doc);
    this.record(req, doc, 'CREATED');
    this.purge(req.now);
    return {
      code: code.code,
      id: code.id,
      expiresAt,
      audience: audience.audience,
      clientId: audience.clientId ?? null,
      papers,
      fields,
    };
  }

  /** The audience the citizen chose, checked (a CLIENT audience names an active client registered for the papers). */
  private async audienceOf(
    req: ShareRequest,
    input: ShareCreateInput,
    papers: readonly SharePaper[],
  ): Promise<{ audience: ShareAudience; clientId?: string }> {
    const audience = input.audience ?? 'ANY_VERIFIER';
    if (audience !== 'CLIENT') {
      if (input.clientId) throw badUserInput('clientId goes with audience CLIENT only', { field: 'clientId' });
      return { audience };
    }
    if (!input.clientId) throw badUserInput('audience CLIENT needs the clientId', { field: 'clientId' });
    const client = await req.clients.get(input.clientId);
    if (!client || client.status !== 'ACTIVE' || !VERIFIER_CLIENT_KINDS.has(client.kind))
      throw badUserInput('No active verifier is registered with this clientId', { field: 'clientId' });
    const missing = papers.filter((p) => !client.scopes.includes(p));
    if (missing.length)
      throw badUserInput(`This client is not registered for ${missing.join(', ')}`, { field: 'clientId', missing });
    return { audience, clientId: client._id };
  }

  /** A verifier redeems a share code (see the schema's `shareRedeem`). */
  async redeem(req: ShareRequest, codeText: string): Promise<RedemptionView> {
    const p = req.principal;
    if (p.kind !== 'OFFICER' && p.kind !== 'CLIENT') throw new Error('@verifier policy not applied');
    const code = parseShareCode(codeText);
    if (!code) throw badUserInput('This is not a share code: scan the QR code again', { reason: 'MALFORMED_CODE' });
    const notFound = () =>
      shareError(ErrorCode.SHARE_NOT_FOUND, 'No share has this code: scan the QR code again, or ask for a new one');
    const [doc, used] = await Promise.all([
      this.shares.findOne({ _id: code.id }),
      this.redemptions.findOne({ _id: code.id }),
    ]);
    const sdJwt = doc && open(doc.sealed, code);
    if (!doc || !sdJwt) throw notFound();
    const refuse = (error: GraphQLError) => {
      this.record(req, doc, 'REFUSED', String(error.extensions.reason ?? error.extensions.code));
      return error;
    };
    const usedError = () =>
      shareError(ErrorCode.SHARE_USED, 'This share code was already used: ask the citizen to show a new one');
    if (used) throw refuse(usedError());
    if (req.now.getTime() >= doc.expiresAt.getTime()) {
      throw refuse(
        shareError(
          ErrorCode.SHARE_EXPIRED,
          'This share code has expired (it works for 60 seconds): ask for a new one',
          {
            expiredAt: doc.expiresAt.toISOString(),
          },
        ),
      );
    }
    const refused = await this.verifierRefusal(req, doc);
    if (refused) throw refuse(refused);
    // The single use: the insert of the share's id decides, on every hub instance alike.
    try {
      await this.redemptions.insertOne({
        _id: doc._id,
        at: req.now,
        expiresAt: doc.expiresAt,
        by: p.kind === 'OFFICER' ? { kind: p.kind, id: p.officerId, unit: p.unit } : { kind: p.kind, id: p.clientId },
      });
    } catch (e) {
      if (isDuplicateKey(e)) throw refuse(usedError());
      throw e;
    }
    this.record(req, doc, 'REDEEMED');
    return this.view(doc, sdJwt, req.now);
  }

  /** Why this verifier may not redeem this share, or null (audience first, then a client's registration). */
  private async verifierRefusal(req: ShareRequest, doc: ShareDoc): Promise<GraphQLError | null> {
    const p = req.principal;
    const foreign =
      (doc.audience === 'OFFICER' && p.kind !== 'OFFICER') ||
      (doc.audience === 'CLIENT' && (p.kind !== 'CLIENT' || p.clientId !== doc.clientId));
    if (foreign) {
      const who = doc.audience === 'OFFICER' ? 'officers only' : 'another verifier';
      return shareError(ErrorCode.SHARE_AUDIENCE, `This share code was made for ${who}: it cannot be redeemed here`, {
        audience: doc.audience,
      });
    }
    if (p.kind !== 'CLIENT') return null;
    // A client token is valid only while its consent is, and the client only for what it is registered for.
    const [consent, client] = await Promise.all([
      req.access.consentState(p.consentId, p.citizenId, p.clientId),
      req.clients.get(p.clientId),
    ]);
    const deny = (reason: DenialReason) => forbidden(reason, { principal: ['OFFICER', 'CLIENT'] });
    if (consent === 'REVOKED') return deny('CONSENT_REVOKED');
    if (consent !== 'ACTIVE') return deny('NOT_CONSENTED');
    if (!client || client.status !== 'ACTIVE' || !VERIFIER_CLIENT_KINDS.has(client.kind))
      return deny('CLIENT_NOT_REGISTERED');
    const missing = doc.papers.find((paper) => !client.scopes.includes(paper));
    return missing ? forbidden('CLIENT_NOT_REGISTERED', {}, missing) : null;
  }

  /** The redemption: the SD-JWT, checked with the hub's own key, and its disclosed fields. */
  private async view(doc: ShareDoc, sdJwt: string, now: Date): Promise<RedemptionView> {
    const verified = await verifyShareToken(sdJwt, {
      keys: new Map([[this.deps.key.kid, this.deps.key.publicKey]]),
      issuer: this.deps.issuer,
      now,
    });
    const papers = SHAREABLE_PAPERS.filter((paper) => verified.papers[PAPER_CLAIM[paper]]).map((paper) => {
      const disclosed = verified.papers[PAPER_CLAIM[paper]];
      return {
        citizenId: doc.citizenId,
        paper,
        claim: PAPER_CLAIM[paper],
        fields: fieldsOf(paper)
          .filter((f) => Object.prototype.hasOwnProperty.call(disclosed, claimOf(f)))
          .map((f) => ({ field: f, claim: claimOf(f), value: disclosed[claimOf(f)] ?? null })),
      };
    });
    return {
      citizenId: doc.citizenId,
      sdJwt,
      issuer: verified.claims.iss,
      keyId: verified.header.kid,
      audience: verified.claims.aud,
      issuedAt: new Date(verified.claims.iat * 1000),
      expiresAt: new Date(verified.claims.exp * 1000),
      papers,
    };
  }

  private record(req: ShareRequest, doc: ShareDoc, event: ShareEventRecord['event'], reason?: string): void {
    (req.audit.shareEvents ??= []).push({
      shareId: doc._id,
      citizenId: doc.citizenId,
      event,
      papers: doc.papers,
      fields: doc.fields,
      audience: doc.audience,
      ...(doc.clientId ? { clientId: doc.clientId } : {}),
      ...(reason ? { reason } : {}),
    });
  }

  /** Drops shares (and their redemptions) a day past their expiry, at most once a minute per process. */
  private purge(now: Date): void {
    if (now.getTime() - this.lastPurge < 60_000) return;
    this.lastPurge = now.getTime();
    const before = { expiresAt: { $lt: new Date(now.getTime() - KEEP_AFTER_EXPIRY_MS) } };
    void Promise.all([this.shares.deleteMany(before), this.redemptions.deleteMany(before)]).catch(() => undefined);
  }
}

/** The fields shared: those of the papers shared whole and the single ones, in `ShareField` order. */
function selection(input: ShareCreateInput): { papers: SharePaper[]; fields: ShareFieldName[] } {
  const chosen = new Set<ShareFieldName>();
  for (const p of input.papers ?? []) {
    if (!(DOCUMENT_SCOPES as readonly string[]).includes(p)) throw badUserInput(`Unknown paper ${String(p)}`);
    if (!isShareablePaper(p))
      throw badUserInput('Family papers name other people and cannot be shared by QR code', {
        field: 'papers',
        paper: p,
      });
    for (const f of fieldsOf(p)) chosen.add(f);
  }
  for (const f of input.fields ?? []) {
    if (!isShareField(f)) throw badUserInput(`Unknown field ${String(f).slice(0, 64)}`, { field: 'fields' });
    chosen.add(f);
  }
  if (chosen.size === 0) throw badUserInput('Choose at least one paper or field to share', { field: 'fields' });
  const fields = SHARE_FIELD_NAMES.filter((f) => chosen.has(f));
  const papers = SHAREABLE_PAPERS.filter((p) => fields.some((f) => paperOf(f) === p));
  return { papers: [...papers], fields };
}
