/** The workbench's navigation: the officer's sections, who they are, and the app's other officer screens. */
import type { OfficerClaims } from '../auth/session';
import { useLang } from '../i18n';
import { onLinkClick } from '../router';
import { nt, roleWords } from './nav-words';
import { sectionsOf } from './sections';
import './nav.css';

/** The officer's sections, then the app's other officer screens (`extra`: the share verifier). */
export function WorkbenchNav(props: {
  officer: OfficerClaims;
  route: string;
  extra?: Array<{ route: string; label: string }>;
}) {
  useLang();
  const o = props.officer;
  const current = props.route.startsWith('wb/case/') ? 'wb/cases' : props.route;
  const items = [...sectionsOf(o).map((s) => ({ route: s.route, label: nt(s.nav) })), ...(props.extra ?? [])];
  return (
    <nav class="tabs" aria-label={nt('wb.nav')}>
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
        {nt('wb.you', {
          role: roleWords(o.role),
          area: o.area.commune ?? (o.area.province === 'VN' ? 'VN' : o.area.province),
        })}
        {o.unit ? ` · ${o.unit}` : ''} · {o.id}
      </p>
    </nav>
  );
}
