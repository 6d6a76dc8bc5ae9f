/**
 * E-identity accounts (hub `accounts`) for living citizens aged 14+: registration,
 * approval within the legal deadlines (Level 1 with a chip card: 1 working day;
 * Level 2: 3; without a chip card: 7), activation within 7 days of the notice,
 * and locks (by the holder, an officer, or the system when the chip card expired).
 *
 * Each history entry names the lifecycle event that made it (services/accounts/lifecycle/)
 * and the account's level after it, so that a history replays from NONE through the
 * lifecycle's TRANSITIONS table to the account's status and level.
 */
import {
  DEFAULT_CALENDAR,
  approvalDeadlineDays,
  addWorkingDays as addCalendarWorkingDays,
} from '../../services/accounts/calendar';
import type { AccountDoc, AccountHistoryEntry, AccountLevel, AccountStatus } from '../../services/accounts/store';
import { TODAY, addWorkingDays, ageOn, birthday, day, instant, isoDate, officeSeconds, type Day } from './dates';
import type { IdCard, Person } from './model';
import { residenceCardValid } from './foreigners';
import { currentCard, hasChipCard } from './people';
import type { Rng } from './prng';
import { stripDiacritics } from './text';

// Module-level aliases of globals: under jest each global lookup goes through the
// test context and is slow, and the generator makes millions of them.
const M = Math;
const Dt = Date;

const VNEID_START = day(2022, 1, 1);

/** Approval deadline in working days (docs/domain.md). */
export function approvalDeadline(level: AccountLevel, chip: boolean): number {
  if (!chip) return 7;
  return level === 1 ? 1 : 3;
}

function phone(r: Rng): string {
  return `+84${r.pick(['3', '5', '7', '8', '9'])}${r.digits(8)}`;
}

function email(r: Rng, p: Person): string {
  const slug = (s: string) =>
    stripDiacritics(s)
      .toLowerCase()
      .replace(/[^a-z0-9]/g, '');
  const domain = r.pick(['gmail.com', 'gmail.com', 'gmail.com', 'yahoo.com', 'outlook.com']);
  return `${slug(p.name.given)}.${slug(p.name.surname)}${r.int(1, 99)}@${domain}`;
}

function officer(r: Rng, p: Person): string {
  return `officer:CA${p.household.place.province.code}-${r.int(1000, 9999)}`;
}

/** What an account is drawn to be before its history is written. */
interface Profile {
  chip: boolean;
  /** A valid card for the deadlines: the chip card, or a foreigner's residence card (Decree 69 Art. 13). */
  validCard: boolean;
  card: IdCard | undefined;
  /** The day of the current chip card (null without one). */
  chipSince: Day | null;
  level: AccountLevel;
  status: AccountStatus;
  lockReason: AccountDoc['lockReason'];
  /** The approval deadline in working days. */
  deadline: number;
  /** The first day the person could register. */
  earliest: Day;
  /** Registered Level 1, then upgraded to Level 2 in person. */
  upgrade: boolean;
}

/** An account being written: its profile, history so far, and the office hour of its first steps. */
interface Writing extends Profile {
  p: Person;
  r: Rng;
  doc: AccountDoc;
  history: AccountHistoryEntry[];
  /** The level the person registered at. */
  firstLevel: AccountLevel;
  /** Seconds after midnight (Vietnam time) of the first steps. */
  sec: number;
}

export function buildAccount(p: Person, r: Rng): AccountDoc | null {
  const profile = drawProfile(p, r);
  if (!profile) return null;
  const { reg, notified } = registrationDay(r, profile);
  const w = register(p, r, profile, reg);
  if (w.status === 'PENDING') {
    // The end (Vietnam time) of the last day allowed for the decision.
    const dueDay = addCalendarWorkingDays(
      isoDate(reg),
      approvalDeadlineDays({ level: w.firstLevel, hasChipCard: w.validCard }),
      DEFAULT_CALENDAR,
    );
    w.doc.approvalDueAt = new Dt(Dt.parse(`${dueDay}T23:59:59.999+07:00`));
    return finish(w.doc);
  }
  const approveDay =
    notified ?? M.min(TODAY, addWorkingDays(reg, r.int(0, approvalDeadline(w.firstLevel, w.validCard))));
  if (!decide(w, approveDay)) return finish(w.doc);
  if (w.status === 'APPROVED') return finish(w.doc);
  if (w.status === 'ACTIVATION_EXPIRED') {
    expire(w, approveDay);
    return finish(w.doc);
  }
  // ACTIVE or LOCKED: activated within 7 days of the notice.
  let lastDay = activate(w, approveDay);
  if (w.upgrade) lastDay = upgradeInPerson(w, lastDay);
  if (w.status === 'LOCKED') lock(w, lastDay);
  return finish(w.doc);
}

/** Whether the person has an account, and what it is to be (null: none). */
function drawProfile(p: Person, r: Rng): Profile | null {
  if (p.death !== null || p.phantom) return null;
  const age = ageOn(p.birth, TODAY);
  if (age < 14) return null;
  if (!r.chance(age >= 18 ? 0.86 : 0.55)) return null;

  const chip = hasChipCard(p);
  const card = currentCard(p);
  const chipSince = chip && card ? card.ngayCap : null;
  const validCard = chip || residenceCardValid(p);
  const level: AccountLevel = validCard && r.chance(0.68) ? 2 : 1;

  const x = r.next();
  let status: AccountStatus =
    x < 0.735
      ? 'ACTIVE'
      : x < 0.775
        ? 'APPROVED'
        : x < 0.945
          ? 'ACTIVATION_EXPIRED'
          : x < 0.975
            ? 'PENDING'
            : x < 0.99
              ? 'LOCKED'
              : 'REJECTED';
  let lockReason: AccountDoc['lockReason'];
  if (status === 'LOCKED') lockReason = r.chance(0.6) ? 'HOLDER' : 'OFFICER';
  if (p.expiredCard && (status === 'ACTIVE' || status === 'LOCKED')) {
    status = 'LOCKED';
    lockReason = 'ID_CARD_EXPIRED';
  }
  const deadline = approvalDeadline(level, validCard);
  const earliest = M.max(
    VNEID_START,
    birthday(p.birth, 14),
    level === 2 && chipSince !== null ? chipSince : 0,
    p.residenceCard?.ngayCap ?? 0,
  );
  const upgrade = level === 2 && (status === 'ACTIVE' || status === 'LOCKED') && r.chance(0.25);
  return { chip, validCard, card, chipSince, level, status, lockReason, deadline, earliest, upgrade };
}

/** The registration day, and the notice day of an account still awaiting activation. */
function registrationDay(r: Rng, profile: Profile): { reg: Day; notified: Day | null } {
  const { card, chipSince, level, status, lockReason, deadline, earliest } = profile;
  let reg: Day;
  let notified: Day | null = null;
  if (status === 'PENDING') {
    reg = TODAY - r.int(0, 1);
  } else if (status === 'APPROVED') {
    notified = TODAY - r.int(0, 6);
    reg = M.max(earliest, notified - r.int(0, deadline + 2));
  } else {
    let latest = TODAY - 40;
    if (lockReason === 'ID_CARD_EXPIRED' && card?.ngayHetHan)
      latest = M.max(earliest, M.min(latest, card.ngayHetHan - 60));
    const span = M.max(0, latest - earliest);
    reg = earliest + M.floor(M.pow(r.next(), 1.6) * span);
  }
  if (reg < earliest) reg = earliest;
  if (reg > TODAY) reg = TODAY;
  if (notified !== null && notified < reg) notified = reg;
  if (
    level === 2 &&
    chipSince !== null &&
    r.chance(0.4) &&
    chipSince >= VNEID_START &&
    chipSince <= reg &&
    status !== 'PENDING' &&
    status !== 'APPROVED'
  ) {
    reg = chipSince; // registered for Level 2 together with the chip card
  }
  return { reg, notified };
}

const at = (d: Day, s: number) => instant(d, s);

/** The registration: the first history entry and the account document. */
function register(p: Person, r: Rng, profile: Profile, reg: Day): Writing {
  const firstLevel: AccountLevel = profile.upgrade ? 1 : profile.level;
  const history: AccountHistoryEntry[] = [];
  const sec = officeSeconds(r);
  history.push({
    at: at(reg, sec),
    from: null,
    to: 'PENDING',
    level: firstLevel,
    by: firstLevel === 1 ? 'citizen' : officer(r, p),
    event: firstLevel === 1 ? 'REGISTER_L1' : 'REGISTER_L2',
  });
  const doc: AccountDoc = {
    _id: p.id,
    level: profile.level,
    status: profile.status,
    phone: phone(r),
    area: { province: p.household.place.province.code, commune: p.household.place.commune.code },
    hasChipCard: profile.chip,
    registeredAt: at(reg, sec),
    history,
    updatedAt: at(reg, sec),
  };
  if (r.chance(0.35)) doc.email = email(r, p);
  return { ...profile, p, r, doc, history, firstLevel, sec };
}

/** The decision on the registration: rejected (false), or approved and notified (true). */
function decide(w: Writing, approveDay: Day): boolean {
  const { p, r, doc, history, firstLevel, chip, sec } = w;
  const approveAt = at(approveDay, M.min(86_399, sec + r.int(600, 7200)));
  if (w.status === 'REJECTED') {
    history.push({
      at: approveAt,
      from: 'PENDING',
      to: 'REJECTED',
      level: firstLevel,
      by: officer(r, p),
      event: 'REJECT',
      reason: r.pick([
        'Thông tin không khớp với CSDLQG về dân cư',
        'Ảnh chân dung không đạt yêu cầu',
        'Số điện thoại không chính chủ',
      ]),
    });
    return false;
  }
  history.push({
    at: approveAt,
    from: 'PENDING',
    to: 'APPROVED',
    level: firstLevel,
    by: firstLevel === 1 && chip ? 'system' : officer(r, p),
    event: 'APPROVE',
  });
  doc.approvedAt = approveAt;
  // The notice goes out a minute after the approval (same day: approvals end by 19:30).
  doc.notifiedAt = new Dt(approveAt.getTime() + 60_000);
  history.push({
    at: doc.notifiedAt,
    from: 'APPROVED',
    to: 'APPROVED',
    level: firstLevel,
    by: 'system',
    event: 'NOTIFY',
    reason: 'Thông báo qua ứng dụng VNeID',
  });
  return true;
}

/** Not activated within the window: the sweep expires it (or it is still awaiting activation). */
function expire(w: Writing, approveDay: Day): void {
  if (approveDay + 8 > TODAY) {
    // Registered too recently (just turned 14, or a new chip card for Level 2): the window
    // is still open today, so the account is simply awaiting activation.
    w.doc.status = 'APPROVED';
    return;
  }
  // The sweep just after the window closed (lifecycle's activationDeadline: the end of the
  // 7th calendar day after the day of the notice), at 00:05 Vietnam time of the 8th day.
  const expiredAt = at(approveDay + 8, 300);
  w.history.push({
    at: expiredAt,
    from: 'APPROVED',
    to: 'ACTIVATION_EXPIRED',
    level: w.firstLevel,
    by: 'system',
    event: 'EXPIRE_ACTIVATION',
    reason: 'Không kích hoạt trong 7 ngày kể từ ngày thông báo',
  });
}

/** Activated within 7 days of the notice; the day of it. */
function activate(w: Writing, approveDay: Day): Day {
  const { r, doc, history, firstLevel, sec } = w;
  const activatedDay = M.min(TODAY, approveDay + r.int(0, 6));
  const activatedAt = at(activatedDay, M.min(86_399, sec + r.int(7_300, 30_000)));
  history.push({
    at: activatedAt,
    from: 'APPROVED',
    to: 'ACTIVE',
    level: firstLevel,
    by: 'citizen',
    event: 'ACTIVATE',
  });
  doc.activatedAt = activatedAt;
  return activatedDay;
}

/**
 * The Level 2 upgrade requested in person and approved (when there is room for it before today
 * or the lock; else the account stays Level 1); the day of the last step.
 */
function upgradeInPerson(w: Writing, activatedDay: Day): Day {
  const { p, r, doc, history, card, chipSince, lockReason } = w;
  const lo = M.max(activatedDay + 30, chipSince ?? 0);
  const hi = lockReason === 'ID_CARD_EXPIRED' && card?.ngayHetHan ? card.ngayHetHan - 1 : TODAY - 5;
  if (lo >= hi) {
    w.level = 1;
    doc.level = 1;
    history[history.length - 1].level = 1;
    return activatedDay;
  }
  // The request in person (the account stays Level 1), then its approval 1–3 working days
  // later: never after today, and before a lock (a day before it at the latest).
  const up = r.int(lo, hi);
  const upSec = officeSeconds(r);
  const upOfficer = officer(r, p);
  history.push({
    at: at(up, upSec),
    from: 'ACTIVE',
    to: 'ACTIVE',
    level: 1,
    by: upOfficer,
    event: 'UPGRADE_TO_L2',
    reason: 'Đề nghị nâng cấp lên mức độ 2, đã thu nhận vân tay',
  });
  const cap = w.status === 'LOCKED' ? hi : TODAY; // hi < the lock day (see below)
  const okDay = M.min(cap, addWorkingDays(up, r.int(1, 3)));
  let okSec = officeSeconds(r);
  if (okDay === up) okSec = M.min(86_399, upSec + r.int(600, 7200));
  history.push({
    at: at(okDay, okSec),
    from: 'ACTIVE',
    to: 'ACTIVE',
    level: 2,
    by: r.chance(0.7) ? upOfficer : officer(r, p),
    event: 'APPROVE',
    reason: 'Nâng cấp tài khoản lên mức độ 2',
  });
  return okDay;
}

/** The lock: by the holder, an officer, or the system once the chip card expired. */
function lock(w: Writing, lastDay: Day): void {
  const { p, r, doc, history, card, lockReason, level } = w;
  let lockDay: Day;
  if (lockReason === 'ID_CARD_EXPIRED' && card?.ngayHetHan) lockDay = M.max(lastDay + 1, card.ngayHetHan);
  else lockDay = M.min(TODAY - 1, lastDay + r.int(30, 900));
  if (lockDay <= lastDay) lockDay = M.min(TODAY, lastDay + 1);
  const lockedAt = at(lockDay, lockReason === 'ID_CARD_EXPIRED' ? 3600 : officeSeconds(r));
  history.push({
    at: lockedAt,
    from: 'ACTIVE',
    to: 'LOCKED',
    level,
    by: lockReason === 'HOLDER' ? 'citizen' : lockReason === 'OFFICER' ? officer(r, p) : 'system',
    event: 'LOCK',
    reason:
      lockReason === 'HOLDER'
        ? 'Chủ tài khoản tự khóa'
        : lockReason === 'OFFICER'
          ? 'Khóa theo yêu cầu của cơ quan chức năng'
          : 'Thẻ căn cước hết hạn',
  });
  doc.lockedAt = lockedAt;
  doc.lockReason = lockReason;
}

/** Stamps the version and the last change from the history, in the fixed key order. */
function finish(doc: AccountDoc): AccountDoc {
  doc.updatedAt = doc.history[doc.history.length - 1].at;
  doc.seq = doc.history.length;
  return reorder(doc);
}

/** A fixed key order (optional fields in place) so that documents are byte-stable. */
function reorder(d: AccountDoc): AccountDoc {
  const out: AccountDoc = {
    _id: d._id,
    level: d.level,
    status: d.status,
    phone: d.phone,
    area: d.area,
    hasChipCard: d.hasChipCard,
    registeredAt: d.registeredAt,
    history: d.history,
    updatedAt: d.updatedAt,
  };
  if (d.seq !== undefined) out.seq = d.seq;
  if (d.email !== undefined) out.email = d.email;
  if (d.approvedAt) out.approvedAt = d.approvedAt;
  if (d.notifiedAt) out.notifiedAt = d.notifiedAt;
  if (d.activatedAt) out.activatedAt = d.activatedAt;
  if (d.lockedAt) out.lockedAt = d.lockedAt;
  if (d.lockReason) out.lockReason = d.lockReason;
  if (d.approvalDueAt) out.approvalDueAt = d.approvalDueAt;
  if (d.pendingLevel !== undefined) out.pendingLevel = d.pendingLevel;
  return out;
}
