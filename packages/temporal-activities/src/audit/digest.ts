import { createHash, createHmac } from 'node:crypto';
import type { KeyStore } from '../crypto/key-store.js';
import { canonicalJson } from './canonical-json.js';

/**
 * SHA-256, lowercase hex, of a value as the audit log records it instead of the value itself: bytes are hashed as they
 * are (so an image's digest equals its blob's `sha256`), anything else as its canonical JSON.
 *
 * @example digestOf({ name: 'CHAN TAI MAN', idNumber: 'A123456(7)' }) // proves later which fields were read
 */
export function digestOf(value: unknown): string {
  return createHash('sha256').update(bytesOf(value)).digest('hex');
}

/**
 * The digest to record for values that hold PII (recognised fields, names, ID numbers): `digestOf`'s input keyed by
 * the application's data key (`KeyStore.keyedDigest`). A plain SHA-256 of an ID number can be reversed by trying every
 * number; this cannot without the key, and after erasure not at all, while the audit chain over it still verifies.
 *
 * @example outputDigest: await keyedDigestOf(keyStore, applicationId, ocrFields)
 */
export async function keyedDigestOf(
  keyStore: Pick<KeyStore, 'keyedDigest'>,
  applicationId: string,
  value: unknown,
): Promise<string> {
  return keyStore.keyedDigest(applicationId, bytesOf(value));
}

function bytesOf(value: unknown): Uint8Array {
  return value instanceof Uint8Array ? value : Buffer.from(canonicalJson(value), 'utf8');
}

/**
 * HMAC-SHA256 of `value` keyed by `salt`, lowercase hex: for search attributes such as a hashed `MerchantUserId`,
 * which Temporal stores unencrypted. Without the salt a list of candidate values cannot be matched against it.
 */
export function saltedHash(value: string, salt: string | Uint8Array): string {
  if (salt.length === 0) throw new RangeError('saltedHash needs a non-empty salt');
  return createHmac('sha256', salt).update(value, 'utf8').digest('hex');
}
