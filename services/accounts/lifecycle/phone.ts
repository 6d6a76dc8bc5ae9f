/** Vietnamese mobile numbers as accounts keep them: "+84" and 9 digits. */
const PHONE_RE = /^\+84[35789]\d{8}$/;

/** The refusal of a phone number (the input is not echoed back). */
export const INVALID_PHONE_MESSAGE = 'Not a Vietnamese mobile number (+84 or 0, then 9 digits)';

/** "+84…" or a national "0…" number → "+84…" (9 digits after the country code), else null. */
export function normalizePhone(raw: string): string | null {
  const s = raw.replace(/[\s.-]/g, '');
  const e164 = s.startsWith('0') ? `+84${s.slice(1)}` : s;
  return PHONE_RE.test(e164) ? e164 : null;
}
