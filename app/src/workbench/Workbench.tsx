/**
 * The officers' workbench: the same app and sign-in as the citizens', for officer sessions (the
 * token's role and area). Its screens live under /app/wb/…; which ones an officer sees follows the
 * roles the hub requires for them (the hub decides; the navigation only hides what would be
 * refused):
 * - data cleaning (DATA_CLEANING, SUPERVISOR): runs, cases and one case, cleanliness;
 * - working groups (WORKING_GROUP, ACCOUNT_APPROVER, SUPERVISOR): the activation report and the
 *   door-to-door lists; approvals (ACCOUNT_APPROVER, SUPERVISOR).
 */
import type { ComponentType } from 'preact';
import { useEffect } from 'preact/hooks';
import type { OfficerClaims, Session } from '../auth/session';
import { useLang } from '../i18n';
import { navigate, onLinkClick } from '../router';
import { Approvals } from './Approvals';
import { CaseDetail } from './CaseDetail';
import { Cases } from './Cases';
import { Cleanliness } from './Cleanliness';
import { wt, wx, type WbKey } from './i18n';
import { Report } from './Report';
import { Runs } from './Runs';
import { WorkLists } from './WorkLists';
import './workbench.css';

type Role = OfficerClaims['role'];

interface WbScreen {
  route: string;
  nav: WbKey;
  roles: Role[];
  component: ComponentType<{ officer: OfficerClaims }>;
}

const CLEANING: Role[] = ['DATA_CLEANING', 'SUPERVISOR'];
const REPORTS: Role[] = ['WORKING_GROUP', 'ACCOUNT_APPROVER', 'SUPERVISOR'];
const APPROVING: Role[] = ['ACCOUNT_APPROVER', 'SUPERVISOR'];

/** The workbench's sections, in the navigation's order. */
const SCREENS: WbScreen[] = [
  { route: 'wb/runs', nav: 'wb.nav.runs', roles: CLEANING, component: Runs },
  { route: 'wb/cases', nav: 'wb.nav.cases', roles: CLEANING, component: Cases },
  { route: 'wb/cleanliness', nav: 'wb.nav.cleanliness', roles: CLEANING, component: Cleanliness },
  { route: 'wb/approvals', nav: 'wb.nav.approvals', roles: APPROVING, component: Approvals },
  { route: 'wb/report', nav: 'wb.nav.report', roles: REPORTS, component: Report },
  { route: 'wb/lists', nav: 'wb.nav.lists', roles: REPORTS, component: WorkLists },
];

export function isWorkbenchRoute(route: string): boolean {
  return route === 'wb' || route.startsWith('wb/');
}

function screensOf(o: OfficerClaims): WbScreen[] {
  // A national supervisor (VN) reconciles the whole country; reports are per province.
  return SCREENS.filter((s) => s.roles.includes(o.role) && (o.area.province !== 'VN' || s.roles === CLEANING));
}

/** The officer's sections, then the app's other officer screens (`extra`: the share verifier). */
export function WorkbenchNav(props: {
  officer: OfficerClaims;
  route: string;
  extra?: Array<{ route: string; label: string }>;
}) {
  useLang();
  const o = props.officer;
  const current = props.route.startsWith('wb/case/') ? 'wb/cases' : props.route;
  const items = [...screensOf(o).map((s) => ({ route: s.route, label: wt(s.nav) })), ...(props.extra ?? [])];
  return (
    <nav class="tabs" aria-label={wt('wb.nav')}>
      <ul>
        {items.map((s) => (
          <li key={s.route}>
            <a
              href={`/app/${s.route}`}
              aria-current={s.route === current ? 'page' : undefined}
              onClick={onLinkClick(s.route)}
            >
              {s.label}
            </a>
          </li>
        ))}
      </ul>
      <p class="wb-who">
        {wt('wb.you', {
          role: wx(`wb.role.${o.role}`),
          area: o.area.commune ?? (o.area.province === 'VN' ? 'VN' : o.area.province),
        })}
        {o.unit ? ` · ${o.unit}` : ''} · {o.id}
      </p>
    </nav>
  );
}

export function Workbench(props: { session: Session; route: string }) {
  const l = useLang();
  useEffect(() => {
    document.title = wt('wb.name');
  }, [l]);
  const o = props.session.officer!;
  const mine = screensOf(o);
  if (props.route.startsWith('wb/case/') && o.role !== 'WORKING_GROUP' && o.role !== 'ACCOUNT_APPROVER') {
    return <CaseDetail officer={o} id={decodeURIComponent(props.route.slice('wb/case/'.length))} />;
  }
  const screen = mine.find((s) => s.route === props.route);
  if (!screen) {
    // wb itself, or a section this role does not have: the first of theirs.
    if (mine[0]) queueMicrotask(() => navigate(mine[0].route, { replace: true }));
    return null;
  }
  return <screen.component officer={o} />;
}
