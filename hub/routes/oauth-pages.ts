import type { DevOfficer } from '../../services/access/auth/dev-login';
import type { OfficerRole } from '../../services/access/auth/principal';

/**
 * The development IdP's pages: server-rendered HTML, no script, Vietnamese by default and
 * English (`ui_locales=en`); labelled fields, errors announced (`role="alert"`) and tied to their
 * field (`aria-describedby`), usable by keyboard and at phone width.
 */

export type Lang = 'vi' | 'en';

/** `vi` unless the caller asks for English (`ui_locales`, space-separated, first match wins). */
export function pickLang(uiLocales: string | undefined): Lang {
  for (const tag of (uiLocales ?? '').split(' ')) {
    const base = tag.toLowerCase().split('-')[0];
    if (base === 'vi' || base === 'en') return base;
  }
  return 'vi';
}

const T = {
  vi: {
    title: 'Đăng nhập (môi trường phát triển)',
    devNote: 'Nhà cung cấp định danh phát triển: thay cho VNeID khi phát triển; không dùng trong sản xuất.',
    signInTo: (app: string) => `Đăng nhập vào ${app}`,
    citizen: 'Công dân',
    personalId: 'Số định danh cá nhân (12 chữ số)',
    personalIdHint: 'Ví dụ lấy từ: npm run -s citizens:sample -- --level 2 --status ACTIVE',
    officer: 'Cán bộ',
    officerAccount: 'Tài khoản cán bộ',
    officerHint: 'Mỗi tài khoản phát triển có một vai trò và một địa bàn (tỉnh, phường/xã, hoặc cả nước).',
    continue: 'Tiếp tục',
    badPersonalId: 'Số định danh cá nhân phải gồm đúng 12 chữ số.',
    badOfficer: 'Hãy chọn một tài khoản cán bộ trong danh sách.',
    codeTitle: 'Nhập mã xác thực',
    codeSent: 'Mã xác thực gồm 6 chữ số đã được ghi vào nhật ký của hub (thay cho tin nhắn SMS).',
    code: 'Mã xác thực (6 chữ số)',
    signIn: 'Đăng nhập',
    wrongCode: (n: number) => `Mã không đúng. Còn ${n} lần thử.`,
    failed: 'Không đăng nhập được',
    expired: 'Phiên đăng nhập đã hết hạn hoặc không còn hiệu lực. Hãy quay lại ứng dụng và đăng nhập lại.',
    locked: 'Nhập sai quá nhiều lần. Hãy quay lại ứng dụng và đăng nhập lại.',
    badRequest: 'Yêu cầu đăng nhập không hợp lệ',
    signedOut: 'Bạn đã đăng xuất.',
    other: 'English',
    roles: {
      DATA_CLEANING: 'Làm sạch dữ liệu',
      WORKING_GROUP: 'Tổ công tác',
      ACCOUNT_APPROVER: 'Phê duyệt tài khoản',
      SUPERVISOR: 'Giám sát',
      DATA_PROTECTION: 'Bảo vệ dữ liệu cá nhân',
    } satisfies Record<OfficerRole, string>,
  },
  en: {
    title: 'Sign in (development)',
    devNote: 'Development identity provider: stands in for VNeID during development; never used in production.',
    signInTo: (app: string) => `Sign in to ${app}`,
    citizen: 'Citizen',
    personalId: 'Personal ID number (12 digits)',
    personalIdHint: 'For example from: npm run -s citizens:sample -- --level 2 --status ACTIVE',
    officer: 'Officer',
    officerAccount: 'Officer account',
    officerHint:
      'Each development account has one role and one area (a province, a ward or commune, or the whole country).',
    continue: 'Continue',
    badPersonalId: 'A personal ID number has exactly 12 digits.',
    badOfficer: 'Choose one of the officer accounts in the list.',
    codeTitle: 'Enter the one-time code',
    codeSent: "A 6-digit one-time code was written to the hub's log (standing in for an SMS).",
    code: 'One-time code (6 digits)',
    signIn: 'Sign in',
    wrongCode: (n: number) => `That code is not right. ${n} tries left.`,
    failed: 'Sign-in failed',
    expired: 'This sign-in has expired or is no longer valid. Go back to the app and sign in again.',
    locked: 'Too many wrong codes. Go back to the app and sign in again.',
    badRequest: 'The sign-in request is not valid',
    signedOut: 'You are signed out.',
    other: 'Tiếng Việt',
    roles: {
      DATA_CLEANING: 'Data cleaning',
      WORKING_GROUP: 'Working group',
      ACCOUNT_APPROVER: 'Account approver',
      SUPERVISOR: 'Supervisor',
      DATA_PROTECTION: 'Data protection',
    } satisfies Record<OfficerRole, string>,
  },
} as const;

export function escapeHtml(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
}

const STYLE = `
*{box-sizing:border-box}body{margin:0;font:16px/1.5 system-ui,sans-serif;color:#1a1a1a;background:#f4f5f7}
main{max-width:32rem;margin:0 auto;padding:1rem}h1{font-size:1.4rem}h2{font-size:1.1rem;margin:0 0 .5rem}
section,form.card{background:#fff;border:1px solid #ccd;border-radius:8px;padding:1rem;margin:1rem 0}
label{display:block;font-weight:600;margin:.5rem 0 .25rem}input,select{width:100%;font:inherit;padding:.6rem;border:1px solid #667;border-radius:4px}
button{margin-top:.75rem;font:inherit;padding:.6rem 1.2rem;border:0;border-radius:4px;background:#0b5cad;color:#fff;cursor:pointer}
:focus-visible{outline:3px solid #f0a500;outline-offset:2px}.hint{color:#444;font-size:.9rem}.note{font-size:.9rem;color:#444}
.error{color:#a00000;font-weight:600}nav{text-align:right}a{color:#0b5cad}`;

function layout(lang: Lang, title: string, body: string, switchHref?: string): string {
  const nav = switchHref
    ? `<nav><a href="${escapeHtml(switchHref)}" lang="${lang === 'vi' ? 'en' : 'vi'}">${T[lang].other}</a></nav>`
    : '';
  return `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${nav}
<h1>${escapeHtml(title)}</h1>
${body}
</main>
</body>
</html>
`;
}

/** Step 1: who signs in (a citizen by personal ID, or a development officer account). */
export function loginPage(p: {
  lang: Lang;
  requestId: string;
  appName: string;
  officers: readonly DevOfficer[];
  /** Seeded personal IDs to offer (ACTIVE Level 2 accounts). */
  samples?: readonly string[];
  error?: { field: 'personal_id' | 'officer_id'; message: string };
  personalId?: string;
  switchHref?: string;
}): string {
  const t = T[p.lang];
  const err = (field: string) =>
    p.error?.field === field
      ? `<p id="${field}-error" class="error" role="alert">${escapeHtml(p.error.message)}</p>`
      : '';
  const invalid = (field: string) =>
    p.error?.field === field
      ? ` aria-invalid="true" aria-describedby="${field}-error ${field}-hint"`
      : ` aria-describedby="${field}-hint"`;
  const options = p.officers
    .map(
      (o) => `<option value="${escapeHtml(o.id)}">${escapeHtml(`${o.id} · ${t.roles[o.role]} · ${o.unit}`)}</option>`,
    )
    .join('');
  const hidden = `<input type="hidden" name="request" value="${escapeHtml(p.requestId)}"><input type="hidden" name="lang" value="${p.lang}">`;
  return layout(
    p.lang,
    t.signInTo(p.appName),
    `<p class="note">${escapeHtml(t.devNote)}</p>
<form class="card" method="post" action="/oauth/authorize/login">
<h2>${t.citizen}</h2>
${hidden}<input type="hidden" name="who" value="citizen">
<label for="personal_id">${t.personalId}</label>
<input id="personal_id" name="personal_id" inputmode="numeric" autocomplete="username" pattern="[0-9]{12}" maxlength="12" required list="sample_ids" value="${escapeHtml(p.personalId ?? '')}"${invalid('personal_id')}>
<datalist id="sample_ids">${(p.samples ?? []).map((id) => `<option value="${escapeHtml(id)}">`).join('')}</datalist>
<p id="personal_id-hint" class="hint">${escapeHtml(t.personalIdHint)}</p>
${err('personal_id')}
<button type="submit">${t.continue}</button>
</form>
<form class="card" method="post" action="/oauth/authorize/login">
<h2>${t.officer}</h2>
${hidden}<input type="hidden" name="who" value="officer">
<label for="officer_id">${t.officerAccount}</label>
<select id="officer_id" name="officer_id" required${invalid('officer_id')}>${options}</select>
<p id="officer_id-hint" class="hint">${escapeHtml(t.officerHint)}</p>
${err('officer_id')}
<button type="submit">${t.continue}</button>
</form>`,
    p.switchHref,
  );
}

/** Step 2: the one-time code. */
export function codePage(p: { lang: Lang; challengeId: string; error?: string }): string {
  const t = T[p.lang];
  const described = p.error ? 'code-error code-hint' : 'code-hint';
  return layout(
    p.lang,
    t.codeTitle,
    `<form class="card" method="post" action="/oauth/authorize/verify">
<input type="hidden" name="challenge" value="${escapeHtml(p.challengeId)}"><input type="hidden" name="lang" value="${p.lang}">
<label for="code">${t.code}</label>
<input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}" maxlength="6" required autofocus aria-describedby="${described}"${p.error ? ' aria-invalid="true"' : ''}>
<p id="code-hint" class="hint">${escapeHtml(t.codeSent)}</p>
${p.error ? `<p id="code-error" class="error" role="alert">${escapeHtml(p.error)}</p>` : ''}
<button type="submit">${t.signIn}</button>
</form>`,
  );
}

/** A page that ends the flow here (nothing is sent back to an unverified address). */
export function errorPage(lang: Lang, kind: 'badRequest' | 'failed', message: string): string {
  return layout(lang, T[lang][kind], `<p class="error" role="alert">${escapeHtml(message)}</p>`);
}

export function signedOutPage(lang: string): string {
  const l = pickLang(lang);
  return layout(l, T[l].signedOut, '');
}

/** The messages the flow shows, by language. */
export function messages(lang: Lang) {
  return T[lang];
}
