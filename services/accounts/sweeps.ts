/**
 * The daily sweeps (scheduled at HUB_SWEEP_AT Vietnam time, and runnable on demand by a
 * supervisor with `accountSweepRun`, or `npm run accounts:sweep`):
 * - lock every ACTIVE account (or one locked for another reason) whose chip ID card has
 *   expired (a card is valid through its expiry day: expiring today is locked tomorrow), and
 *   every one whose holder the population source records as deceased (never unlocked);
 * - close the activation window of APPROVED accounts notified more than 7 days ago
 *   (EXPIRE_ACTIVATION), and send the notices that could not be sent at approval;
 * - refresh the population facts of the reports (people turn 14, die, move).
 */
import type { Logger } from 'pino';
import { mapCitizen } from '../../connectors/population/connector';
import { POPULATION_COLLECTION, POPULATION_DB, type CongDanDoc } from '../../connectors/population/model';
import { PROVINCES } from '../../reference/areas';
import type { AuditWriter } from '../audit/writer';
import type { Jurisdiction } from '../access/auth/principal';
import { inJurisdiction } from '../access/policy';
import { decodeListValue } from './reports/ops';
import { listMembers } from './reports/read';
import { refreshPopulation } from './reports/rebuild';
import type { ReportWriter } from './reports/writer';
import type { Store } from '../../store/connection';
import { VIETNAM_OFFSET_MS, activationDeadline, vietnamDate } from './calendar';
import { cardOnRecord, idCardExpiryUnreadable, isForeigner, residenceCardValidOn } from './id-card';
import type { AccountChange } from './model';
import type { AccountService } from './service';
import { readToEnd } from '../../store/cursors';

export interface SweepCounts {
  lockedExpiredCards: number;
  lockedDeceased: number;
  activationExpired: number;
  noticesSent: number;
  areasRefreshed: number;
}

export interface SweepResult {
  counts: SweepCounts;
  changes: AccountChange[];
}

export interface SweepDeps {
  store: Store;
  service: AccountService;
  reports: ReportWriter;
  logger: Logger;
  now?: () => Date;
}

/** One audit record, actor SYSTEM, for the transitions of a sweep (none when it made none). */
export async function auditSweep(audit: AuditWriter, changes: AccountChange[]): Promise<void> {
  if (!changes.length) return;
  await audit.append({
    at: new Date(),
    requestId: `sweep-${vietnamDate(new Date())}`,
    operation: 'accountSweep',
    actor: { kind: 'SYSTEM', id: 'sweep' },
    citizens: [],
    accountChanges: changes,
  });
}

export class Sweeps {
  private readonly now: () => Date;
  constructor(private readonly deps: SweepDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  /** Locks the accounts whose chip ID card expired before today, within `scope` when given. */
  async lockExpiredCards(scope?: Jurisdiction): Promise<SweepResult> {
    const today = vietnamDate(this.now());
    const changes: AccountChange[] = [];
    let locked = 0;
    let lockedDeceased = 0;
    const cursor = this.deps.store
      .db(POPULATION_DB)
      .collection<CongDanDoc>(POPULATION_COLLECTION)
      .find({}, { batchSize: 1000 });
    const pending: Array<Promise<void>> = [];
    for await (const doc of readToEnd(cursor)) {
      let c;
      try {
        c = mapCitizen(doc);
      } catch {
        continue;
      }
      const foreigner = isForeigner(c);
      // A foreigner's card is the residence card (Decree 69/2024 Art. 7): one on record that is not
      // valid today (expired, or unreadable) locks the account as an expired ID card does.
      const expires = foreigner ? c.residenceCard?.expiresOn : c.identityCard?.expiresOn;
      const deceased = c.vitalStatus === 'DECEASED';
      // An expiry that cannot be read counts as expired (fail closed).
      const expired = foreigner
        ? cardOnRecord(c) && !residenceCardValidOn(c, today)
        : idCardExpiryUnreadable(c) || (!!expires && expires < today);
      const unreadable = expired && !expires;
      if (!deceased && !expired) continue;
      const lockReason = deceased ? 'HOLDER_DECEASED' : 'ID_CARD_EXPIRED';
      const id = c.personalId;
      pending.push(
        (async () => {
          const a = await this.deps.service.get(id);
          if (!a || !(a.status === 'ACTIVE' || a.status === 'LOCKED')) return;
          if (a.lockReason === lockReason || a.lockReason === 'HOLDER_DECEASED') return;
          // The account's own area decides whose sweep this is (a person may have moved since).
          if (scope && !inJurisdiction(scope, a.area)) return;
          const r = await this.deps.service.lock({ kind: 'system' }, id, {
            reason: deceased
              ? 'the holder is recorded as deceased'
              : unreadable
                ? `the ${foreigner ? 'residence card' : 'chip ID card'} expiry cannot be read from the population source`
                : foreigner
                  ? `residence card not valid on ${today} (expiry ${expires})`
                  : `chip ID card expired on ${expires}`,
          });
          if (!r.userError) {
            if (deceased) lockedDeceased++;
            else locked++;
            changes.push(...r.changes);
          }
        })(),
      );
      if (pending.length >= 32) await Promise.all(pending.splice(0));
    }
    await Promise.all(pending);
    return {
      counts: { lockedExpiredCards: locked, lockedDeceased, activationExpired: 0, noticesSent: 0, areasRefreshed: 0 },
      changes,
    };
  }

  /** Closes the 7-day windows that have passed and sends the notices still owed. */
  async closeActivationWindows(scope?: Jurisdiction): Promise<SweepResult> {
    const now = this.now();
    const changes: AccountChange[] = [];
    let expired = 0;
    let notices = 0;
    for (const province of PROVINCES) {
      if (scope && scope.province !== province.code) continue;
      for (const commune of province.communes) {
        if (scope?.commune && scope.commune !== commune.code) continue;
        const members = await listMembers(this.deps.store, 'APPROVED_NOT_ACTIVATED', commune.code);
        for (const [id, value] of members) {
          const since = decodeListValue(value).since ?? '';
          if (since === '') {
            const r = await this.deps.service.notifyApproval(id);
            if (r.changes.length) {
              notices++;
              changes.push(...r.changes);
            }
            continue;
          }
          if (now <= activationDeadline(new Date(since))) continue;
          const r = await this.deps.service.transition(id, (a, at) =>
            a?.status === 'APPROVED'
              ? { type: 'EXPIRE_ACTIVATION', at, by: { kind: 'system' } }
              : { code: 'ILLEGAL_TRANSITION', message: 'not approved' },
          );
          if (!r.userError) {
            expired++;
            changes.push(...r.changes);
          }
        }
      }
    }
    return {
      counts: {
        lockedExpiredCards: 0,
        lockedDeceased: 0,
        activationExpired: expired,
        noticesSent: notices,
        areasRefreshed: 0,
      },
      changes,
    };
  }

  /** All sweeps; the population refresh only when the whole country is swept. */
  async runAll(scope?: Jurisdiction): Promise<SweepResult> {
    const a = await this.lockExpiredCards(scope);
    const b = await this.closeActivationWindows(scope);
    let areas = 0;
    if (!scope)
      areas = (await refreshPopulation(this.deps.store, this.deps.reports, { today: vietnamDate(this.now()) })).areas;
    return {
      counts: {
        lockedExpiredCards: a.counts.lockedExpiredCards,
        lockedDeceased: a.counts.lockedDeceased,
        activationExpired: b.counts.activationExpired,
        noticesSent: b.counts.noticesSent,
        areasRefreshed: areas,
      },
      changes: [...a.changes, ...b.changes],
    };
  }

  /**
   * Runs every day at `at` ("HH:MM", Vietnam time); each run's transitions are audited as the
   * SYSTEM. Returns a function that stops the schedule.
   */
  schedule(at: string, audit: AuditWriter | null): () => void {
    const [h, m] = at.split(':').map(Number);
    let timer: NodeJS.Timeout | null = null;
    const next = () => {
      const now = Date.now();
      const vn = new Date(now + VIETNAM_OFFSET_MS);
      let due = Date.UTC(vn.getUTCFullYear(), vn.getUTCMonth(), vn.getUTCDate(), h, m) - VIETNAM_OFFSET_MS;
      if (due <= now) due += 86_400_000;
      // Fire-and-forget: `run` logs its own failure and schedules the next day.
      timer = setTimeout(() => void run(), due - now);
      timer.unref();
    };
    const run = async () => {
      try {
        const r = await this.runAll();
        this.deps.logger.info({ sweep: r.counts }, 'daily account sweep done');
        if (audit) await auditSweep(audit, r.changes);
      } catch (err) {
        this.deps.logger.error({ err }, 'daily account sweep failed; it runs again tomorrow or on demand');
      }
      next();
    };
    next();
    return () => {
      if (timer) clearTimeout(timer);
    };
  }
}
