/**
 * The citizen's side of the data subjects' rights (docs/rights.md): filing requests, placing and
 * lifting restrictions, the consent grant that respects them, the citizen's list. Officers' side:
 * officer.ts; the export: export.ts; signed consent statements: statements.ts.
 */
import type { Logger } from 'pino';
import type { CitizenRecord } from '../../connectors/population/connector';
import { SOURCE_NAMES, type SourceName } from '../../connectors/sources';
import type { Store } from '../../store/connection';
import type { AccessCaches } from '../access/access';
import type { SigningKey } from '../access/auth/keys';
import { findClient } from '../access/clients';
import { grantConsent } from '../access/consents/grant';
import { revokeConsent } from '../access/consents/revoke';
import type { Consent, GrantConsentInput } from '../access/model';
import { changeRestriction, restrictedSince, restrictionState } from '../access/restrictions';
import type { HolidayCalendar } from '../accounts/calendar';
import type { CaseChangeRecord } from '../audit/model';
import type { CaseService } from '../reconciliation/cases';
import { fileCorrectionCase } from './corrections';
import { involvesThirdParty, requestDeadlines, type DayCount } from './deadlines';
import {
  CORRECTABLE_FIELDS,
  MAX_TEXT,
  isOpen,
  userError,
  type DataRequestDoc,
  type DataRequestKind,
  type RequestResult,
} from './model';
import { RequestStore, citizenList, newRequestId } from './store';

export interface RightsDeps {
  store: Store;
  calendar: HolidayCalendar;
  /** How the 15 / 20 / 15 days are counted (deadlines.ts). */
  dayCount: DayCount;
  /** The reconciliation cases (corrections join the data-cleaning queue). */
  cases: CaseService;
  caches: AccessCaches;
  /** The citizen's population record (their area), or null. */
  population(personalId: string): Promise<CitizenRecord | null>;
  /** The hub's key (the token service's: published at /.well-known/jwks.json). */
  signingKey: SigningKey;
  /** `iss` of the statements and checkpoints. */
  issuer: string;
  logger: Logger;
  now?: () => Date;
  /**
   * Whether a parent or guardian may still act for the child (the accounts service's): a consent
   * they gave is stated as `guardianshipEnded` once it has ended. Without it, always so.
   */
  guardianship?: (guardianId: string, childId: string) => Promise<{ refusal: string | null }>;
}

export interface ConsentGrantResult {
  consent?: Consent;
  userErrors?: Array<{ code: string; message: string; field: string | null }>;
}

const RESTRICTED_GRANT = {
  userErrors: [
    {
      code: 'PROCESSING_RESTRICTED',
      message: 'You restrict processing by this client: lift the restriction first',
      field: 'clientId',
    },
  ],
};

/** A `myRequests` cursor: the listing slot of the last request of a page. */
export function encodeRequestCursor(slot: number): string {
  return Buffer.from(`r1:${slot}`, 'utf8').toString('base64url');
}

export function decodeRequestCursor(cursor: string): number | null {
  const m = /^r1:(\d{1,12})$/.exec(Buffer.from(cursor.slice(0, 64), 'base64url').toString('utf8'));
  return m ? Number(m[1]) : null;
}

export class RightsService {
  readonly requests: RequestStore;
  constructor(readonly deps: RightsDeps) {
    this.requests = new RequestStore(deps.store);
  }

  now(): Date {
    return this.deps.now ? this.deps.now() : new Date();
  }

  get(id: string): Promise<DataRequestDoc | null> {
    return this.requests.get(id);
  }

  /** Today's area of the citizen's residence (null when the population has none or cannot answer). */
  private async areaOf(citizenId: string): Promise<DataRequestDoc['area']> {
    try {
      const area = (await this.deps.population(citizenId))?.area;
      return area ? { province: area.province, commune: area.commune } : null;
    } catch (err) {
      this.deps.logger.warn({ err, citizenId }, 'area of a data-subject request unknown: population unavailable');
      return null;
    }
  }

  /** A new request received now, with its deadlines; `done`: answered at once by the system. */
  private async build(
    citizenId: string,
    kind: DataRequestKind,
    extra: Partial<DataRequestDoc>,
    done?: string,
  ): Promise<DataRequestDoc> {
    const at = this.now();
    const { ackDueAt, actDueAt } = requestDeadlines(at, kind, this.deps.calendar, this.deps.dayCount);
    const doc: DataRequestDoc = {
      _id: extra._id ?? newRequestId(),
      citizenId,
      kind,
      status: done ? 'DONE' : 'RECEIVED',
      area: await this.areaOf(citizenId),
      receivedAt: at,
      thirdParty: involvesThirdParty(kind),
      ...extra,
      ackDueAt,
      actDueAt,
      history: [{ at, by: 'citizen', event: 'RECEIVE', from: null, to: 'RECEIVED' }],
      seq: 1,
      updatedAt: at,
    };
    if (done) {
      doc.acknowledgedAt = at;
      doc.closedAt = at;
      doc.resolution = done;
      doc.history.push({ at, by: 'system', event: 'COMPLETE', from: 'RECEIVED', to: 'DONE', note: done });
    }
    return doc;
  }

  /** An ACCESS request, answered at once with the export (export.ts). */
  async recordAccess(citizenId: string): Promise<DataRequestDoc> {
    const doc = await this.build(citizenId, 'ACCESS', {}, 'The copy of the data was given at once');
    await this.requests.create(doc);
    return doc;
  }

  /** A CONSENT_WITHDRAWAL request, done at once (the hub stops on the revocation). */
  async recordWithdrawal(citizenId: string, consent: { _id: string; clientId: string }): Promise<DataRequestDoc> {
    const doc = await this.build(
      citizenId,
      'CONSENT_WITHDRAWAL',
      { consentId: consent._id, clientId: consent.clientId },
      'The consent was withdrawn: no token is issued and no read is served under it',
    );
    await this.requests.create(doc);
    return doc;
  }

  /**
   * A correction request: validated, filed, and put in the data-cleaning queue of the citizen's
   * area as a CORRECTION_REQUEST case with the citizen's note (its change is for the audit).
   */
  async fileCorrection(
    citizenId: string,
    input: { source: SourceName; field: string; note: string },
  ): Promise<{ result: RequestResult; caseChange: CaseChangeRecord | null }> {
    const refuse = (r: RequestResult) => ({ result: r, caseChange: null });
    if (!SOURCE_NAMES.includes(input.source)) return refuse(userError('INVALID_INPUT', 'Unknown source', 'source'));
    if (!CORRECTABLE_FIELDS[input.source].includes(input.field)) {
      return refuse(
        userError(
          'UNKNOWN_FIELD',
          `Not a field of this paper (one of ${CORRECTABLE_FIELDS[input.source].join(', ')})`,
          'field',
        ),
      );
    }
    const note = input.note.trim();
    if (!note) return refuse(userError('NOTE_REQUIRED', 'Say what is wrong and what it should be', 'note'));
    if (note.length > MAX_TEXT) return refuse(userError('INVALID_INPUT', `At most ${MAX_TEXT} characters`, 'note'));
    const id = newRequestId();
    const caseId = `${input.source}:${citizenId}:CORRECTION_REQUEST:${input.field}:${id}`;
    const doc = await this.build(citizenId, 'CORRECTION', {
      _id: id,
      source: input.source,
      field: input.field,
      note,
      caseId,
    });
    await this.requests.create(doc);
    const caseChange = await fileCorrectionCase(this.deps.store, this.deps.cases, doc, this.now());
    return { result: { request: doc }, caseChange };
  }

  /**
   * An objection or restriction of processing by a client, in force at once: the restriction is
   * decided first (its generation's insert), then the request filed.
   */
  async fileRestriction(
    citizenId: string,
    input: { clientId: string; kind: DataRequestKind; note?: string | null },
  ): Promise<RequestResult> {
    if (input.kind !== 'OBJECTION' && input.kind !== 'RESTRICTION')
      return userError('INVALID_INPUT', 'kind is OBJECTION or RESTRICTION', 'kind');
    const note = input.note?.trim() ?? '';
    if (note.length > MAX_TEXT) return userError('INVALID_INPUT', `At most ${MAX_TEXT} characters`, 'note');
    const client = await findClient(this.deps.store, input.clientId);
    if (!client) return userError('CLIENT_UNKNOWN', 'No client is registered with this id', 'clientId');
    const id = newRequestId();
    const at = this.now();
    const { changed } = await changeRestriction(this.deps.store, {
      citizenId,
      clientId: client._id,
      state: 'RESTRICTED',
      requestId: id,
      by: 'citizen',
      at,
    });
    if (!changed) return userError('ALREADY_RESTRICTED', 'Processing by this client is already restricted', 'clientId');
    this.deps.caches.restrictions.invalidate(citizenId, client._id);
    const doc = await this.build(citizenId, input.kind, { _id: id, clientId: client._id, ...(note ? { note } : {}) });
    await this.requests.create(doc);
    return { request: doc };
  }

  /** Lifts the citizen's restriction of a client; the request that placed it records it (and closes). */
  async liftRestriction(citizenId: string, clientId: string): Promise<RequestResult> {
    const state = await restrictionState(this.deps.store, citizenId, clientId);
    const notRestricted = userError('NOT_RESTRICTED', 'Processing by this client is not restricted', 'clientId');
    if (!state.restricted || !state.latest) return notRestricted;
    const at = this.now();
    const { changed } = await changeRestriction(this.deps.store, {
      citizenId,
      clientId,
      state: 'LIFTED',
      requestId: state.latest.requestId,
      by: 'citizen',
      at,
    });
    this.deps.caches.restrictions.invalidate(citizenId, clientId);
    if (!changed) return notRestricted;
    const r = await this.requests.change(state.latest.requestId, (cur) => {
      const to = isOpen(cur) ? 'DONE' : cur.status;
      return {
        next: {
          ...cur,
          status: to,
          liftedAt: at,
          ...(isOpen(cur) ? { closedAt: at, resolution: 'Lifted by the data subject' } : {}),
          history: [...cur.history, { at, by: 'citizen', event: 'LIFT', from: cur.status, to }],
          seq: cur.seq + 1,
          updatedAt: at,
        },
      };
    });
    if (r && 'next' in r) return { request: r.next };
    // The restriction is lifted; its request could not record it (missing, or changed meanwhile).
    return { userErrors: [], request: await this.requests.get(state.latest.requestId) };
  }

  /** Whether the restriction an OBJECTION / RESTRICTION request placed is in force now (else null). */
  async restrictionInForce(r: DataRequestDoc): Promise<boolean | null> {
    if ((r.kind !== 'OBJECTION' && r.kind !== 'RESTRICTION') || !r.clientId) return null;
    const s = await restrictionState(this.deps.store, r.citizenId, r.clientId);
    return s.restricted && s.latest?.requestId === r._id;
  }

  /**
   * The consent grant, refused while the citizen restricts the client: checked before, and again
   * after the consent is recorded (a restriction decided meanwhile withdraws it), so no consent
   * stands on a check a restriction replaced.
   */
  async grantConsent(citizenId: string, input: GrantConsentInput): Promise<ConsentGrantResult> {
    const now = this.now();
    const before = await restrictionState(this.deps.store, citizenId, String(input.clientId));
    if (before.restricted) return RESTRICTED_GRANT;
    const r = await grantConsent(this.deps.store, citizenId, input, now);
    if (!r.consent) return r;
    if (await restrictedSince(this.deps.store, citizenId, r.consent.clientId, before.gen)) {
      await revokeConsent(this.deps.store, citizenId, r.consent._id, now, { cache: this.deps.caches.consents });
      return RESTRICTED_GRANT;
    }
    return r;
  }

  /** The citizen's requests, newest first. */
  async mine(
    citizenId: string,
    opts: { first: number; after?: number },
  ): Promise<{ nodes: DataRequestDoc[]; endCursor: string | null; hasNextPage: boolean }> {
    const page = await this.requests.page(citizenList(citizenId), {
      first: opts.first,
      before: opts.after,
      keep: (r) => r.citizenId === citizenId,
    });
    const last = page.requests[page.requests.length - 1];
    return {
      nodes: page.requests.map((x) => x.request),
      endCursor: last ? encodeRequestCursor(last.slot) : null,
      hasNextPage: page.hasMore,
    };
  }
}
