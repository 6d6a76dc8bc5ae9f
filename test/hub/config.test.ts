import { DEFAULT_RATE_LIMITS, loadConfig, sourcePolicies } from '../../hub/config';

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

  it('turns the development IdP and GraphiQL off in production (refused there), trusted documents required', () => {
    const prod = {
      NODE_ENV: 'production',
      HUB_TRUST_FILE: 'trust.json',
      HUB_NOTIFIER_URL: 'http://127.0.0.1:9/n',
    } as const;
    expect(loadConfig({})).toMatchObject({ HUB_DEV_IDP: 'on', HUB_GRAPHIQL: 'on', HUB_TRUSTED_DOCUMENTS: 'optional' });
    expect(loadConfig(prod)).toMatchObject({
      HUB_DEV_IDP: 'off',
      HUB_GRAPHIQL: 'off',
      HUB_TRUSTED_DOCUMENTS: 'required',
    });
    expect(() => loadConfig({ ...prod, HUB_DEV_IDP: 'on' })).toThrow(/HUB_DEV_IDP/);
    expect(() => loadConfig({ ...prod, HUB_GRAPHIQL: 'on' })).toThrow(/HUB_GRAPHIQL/);
  });

  it('reads origins and redirect URIs as comma-separated lists, refusing paths in an origin', () => {
    const c = loadConfig({
      HUB_CORS_ORIGINS: 'https://app.example, http://localhost:5173',
      HUB_APP_REDIRECT_URIS: 'https://app.example/app/callback',
    });
    expect(c.HUB_CORS_ORIGINS).toEqual(['https://app.example', 'http://localhost:5173']);
    expect(c.HUB_APP_REDIRECT_URIS).toEqual(['https://app.example/app/callback']);
    expect(() => loadConfig({ HUB_CORS_ORIGINS: 'https://app.example/path' })).toThrow(/HUB_CORS_ORIGINS/);
    expect(() => loadConfig({ HUB_PUBLIC_URL: 'hub.example' })).toThrow(/HUB_PUBLIC_URL/);
  });

  it('names the variable that is wrong', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig({ HUB_DB_PREFIX: 'x; drop' })).toThrow(/HUB_DB_PREFIX/);
  });
});

describe('resilience and protection settings', () => {
  it('per-source policies override the defaults, source by source', () => {
    const c = loadConfig({
      HUB_SOURCE_TIMEOUT_MS: '800',
      HUB_SOURCE_POLICIES: JSON.stringify({ healthRecord: { timeoutMs: 3000, retries: 0 } }),
    });
    const p = sourcePolicies(c);
    expect(p.healthRecord).toEqual({ timeoutMs: 3000, retries: 0, breakerFailures: 5, breakerHalfOpenMs: 10_000 });
    expect(p.population).toEqual({ timeoutMs: 800, retries: 1, breakerFailures: 5, breakerHalfOpenMs: 10_000 });
  });

  it('refuses bad JSON, unknown sources and unknown keys, naming the variable', () => {
    expect(() => loadConfig({ HUB_SOURCE_POLICIES: '{oops' })).toThrow(/HUB_SOURCE_POLICIES/);
    expect(() => loadConfig({ HUB_SOURCE_POLICIES: '{"civilStatus":{"timeoutMs":1}}' })).toThrow(/HUB_SOURCE_POLICIES/);
    expect(() => loadConfig({ HUB_FAULTS: '{"population":{"slow":true}}' })).toThrow(/HUB_FAULTS/);
    expect(() => loadConfig({ HUB_RATE_LIMITS: '{"CLIENT":{"rps":0,"burst":1}}' })).toThrow(/HUB_RATE_LIMITS/);
  });

  it('refuses a source timeout that is not shorter than the request deadline', () => {
    expect(() => loadConfig({ HUB_SOURCE_TIMEOUT_MS: '10000' })).toThrow(/HUB_REQUEST_DEADLINE_MS/);
    expect(() =>
      loadConfig({ HUB_REQUEST_DEADLINE_MS: '3000', HUB_SOURCE_POLICIES: '{"healthRecord":{"timeoutMs":3000}}' }),
    ).toThrow(/healthRecord/);
    expect(loadConfig({ HUB_REQUEST_DEADLINE_MS: '3000', HUB_SOURCE_TIMEOUT_MS: '2999' }).HUB_SOURCE_TIMEOUT_MS).toBe(
      2999,
    );
  });

  it('fault injection is off by default and refused in production', () => {
    expect(loadConfig({}).HUB_FAULTS).toEqual({});
    expect(() =>
      loadConfig({
        NODE_ENV: 'production',
        HUB_TRUST_FILE: 'trust.json',
        HUB_NOTIFIER_URL: 'http://127.0.0.1:9/n',
        HUB_FAULTS: '{"population":{"hang":true}}',
      }),
    ).toThrow(/HUB_FAULTS/);
  });

  it('rate limits: defaults per caller kind, overridable, or off', () => {
    expect(loadConfig({}).HUB_RATE_LIMITS).toEqual(DEFAULT_RATE_LIMITS);
    expect(loadConfig({ HUB_RATE_LIMITS: '{"CLIENT":{"rps":200,"burst":400}}' }).HUB_RATE_LIMITS).toEqual({
      ...DEFAULT_RATE_LIMITS,
      CLIENT: { rps: 200, burst: 400 },
    });
    expect(loadConfig({ HUB_RATE_LIMITS: 'off' }).HUB_RATE_LIMITS).toBeNull();
  });
});
