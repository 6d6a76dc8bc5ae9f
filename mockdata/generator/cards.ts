/**
 * Identity documents: a person's cards from 14 on, old 9-digit CMND, the 12-digit CCCD, the chip
 * CCCD and the 2024 identity card, with their renewals (and the renewals that did not happen).
 */
import { TODAY, addYears, birthday, day, type Day } from './dates';
import type { CardKind, IdCard, Person } from './model';
import { endOf, type Registry } from './people';
import { Rng } from './prng';

// Module-level aliases of globals: under jest each global lookup goes through the
// test context and is slow, and the generator makes millions of them.
const M = Math;

const CHIP_START = day(2021, 1, 1);
const CCCD_START = day(2016, 1, 1);
const THE_CAN_CUOC_START = day(2024, 7, 1);

const NOI_CAP_CCCD = 'Cục Cảnh sát ĐKQL cư trú và DLQG về dân cư';
const NOI_CAP_CHIP = 'Cục Cảnh sát quản lý hành chính về trật tự xã hội';
const NOI_CAP_TCC = 'Bộ Công an';

/** Cards: probability that a living person with an expired card did not renew it. */
export interface CardOptions {
  expiredCardRate: number;
}

/** Identity cards must be renewed at 25, 40, 60 (a card issued within 2 years of a milestone runs to the next). */
export function cardExpiry(birth: Day, issued: Day): Day | null {
  for (const m of [25, 40, 60]) {
    const due = birthday(birth, m);
    if (issued < addYears(due, -2)) return due;
  }
  return null;
}

function cardKindAt(r: Rng, t: Day): CardKind {
  if (t < CCCD_START) return 'CMND';
  if (t < CHIP_START) return r.chance(0.6) ? 'CCCD' : 'CMND';
  if (t < THE_CAN_CUOC_START) return 'CCCD_GAN_CHIP';
  return 'THE_CAN_CUOC';
}

/** Shares of children under 14 with an identity card (issued on request since 1 July 2024). */
export const CHILD_CARD_SHARE = { from6: 0.35, under6: 0.08 } as const;

/**
 * A child under 14 may hold the 2024 identity card (Law on Identification 2023, issued on a
 * parent's request; valid until the 14th birthday), so that Decree 69/2024's rules for children
 * have data. Drawn from the child's own stream (`Rng('child-card', id)`): the main stream, and so
 * every other person of a seed, is unchanged.
 */
function issueChildCard(p: Person, end: Day): void {
  const r = new Rng('child-card', p.id);
  const t6 = birthday(p.birth, 6);
  const from6 = t6 <= M.min(end, TODAY);
  if (!r.chance(from6 ? CHILD_CARD_SHARE.from6 : CHILD_CARD_SHARE.under6)) return;
  const first = M.max(THE_CAN_CUOC_START, from6 && r.chance(0.8) ? t6 : p.birth);
  const last = M.min(end, TODAY);
  if (first > last) return;
  p.cards = [
    {
      loai: 'THE_CAN_CUOC',
      so: p.id,
      ngayCap: r.int(first, last),
      ngayHetHan: birthday(p.birth, 14),
      noiCap: NOI_CAP_TCC,
    },
  ];
}

/** Issues the person's cards, oldest first (the last is the current one). */
export function issueCards(r: Rng, reg: Registry, p: Person, opts: CardOptions): void {
  const end = endOf(p);
  const t14 = birthday(p.birth, 14);
  let t = M.max(t14 + r.int(0, 1000), day(1988, 1, 1) + r.int(0, 4000));
  if (t14 > end) {
    // After the main stream's draws, so that every other person of the seed is unchanged.
    issueChildCard(p, end);
    return;
  }
  if (t < t14) t = t14;
  if (t > end) return;
  const residenceOld = p.household.place.legacy.oldProvince;
  // The chip-card campaign: most holders of an old card switched in 2021–2022.
  const cx = r.next();
  const campaign =
    cx < 0.8
      ? r.int(day(2021, 3, 1), day(2022, 6, 30))
      : cx < 0.95
        ? r.int(day(2022, 7, 1), day(2024, 6, 30))
        : r.int(day(2024, 7, 1), day(2025, 6, 30));
  const cards: IdCard[] = [];
  for (let guard = 0; guard < 12; guard++) {
    const kind = cardKindAt(r, t);
    let card: IdCard;
    if (kind === 'CMND') {
      if (!p.cmnd) p.cmnd = reg.cmnd(r);
      card = {
        loai: 'CMND',
        so: p.cmnd,
        ngayCap: t,
        ngayHetHan: addYears(t, 15),
        noiCap: `Công an ${residenceOld.fullName.replace(/^Tỉnh/, 'tỉnh').replace(/^Thành phố/, 'thành phố')}`,
      };
    } else {
      card = {
        loai: kind,
        so: p.id,
        ngayCap: t,
        ngayHetHan: cardExpiry(p.birth, t),
        noiCap: kind === 'CCCD' ? NOI_CAP_CCCD : kind === 'CCCD_GAN_CHIP' ? NOI_CAP_CHIP : NOI_CAP_TCC,
      };
    }
    cards.push(card);
    let next: number | null;
    if (card.loai === 'CMND' || card.loai === 'CCCD') {
      const due = card.ngayHetHan! - r.int(0, 60);
      next = card.loai === 'CMND' ? M.min(due, campaign) : due;
      if (card.loai === 'CCCD' && campaign > t && r.chance(0.3)) next = M.min(due, campaign);
    } else {
      next = card.ngayHetHan === null ? null : card.ngayHetHan - r.int(0, 60);
    }
    if (next === null || next >= end) break;
    t = M.max(next, t + 30);
    if (t >= end) break;
  }
  // A living person whose latest due renewal has passed may not have renewed.
  let lastExpired = -1;
  if (!p.death) {
    for (let i = 0; i < cards.length; i++) {
      const e = cards[i].ngayHetHan;
      if (e !== null && e < TODAY) lastExpired = i;
    }
  }
  p.lateRenewalEligible = lastExpired >= 0;
  if (p.lateRenewalEligible && r.chance(opts.expiredCardRate)) {
    cards.length = lastExpired + 1;
    p.expiredCard = true;
  }
  if (!cards.some((c) => c.loai === 'CMND')) p.cmnd = null;
  p.cards = cards;
}
