import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { devSigningKeys, DEV_IDP_ISSUER } from '../../services/access/auth/trust';
import { issueDevToken, signAccessToken } from '../../services/access/auth/dev-idp';
import { jwks } from '../../services/access/auth/keys';
import type { DocumentScope, Jurisdiction, OfficerRole } from '../../services/access/auth/principal';

export const TEST_ISSUER = 'urn:vn-papers-hub';
export const TEST_AUDIENCE = 'vn-papers-hub';

/**
 * Keys made for this test process only (never committed): the development IdP's and
 * the hub token service's, plus a trust file naming both (for production-mode hubs).
 */
export function createTestKeys() {
  const keysDir = mkdtempSync(join(process.env.HUB_TEST_RUN_DIR ?? tmpdir(), 'hub-test-keys-'));
  const { idp, tokenService } = devSigningKeys(keysDir);
  writeFileSync(join(keysDir, 'idp.jwks.json'), JSON.stringify(jwks([idp])));
  writeFileSync(join(keysDir, 'hub.jwks.json'), JSON.stringify(jwks([tokenService])));
  const trustFile = join(keysDir, 'trust.json');
  writeFileSync(
    trustFile,
    JSON.stringify([
      { issuer: DEV_IDP_ISSUER, audience: TEST_AUDIENCE, kinds: ['CITIZEN', 'OFFICER'], jwksFile: 'idp.jwks.json' },
      { issuer: TEST_ISSUER, audience: TEST_AUDIENCE, kinds: ['CLIENT'], jwksFile: 'hub.jwks.json' },
    ]),
  );
  return {
    keysDir,
    trustFile,
    idp,
    tokenService,
    citizen: (personalId: string, expiresInS?: number) =>
      issueDevToken('citizen', { personalId }, { key: idp, expiresInS }),
    officer: (role: OfficerRole, area: Jurisdiction) =>
      issueDevToken('officer', { role, area, officerId: 'CA-TEST-7', unit: 'Công an (test)' }, { key: idp }),
    client: (c: { clientId: string; citizenId: string; consentId: string; scopes: DocumentScope[]; purpose: string }) =>
      signAccessToken(
        {
          kind: 'client',
          azp: c.clientId,
          sub: c.citizenId,
          cid: c.consentId,
          scope: c.scopes.join(' '),
          purpose: c.purpose,
        },
        { key: tokenService, issuer: TEST_ISSUER, audience: TEST_AUDIENCE, expiresInS: 600 },
      ),
  };
}

export type TestKeys = ReturnType<typeof createTestKeys>;

let shared: TestKeys | undefined;
/** One set of keys per test file (jest module registry is per file). */
export function testKeys(): TestKeys {
  shared ??= createTestKeys();
  return shared;
}
