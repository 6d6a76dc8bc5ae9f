import { loadConfig } from '../../hub/config';

describe('configuration', () => {
  it('has safe defaults: auth on, loopback, port 4000', () => {
    const c = loadConfig({});
    expect(c.HUB_AUTH).toBe('on');
    expect(c.HUB_HOST).toBe('127.0.0.1');
    expect(c.PORT).toBe(4000);
  });

  it('refuses the development mode in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', HUB_AUTH: 'off', HUB_TRUST_FILE: 'trust.json' })).toThrow(
      /HUB_AUTH/,
    );
  });

  it('refuses production without a trust file (no development keys in production)', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/HUB_TRUST_FILE/);
  });

  it('names the variable that is wrong', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig({ HUB_DB_PREFIX: 'x; drop' })).toThrow(/HUB_DB_PREFIX/);
  });
});
