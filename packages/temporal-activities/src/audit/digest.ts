import { createHash, createHmac } from 'node:crypto';
import { canonicalJson } from './canonical-json.js';

/**
 * SHA-256, lowercase hex, of a value as the audit log records it instead of the value itself: bytes are hashed as they
 * are (so an image's digest equals its blob's `sha256`), anything else as its canonical JSON.
 *
 * @example digestOf({ name: 'CHAN TAI MAN', idNumber: 'A123456(7)' }) // proves later which fields were read
 */
export function digestOf(value: unknown): string {
  const hash = createHash('sha256');
  if (value instanceof Uint8Array) hash.update(value);
  else hash.update(canonicalJson(value), 'utf8');
  return hash.digest('hex');
}

/**
 * HMAC-SHA256 of `value` keyed by `salt`, lowercase hex: for search attributes such as a hashed `MerchantUserId`,
 * which Temporal stores unencrypted. Without the salt a list of candidate values cannot be matched against it.
 */
export function saltedHash(value: string, salt: string | Uint8Array): string {
  if (salt.length === 0) throw new RangeError('saltedHash needs a non-empty salt');
  return createHmac('sha256', salt).update(value, 'utf8').digest('hex');
}
