import { GraphQLError } from 'graphql';
import { createFormatError } from '../../hub/format-error';

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
});
