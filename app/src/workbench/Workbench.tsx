/**
 * The officers' workbench: the same app and sign-in as the citizens', for officer sessions (the
 * token's role and area). Its screens live under /app/wb/…, the sections of the officer's role
 * (sections.ts); this module is the app's chunk for them, loaded on an officer's first visit.
 * - data cleaning (DATA_CLEANING, SUPERVISOR): runs, cases and one case, cleanliness;
 * - working groups (WORKING_GROUP, ACCOUNT_APPROVER, SUPERVISOR): the activation report and the
 *   door-to-door lists; approvals (ACCOUNT_APPROVER, SUPERVISOR).
 */
import type { ComponentType } from 'preact';
import { useEffect } from 'preact/hooks';
import type { OfficerClaims, Session } from '../auth/session';
import { useLang } from '../i18n';
import { navigate } from '../router';
import { Approvals } from './Approvals';
import { CaseDetail } from './CaseDetail';
import { Cases } from './Cases';
import { Cleanliness } from './Cleanliness';
import { nt } from './nav-words';
import { Report } from './Report';
import { Runs } from './Runs';
import { sectionsOf } from './sections';
import { WorkLists } from './WorkLists';
import './workbench.css';

const SCREENS: Record<string, ComponentType<{ officer: OfficerClaims }>> = {
  'wb/runs': Runs,
  'wb/cases': Cases,
  'wb/cleanliness': Cleanliness,
  'wb/approvals': Approvals,
  'wb/report': Report,
  'wb/lists': WorkLists,
};

export function Workbench(props: { session: Session; route: string }) {
  const l = useLang();
  useEffect(() => {
    document.title = nt('wb.name');
  }, [l]);
  const o = props.session.officer!;
  const mine = sectionsOf(o);
  if (props.route.startsWith('wb/case/') && o.role !== 'WORKING_GROUP' && o.role !== 'ACCOUNT_APPROVER') {
    return <CaseDetail officer={o} id={decodeURIComponent(props.route.slice('wb/case/'.length))} />;
  }
  const section = mine.find((s) => s.route === props.route);
  const Screen = section ? SCREENS[section.route] : undefined;
  if (!Screen) {
    // wb itself, or a section this role does not have: the first of theirs.
    if (mine[0]) queueMicrotask(() => navigate(mine[0].route, { replace: true }));
    return null;
  }
  return <Screen officer={o} />;
}
