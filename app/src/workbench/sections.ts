/**
 * The workbench's sections and who sees them: which ones an officer gets follows the roles the hub
 * requires for them (the hub decides every request; the navigation only hides what it would
 * refuse). No screen is imported here: the screens come in a chunk of their own (Workbench.tsx),
 * loaded when an officer opens one, so the citizens' first load does not carry them.
 */
import type { OfficerClaims } from '../auth/session';
import type { NavKey } from './nav-words';

export type Role = OfficerClaims['role'];

export interface Section {
  route: string;
  nav: NavKey;
  roles: readonly Role[];
}

export const CLEANING: readonly Role[] = ['DATA_CLEANING', 'SUPERVISOR'];
const REPORTS: readonly Role[] = ['WORKING_GROUP', 'ACCOUNT_APPROVER', 'SUPERVISOR'];
const APPROVING: readonly Role[] = ['ACCOUNT_APPROVER', 'SUPERVISOR'];

/** The workbench's sections, in the navigation's order. */
export const SECTIONS: readonly Section[] = [
  { route: 'wb/runs', nav: 'wb.nav.runs', roles: CLEANING },
  { route: 'wb/cases', nav: 'wb.nav.cases', roles: CLEANING },
  { route: 'wb/cleanliness', nav: 'wb.nav.cleanliness', roles: CLEANING },
  { route: 'wb/approvals', nav: 'wb.nav.approvals', roles: APPROVING },
  { route: 'wb/report', nav: 'wb.nav.report', roles: REPORTS },
  { route: 'wb/lists', nav: 'wb.nav.lists', roles: REPORTS },
];

export function isWorkbenchRoute(route: string): boolean {
  return route === 'wb' || route.startsWith('wb/');
}

/** The sections of an officer: a national supervisor (VN) reconciles the whole country; reports are per province. */
export function sectionsOf(o: OfficerClaims): Section[] {
  return SECTIONS.filter((s) => s.roles.includes(o.role) && (o.area.province !== 'VN' || s.roles === CLEANING));
}
