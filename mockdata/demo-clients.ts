/**
 * Demo clients registered by `npm start`'s demo seeding, so that the citizen app's consent screen
 * has systems to consent to. Their procedure codes are illustrative (not the national catalogue's);
 * no secret is kept (register a client of your own with `npm run client:add` to read as one).
 */
import type { Store } from '../store/connection';
import { ClientExistsError, registerClient, type RegisterClientInput } from '../services/access/clients';

export const DEMO_CLIENTS: RegisterClientInput[] = [
  {
    id: 'demo-dvc',
    name: 'Cổng Dịch vụ công (thử nghiệm)',
    kind: 'TTHC_SYSTEM',
    scopes: ['IDENTITY', 'IDENTITY_CARD', 'RESIDENCE', 'FAMILY', 'DRIVING_LICENCE', 'SOCIAL_INSURANCE'],
    purposes: ['DEMO.GPLX-01', 'DEMO.CT-01', 'DEMO.BHXH-01'],
    purposeNames: {
      'DEMO.GPLX-01': 'Cấp đổi giấy phép lái xe',
      'DEMO.CT-01': 'Đăng ký thường trú',
      'DEMO.BHXH-01': 'Hưởng chế độ thai sản',
    },
  },
  {
    id: 'demo-kcb',
    name: 'Hệ thống khám chữa bệnh BHYT (thử nghiệm)',
    kind: 'TTHC_SYSTEM',
    scopes: ['IDENTITY', 'HEALTH_INSURANCE', 'HEALTH_RECORD'],
    purposes: ['DEMO.KCB-01'],
    purposeNames: { 'DEMO.KCB-01': 'Khám chữa bệnh bảo hiểm y tế' },
  },
  {
    id: 'demo-bank',
    name: 'Ngân hàng — xác thực khách hàng (thử nghiệm)',
    kind: 'VERIFIER',
    scopes: ['IDENTITY', 'IDENTITY_CARD', 'RESIDENCE'],
    purposes: ['DEMO.EKYC-01'],
    purposeNames: { 'DEMO.EKYC-01': 'Mở tài khoản thanh toán' },
  },
];

/** Registers the demo clients that are not registered yet; returns how many were added. */
export async function registerDemoClients(store: Store): Promise<number> {
  let added = 0;
  for (const c of DEMO_CLIENTS) {
    try {
      await registerClient(store, { ...c, issueSecret: true });
      added++;
    } catch (err) {
      if (!(err instanceof ClientExistsError)) throw err;
    }
  }
  return added;
}
