/** The request path's short-lived view of consent statuses. */
import { TtlLoader } from '../../../lib/ttl-cache';
import type { Store } from '../../../store/connection';
import type { ConsentSnapshot, ConsentStatus } from '../model';
import { consentStatus, consentUsable, findConsent } from './status';

/**
 * The request path's view of consent statuses: a token's consent must still be
 * ACTIVE when the token is used, so a revocation takes effect on tokens already
 * issued within `ttlMs` (default 2 s) in every process, and at once in the process
 * that revoked (`invalidate`). Concurrent lookups of one id share a single read;
 * read errors are not cached (and propagate: callers must fail closed).
 */
export class ConsentStatusCache extends TtlLoader<ConsentSnapshot | null> {
  constructor(store: Store, opts: { ttlMs?: number; maxEntries?: number; clock?: () => number } = {}) {
    super((consentId) => snapshot(store, consentId), {
      ttlMs: opts.ttlMs ?? 2_000,
      maxEntries: opts.maxEntries ?? 10_000,
      clock: opts.clock,
    });
  }

  /** The consent's status at `now`, or NOT_FOUND. */
  async status(consentId: string, now: Date = new Date(this.clock())): Promise<ConsentStatus | 'NOT_FOUND'> {
    const c = await this.get(consentId);
    return c ? consentStatus(c, now) : 'NOT_FOUND';
  }

  /**
   * True when a CLIENT token's consent may serve a request now: it exists, is ACTIVE
   * and started, and belongs to the token's client and citizen.
   */
  async isActiveFor(
    consentId: string,
    expect: { clientId: string; citizenId: string },
    now: Date = new Date(this.clock()),
  ): Promise<boolean> {
    const c = await this.get(consentId);
    return c !== null && c.clientId === expect.clientId && c.citizenId === expect.citizenId && consentUsable(c, now);
  }
}

/** The consent (null when it does not exist), as the request path needs it. */
async function snapshot(store: Store, consentId: string): Promise<ConsentSnapshot | null> {
  const d = await findConsent(store, consentId);
  return d
    ? {
        id: d._id,
        citizenId: d.citizenId,
        clientId: d.clientId,
        scopes: d.scopes,
        purpose: d.purpose,
        dossierRef: d.dossierRef,
        status: d.status,
        validFrom: d.validFrom,
        validUntil: d.validUntil,
        ...(d.grantedBy ? { grantedBy: d.grantedBy } : {}),
      }
    : null;
}
