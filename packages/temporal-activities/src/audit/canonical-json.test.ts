import { createHash, createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical-json.js';
import { KeyDestroyedError } from '../crypto/crypto-errors.js';
import { LocalKeyStore } from '../crypto/key-store.js';
import { digestOf, keyedDigestOf, saltedHash } from './digest.js';

describe('canonicalJson', () => {
  it('sorts keys at every depth and drops whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: true, y: null }], c: 'x' } })).toBe(
      '{"a":{"c":"x","d":[3,{"y":null,"z":true}]},"b":1}',
    );
  });

  it('writes numbers and strings the way RFC 8785 does', () => {
    expect(canonicalJson([1.5, 1e21, -0, 0.1 + 0.2, 'é\u2028"'])).toBe(
      '[1.5,1e+21,0,0.30000000000000004,"é\u2028\\""]',
    );
  });

  it('leaves out undefined properties but refuses values JSON cannot carry', () => {
    expect(canonicalJson({ a: undefined, b: 1 })).toBe('{"b":1}');
    expect(() => canonicalJson({ a: Number.NaN })).toThrow(/\$\.a is NaN/);
    expect(() => canonicalJson([undefined])).toThrow(/undefined/);
    expect(() => canonicalJson({ when: new Date(0) })).toThrow(/Date/);
    expect(() => canonicalJson({ bytes: new Uint8Array(1) })).toThrow(/Uint8Array/);
    expect(() => canonicalJson(10n)).toThrow(/bigint/);
  });
});

describe('digestOf and saltedHash', () => {
  it('hashes bytes as they are and other values as canonical JSON', () => {
    const bytes = Buffer.from([1, 2, 3]);
    expect(digestOf(bytes)).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(digestOf({ b: 2, a: 1 })).toBe(digestOf({ a: 1, b: 2 }));
    expect(digestOf({ a: 1 })).toBe(createHash('sha256').update('{"a":1}').digest('hex'));
    expect(digestOf({ a: 1 })).not.toBe(digestOf({ a: 2 }));
  });

  it('is an HMAC that depends on the salt', () => {
    expect(saltedHash('user-1', 'salt')).toBe(createHmac('sha256', 'salt').update('user-1').digest('hex'));
    expect(saltedHash('user-1', 'salt')).not.toBe(saltedHash('user-1', 'pepper'));
    expect(() => saltedHash('user-1', '')).toThrow(RangeError);
  });

  it('keys PII digests by the application, and loses them with its data key', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'dococr-digest-'));
    const keys = LocalKeyStore.open({ dataDir });
    try {
      const fields = { name: 'CHAN TAI MAN', idNumber: 'A123456(7)' };
      const keyed = await keyedDigestOf(keys, 'app-1', fields);
      expect(keyed).toMatch(/^[0-9a-f]{64}$/);
      expect(await keyedDigestOf(keys, 'app-1', { idNumber: 'A123456(7)', name: 'CHAN TAI MAN' })).toBe(keyed);
      expect(await keyedDigestOf(keys, 'app-2', fields)).not.toBe(keyed);
      expect(keyed).not.toBe(digestOf(fields));
      await keys.destroyDataKey('app-1');
      await expect(keyedDigestOf(keys, 'app-1', fields)).rejects.toBeInstanceOf(KeyDestroyedError);
    } finally {
      await keys.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
