import { GraphQLError } from 'graphql';
import mongoose from 'mongoose';
import { MongoNetworkError, MongoNetworkTimeoutError, MongoServerSelectionError, MongoServerError } from 'mongodb';
import { loadConfig } from '../../hub/config';
import { createFormatError } from '../../hub/format-error';
import { gql, startTestHub } from '../support/hub';
import { testKeys } from '../support/keys';

describe('error formatting', () => {
  const seen: unknown[] = [];
  const masked = createFormatError({ mask: true, onUnexpected: (e) => seen.push(e) });

  it('masks an unexpected error in production: no message, no stack, logged', () => {
    const err = new Error('connection string mongodb://secret@host leaked');
    const out = masked(
      { message: err.message, extensions: { code: 'INTERNAL_SERVER_ERROR', stacktrace: ['at x'] } },
      err,
    );
    expect(out).toEqual({ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } });
    expect(seen).toContain(err);
  });

  it('passes the hub own codes through', () => {
    const e = new GraphQLError('The healthRecord source is unavailable', {
      extensions: { code: 'SOURCE_UNAVAILABLE', source: 'healthRecord' },
    });
    const out = masked({ message: e.message, path: ['citizen', 'healthRecord'], extensions: e.extensions }, e);
    expect(out.extensions).toEqual({ code: 'SOURCE_UNAVAILABLE', source: 'healthRecord' });
  });

  it('a store lost mid-request is SERVICE_UNAVAILABLE / STORE_UNAVAILABLE, without the driver message, masked or not', () => {
    const lost: unknown[] = [];
    const dev = createFormatError({ mask: false, onUnexpected: (e) => seen.push(e), onStoreLost: (e) => lost.push(e) });
    const errors = [
      new MongoNetworkTimeoutError('connection 3 to 127.0.0.1:27018 timed out'),
      new MongoNetworkError('connection 4 to 127.0.0.1:27018 closed'),
    ];
    for (const format of [masked, dev]) {
      for (const err of errors) {
        const out = format(
          {
            message: err.message,
            path: ['citizen'],
            extensions: { code: 'INTERNAL_SERVER_ERROR', stacktrace: ['at x'] },
          },
          err,
        );
        expect(out).toEqual({
          message: 'The hub lost its store during the request; retry later',
          path: ['citizen'],
          extensions: { code: 'SERVICE_UNAVAILABLE', reason: 'STORE_UNAVAILABLE' },
        });
      }
    }
    expect(lost).toHaveLength(2);
    // A store error that is not about reaching it (a refused write) stays an internal error.
    const refused = new MongoServerError({ message: 'E11000 duplicate key', code: 11000 });
    expect(
      masked({ message: refused.message, extensions: { code: 'INTERNAL_SERVER_ERROR' } }, refused).extensions,
    ).toEqual({ code: 'INTERNAL_SERVER_ERROR' });
  });

  it('mongoose and the hub use one copy of the driver (its errors are recognised by instanceof)', () => {
    // package.json pins mongodb to the range mongoose asks for, so npm installs one copy.
    expect(mongoose.mongo.MongoServerSelectionError).toBe(MongoServerSelectionError);
    expect(new MongoNetworkTimeoutError('x')).toBeInstanceOf(mongoose.mongo.MongoNetworkError);
  });
});

describe('stack traces in error responses (over HTTP)', () => {
  const BAD = '{ citizen(personalId: "not-an-id") { fullName } }';

  it('are off by default outside production: no stacktrace, no absolute path', async () => {
    const hub = await startTestHub({ HUB_AUTH: 'off', NODE_ENV: 'development' });
    try {
      const r = await gql(hub.url, BAD);
      expect(r.body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
      expect(r.body.errors?.[0].extensions?.stacktrace).toBeUndefined();
      expect(JSON.stringify(r.body)).not.toContain(process.cwd());
    } finally {
      await hub.close();
    }
  });

  it('are opt-in with HUB_ERROR_STACKTRACES=1, and refused in production', async () => {
    const hub = await startTestHub({ HUB_AUTH: 'off', HUB_ERROR_STACKTRACES: '1' });
    try {
      const r = await gql(hub.url, BAD);
      expect(Array.isArray(r.body.errors?.[0].extensions?.stacktrace)).toBe(true);
    } finally {
      await hub.close();
    }
    expect(() =>
      loadConfig({
        NODE_ENV: 'production',
        HUB_TRUST_FILE: 'x',
        HUB_NOTIFIER_URL: 'http://127.0.0.1:9/n',
        HUB_ERROR_STACKTRACES: '1',
      }),
    ).toThrow(/HUB_ERROR_STACKTRACES/);
    expect(() => loadConfig({ HUB_ERROR_STACKTRACES: 'yes' })).toThrow(/HUB_ERROR_STACKTRACES/);
  });
});

describe('unexpected errors are masked in every environment unless HUB_ERROR_STACKTRACES=1 (over HTTP)', () => {
  /** A stored account the resolvers cannot read (its history is not a list): an unexpected TypeError. */
  const ID = '001099777001';
  const QUERY = '{ myAccount { personalId history { at } } }';

  async function withBrokenAccount(env: Record<string, string>) {
    const hub = await startTestHub(env);
    const accounts = hub.store.hubDb.collection<{ _id: string }>('accounts');
    await accounts.replaceOne(
      { _id: ID },
      { level: 1, status: 'ACTIVE', phone: '+84912345678', history: 'not a list E11000 _id' },
      { upsert: true },
    );
    try {
      return await gql(hub.url, QUERY, undefined, { authorization: `Bearer ${testKeys().citizen(ID)}` });
    } finally {
      await accounts.deleteOne({ _id: ID });
      await hub.close();
    }
  }

  it('masks the message in development (the default NODE_ENV)', async () => {
    const r = await withBrokenAccount({ NODE_ENV: 'development' });
    expect(r.body.errors?.[0]).toMatchObject({
      message: 'Internal server error',
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    });
    expect(JSON.stringify(r.body)).not.toMatch(/not a list|is not a function|E11000/);
  });

  it('shows it with HUB_ERROR_STACKTRACES=1 (debugging, refused in production)', async () => {
    const r = await withBrokenAccount({ NODE_ENV: 'development', HUB_ERROR_STACKTRACES: '1' });
    expect(r.body.errors?.[0].extensions?.code).toBe('INTERNAL_SERVER_ERROR');
    expect(r.body.errors?.[0].message).not.toBe('Internal server error');
  });
});
