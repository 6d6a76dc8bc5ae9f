import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { randomId } from '../../lib/ids';

/**
 * A share code: the share's id (12 random bytes) and a key (16 random bytes), base64url, 16 + 22
 * characters. The hub stores the share's SD-JWT sealed under the key (AES-128-GCM, the id as
 * associated data) and never the key: the store alone opens nothing, and a code whose key part is
 * wrong opens nothing either (it is answered like an unknown one).
 */

const ID_LENGTH = 16;
const KEY_LENGTH = 22;
export const SHARE_CODE_LENGTH = ID_LENGTH + KEY_LENGTH;
const CODE = new RegExp(`^[A-Za-z0-9_-]{${SHARE_CODE_LENGTH}}$`);

export interface ShareCode {
  id: string;
  key: Buffer;
  code: string;
}

/** A new code (never beginning with `-`, as the hub's other ids: lib/ids.ts). */
export function newShareCode(): ShareCode {
  const id = randomId(12);
  const key = randomBytes(16);
  return { id, key, code: id + key.toString('base64url') };
}

/** The id and key of a code, or null when it is not one. */
export function parseShareCode(code: string): ShareCode | null {
  if (typeof code !== 'string' || !CODE.test(code)) return null;
  const key = Buffer.from(code.slice(ID_LENGTH), 'base64url');
  if (key.length !== 16 || key.toString('base64url') !== code.slice(ID_LENGTH)) return null;
  return { id: code.slice(0, ID_LENGTH), key, code };
}

export interface Sealed {
  iv: string;
  tag: string;
  data: string;
}

/** Seals a text under the code's key, bound to the share id. */
export function seal(text: string, code: ShareCode): Sealed {
  const iv = randomBytes(12);
  const c = createCipheriv('aes-128-gcm', code.key, iv);
  c.setAAD(Buffer.from(code.id));
  const data = Buffer.concat([c.update(text, 'utf8'), c.final()]);
  return { iv: iv.toString('base64url'), tag: c.getAuthTag().toString('base64url'), data: data.toString('base64url') };
}

/** Opens what {@link seal} sealed, or null when the key (or anything sealed) is not the right one. */
export function open(sealed: Sealed, code: ShareCode): string | null {
  try {
    const d = createDecipheriv('aes-128-gcm', code.key, Buffer.from(sealed.iv, 'base64url'), { authTagLength: 16 });
    d.setAAD(Buffer.from(code.id));
    d.setAuthTag(Buffer.from(sealed.tag, 'base64url'));
    return Buffer.concat([d.update(Buffer.from(sealed.data, 'base64url')), d.final()]).toString('utf8');
  } catch {
    return null;
  }
}
