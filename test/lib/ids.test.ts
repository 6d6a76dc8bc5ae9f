import { randomId } from '../../lib/ids';
import { newRequestId, REQUEST_ID_PATTERN } from '../../services/rights/store';
import { newConsentId, CONSENT_ID_PATTERN } from '../../services/access/consents/status';
import { newShareCode, parseShareCode } from '../../services/share/code';
import { csvCell } from '../../lib/csv';

describe('ids shown to people', () => {
  // 1 base64url id in 64 begins with "-": among 10,000 drawn as plain base64url, ~156 would.
  const N = 10_000;

  it('never begin with "-", so a CSV cell holds them as they are', () => {
    for (let i = 0; i < N; i++) {
      const id = randomId(12);
      expect(id).toHaveLength(16);
      expect(id).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]*$/);
      expect(csvCell(id)).toBe(id);
    }
  });

  it('are drawn so for data requests, consents and share codes', () => {
    for (let i = 0; i < N; i++) {
      const r = newRequestId();
      const c = newConsentId();
      const s = newShareCode();
      expect(r).toMatch(REQUEST_ID_PATTERN);
      expect(c).toMatch(CONSENT_ID_PATTERN);
      expect(parseShareCode(s.code)?.id).toBe(s.id);
      for (const id of [r, c, s.code]) expect(id.startsWith('-')).toBe(false);
    }
  });
});
