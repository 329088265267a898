import { createHash, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** The evidence-bundle signing key: Ed25519, so an auditor verifies with the public key alone. */
export interface BundleSigner {
  publicKeyPem: string;
  /** `SHA256:<hex>` of the public key's DER (SubjectPublicKeyInfo), what `openssl pkey -pubin -outform DER` prints. */
  fingerprint: string;
  sign(data: Uint8Array): Buffer;
}

const PRIVATE_FILE = 'bundle-signing-ed25519.pem';

/** Loads `<dataDir>/keys/bundle-signing-ed25519.pem`, generating it (0600) on first use. */
export function loadOrCreateBundleSigner(dataDir: string): BundleSigner {
  const dir = path.join(dataDir, 'keys');
  const file = path.join(dir, PRIVATE_FILE);
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const { privateKey } = generateKeyPairSync('ed25519');
    // 'wx': a concurrent first use by another process keeps its key, and this one reads it below.
    try {
      writeFileSync(file, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  const pem = readFileSync(file, 'utf8');
  const publicKey = createPublicKey(pem);
  const publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  return {
    publicKeyPem,
    fingerprint: fingerprintOf(publicKey),
    sign: (data) => sign(null, data, pem),
  };
}

/** The local signing key's fingerprint, if one was ever generated in this data folder. */
export function localSignerFingerprint(dataDir: string): string | undefined {
  const file = path.join(dataDir, 'keys', PRIVATE_FILE);
  return existsSync(file) ? fingerprintOf(createPublicKey(readFileSync(file, 'utf8'))) : undefined;
}

export function fingerprintOf(publicKey: KeyObject | string): string {
  const key = typeof publicKey === 'string' ? createPublicKey(publicKey) : publicKey;
  return `SHA256:${createHash('sha256')
    .update(key.export({ type: 'spki', format: 'der' }))
    .digest('hex')}`;
}

/** True when `signature` is a valid Ed25519 signature of `data` by the PEM public key; false for any malformed input. */
export function verifySignature(publicKeyPem: string, data: Uint8Array, signature: Uint8Array): boolean {
  try {
    const key = createPublicKey(publicKeyPem);
    if (key.asymmetricKeyType !== 'ed25519') return false;
    return verify(null, data, key, signature);
  } catch {
    return false;
  }
}
