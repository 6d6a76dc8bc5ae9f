/**
 * The words of the workbench's navigation, in the app's language: the few the app's shell needs
 * before the workbench's chunk is loaded (the rest are in i18n-vi.ts and i18n-en.ts, in that chunk).
 */
import { lang } from '../i18n';

const VI = {
  'wb.name': 'Bàn làm việc cán bộ',
  'wb.nav': 'Chức năng của cán bộ',
  'wb.nav.runs': 'Đối soát',
  'wb.nav.cases': 'Hồ sơ sai lệch',
  'wb.nav.cleanliness': 'Độ sạch dữ liệu',
  'wb.nav.report': 'Báo cáo kích hoạt',
  'wb.nav.lists': 'Danh sách đến tận nhà',
  'wb.nav.approvals': 'Duyệt tài khoản',
  'wb.you': '{role} · {area}',
  'wb.role.DATA_CLEANING': 'Làm sạch dữ liệu',
  'wb.role.WORKING_GROUP': 'Tổ công tác',
  'wb.role.ACCOUNT_APPROVER': 'Duyệt tài khoản',
  'wb.role.SUPERVISOR': 'Giám sát',
};

const EN: typeof VI = {
  'wb.name': "Officers' workbench",
  'wb.nav': "Officers' sections",
  'wb.nav.runs': 'Reconciliation',
  'wb.nav.cases': 'Cases',
  'wb.nav.cleanliness': 'Data cleanliness',
  'wb.nav.report': 'Activation report',
  'wb.nav.lists': 'Door-to-door lists',
  'wb.nav.approvals': 'Approvals',
  'wb.you': '{role} · {area}',
  'wb.role.DATA_CLEANING': 'Data cleaning',
  'wb.role.WORKING_GROUP': 'Working group',
  'wb.role.ACCOUNT_APPROVER': 'Account approver',
  'wb.role.SUPERVISOR': 'Supervisor',
};

export type NavKey = keyof typeof VI;

/** A navigation word in the current language, `{name}` placeholders filled from `params`. */
export function nt(key: NavKey, params: Record<string, string | number> = {}): string {
  const text = (lang() === 'en' ? EN : VI)[key];
  return text.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m));
}

/** The words of an officer role. */
export function roleWords(role: 'DATA_CLEANING' | 'WORKING_GROUP' | 'ACCOUNT_APPROVER' | 'SUPERVISOR'): string {
  return nt(`wb.role.${role}`);
}
