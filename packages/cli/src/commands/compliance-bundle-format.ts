import { createCipheriv, createDecipheriv, createHash, randomBytes, scryptSync } from 'node:crypto';
import { unzipSync, zipSync } from 'fflate';
import { verifyChain, type AuditEvent, type ChainHead } from '@dococr/temporal-activities';
import { fingerprintOf, verifySignature, type BundleSigner } from './compliance-signing.js';

/**
 * The evidence bundle, format `dococr-evidence-bundle/1`: a ZIP of stored (uncompressed) members in path order, every
 * member dated 1980-01-01, so the archive is a pure function of its contents. Besides the content members:
 * - `manifest.json`: application, creation time, chain head, signature scheme and every content member with its
 *   SHA-256 and size; `manifest.sig`: the raw 64-byte Ed25519 signature of `manifest.json`;
 * - `SHA256SUMS` (for `sha256sum -c`) listing the content members and `manifest.json`; `SHA256SUMS.sig` its signature;
 * - `signing-key.pub.pem`: the public key (SPKI PEM); its fingerprint must match the one published by the operator.
 * Verification recomputes every hash, both signatures and the hash chain, and rebuilds the archive from what it read:
 * any changed byte, in a member or in the ZIP structure, fails one of these.
 */
export const BUNDLE_FORMAT = 'dococr-evidence-bundle/1';
export const MANIFEST = 'manifest.json';
export const MANIFEST_SIG = 'manifest.sig';
export const SUMS = 'SHA256SUMS';
export const SUMS_SIG = 'SHA256SUMS.sig';
export const PUBLIC_KEY = 'signing-key.pub.pem';
export const EVENTS = 'audit/events.jsonl';
const CONTROL_MEMBERS = new Set([MANIFEST, MANIFEST_SIG, SUMS, SUMS_SIG, PUBLIC_KEY]);

export interface BundleManifest {
  format: typeof BUNDLE_FORMAT;
  applicationId: string;
  createdAt: string;
  createdBy: string;
  chain: ChainHead & { count: number };
  signature: { algorithm: 'Ed25519'; publicKey: typeof PUBLIC_KEY; fingerprint: string };
  images: { included: boolean; encryption?: typeof IMAGE_ENCRYPTION };
  /** `fields/<workflowId>.json.enc`: the results with the fields read, sealed like the images (AAD: the member path). */
  fields?: { included: boolean };
  files: { path: string; sha256: string; size: number }[];
}

/** How `images/*.enc` and `fields/*.enc` are sealed: scrypt(passphrase, salt) → AES-256-GCM key, with additional data. */
export const IMAGE_ENCRYPTION = {
  algorithm: 'AES-256-GCM',
  kdf: 'scrypt',
  N: 32768,
  r: 8,
  p: 1,
  layout: 'salt(16) | iv(12) | ciphertext | tag(16)',
  aad: 'UTF-8 of: for images/<sha256>.enc the SHA-256 (hex) of the plain image; for fields/* the member path',
} as const;

// Built from local fields, so the DOS timestamp fflate writes is the same in every time zone.
const FIXED_MTIME = new Date(1980, 0, 1, 0, 0, 0);

export function sha256Hex(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Seals the content members and writes the archive. */
export function writeBundle(
  contents: Map<string, Uint8Array>,
  meta: Omit<BundleManifest, 'format' | 'signature' | 'files'>,
  signer: BundleSigner,
): Uint8Array {
  const files = [...contents.keys()]
    .sort()
    .map((p) => ({ path: p, sha256: sha256Hex(contents.get(p)!), size: contents.get(p)!.byteLength }));
  const manifest: BundleManifest = {
    format: BUNDLE_FORMAT,
    ...meta,
    signature: { algorithm: 'Ed25519', publicKey: PUBLIC_KEY, fingerprint: signer.fingerprint },
    files,
  };
  const manifestBytes = utf8(`${JSON.stringify(manifest, null, 2)}\n`);
  const sums = utf8(
    [...files, { path: MANIFEST, sha256: sha256Hex(manifestBytes) }].map((f) => `${f.sha256}  ${f.path}\n`).join(''),
  );
  const members = new Map(contents);
  members.set(MANIFEST, manifestBytes);
  members.set(MANIFEST_SIG, signer.sign(manifestBytes));
  members.set(SUMS, sums);
  members.set(SUMS_SIG, signer.sign(sums));
  members.set(PUBLIC_KEY, utf8(signer.publicKeyPem));
  return zipMembers(members);
}

function zipMembers(members: Map<string, Uint8Array>): Uint8Array {
  const entries: Record<string, [Uint8Array, { level: 0; mtime: Date }]> = {};
  for (const name of [...members.keys()].sort()) entries[name] = [members.get(name)!, { level: 0, mtime: FIXED_MTIME }];
  return zipSync(entries);
}

export type BundleCheck =
  | {
      ok: true;
      applicationId: string;
      fingerprint: string;
      files: number;
      chain: { count: number; headHash: string };
      manifest: BundleManifest;
    }
  | { ok: false; problems: string[]; fingerprint?: string | undefined };

/**
 * Checks a bundle: archive readable and canonical, both signatures valid under the enclosed public key (and under
 * `expectedFingerprint` when given), every member listed with the right SHA-256 and none extra, the hash chain
 * intact and ending at the signed head.
 */
export function checkBundle(zip: Uint8Array, options: { expectedFingerprint?: string } = {}): BundleCheck {
  let members: Record<string, Uint8Array>;
  try {
    members = unzipSync(zip);
  } catch (err) {
    return { ok: false, problems: [`not a readable ZIP archive: ${(err as Error).message}`] };
  }
  const problems: string[] = [];
  for (const name of [MANIFEST, MANIFEST_SIG, SUMS, SUMS_SIG, PUBLIC_KEY]) {
    if (!members[name]) problems.push(`${name} is missing`);
  }
  if (problems.length) return { ok: false, problems };
  const publicKeyPem = text(members[PUBLIC_KEY]!);
  let fingerprint: string | undefined;
  try {
    fingerprint = fingerprintOf(publicKeyPem);
  } catch {
    return { ok: false, problems: [`${PUBLIC_KEY} is not a public key`] };
  }
  if (options.expectedFingerprint && options.expectedFingerprint !== fingerprint) {
    problems.push(`signed by ${fingerprint}, not by the expected ${options.expectedFingerprint}`);
  }
  if (!verifySignature(publicKeyPem, members[MANIFEST]!, members[MANIFEST_SIG]!)) {
    problems.push(`${MANIFEST_SIG}: the signature of ${MANIFEST} does not verify`);
  }
  if (!verifySignature(publicKeyPem, members[SUMS]!, members[SUMS_SIG]!)) {
    problems.push(`${SUMS_SIG}: the signature of ${SUMS} does not verify`);
  }
  let manifest: BundleManifest;
  try {
    manifest = JSON.parse(text(members[MANIFEST]!)) as BundleManifest;
  } catch {
    return { ok: false, problems: [...problems, `${MANIFEST} is not JSON`], fingerprint };
  }
  if (manifest.format !== BUNDLE_FORMAT) problems.push(`${MANIFEST}: unknown format ${String(manifest.format)}`);
  if (manifest.signature?.fingerprint !== fingerprint) {
    problems.push(`${MANIFEST} names signing key ${manifest.signature?.fingerprint}, the bundle holds ${fingerprint}`);
  }
  const listed = new Map((manifest.files ?? []).map((f) => [f.path, f]));
  for (const [name, bytes] of Object.entries(members)) {
    if (CONTROL_MEMBERS.has(name)) continue;
    const entry = listed.get(name);
    if (!entry) problems.push(`${name} is not listed in ${MANIFEST}`);
    else if (entry.sha256 !== sha256Hex(bytes) || entry.size !== bytes.byteLength) {
      problems.push(`${name}: SHA-256 differs from ${MANIFEST}`);
    }
  }
  for (const name of listed.keys()) if (!members[name]) problems.push(`${name} is listed but missing`);
  const expectedSums = [...(manifest.files ?? []), { path: MANIFEST, sha256: sha256Hex(members[MANIFEST]!) }]
    .map((f) => `${f.sha256}  ${f.path}\n`)
    .join('');
  if (text(members[SUMS]!) !== expectedSums) problems.push(`${SUMS} does not match ${MANIFEST}`);
  const chain = checkEvents(manifest, members[EVENTS]);
  if (!chain.ok) problems.push(chain.problem);
  // The members are sound; now the archive itself: it must be exactly what the writer makes of them.
  const rebuilt = zipMembers(new Map(Object.entries(members)));
  if (Buffer.compare(Buffer.from(rebuilt), Buffer.from(zip)) !== 0) {
    problems.push('the ZIP structure differs from the canonical archive of its members (changed outside the members)');
  }
  if (problems.length || !chain.ok) return { ok: false, problems, fingerprint };
  return {
    ok: true,
    applicationId: manifest.applicationId,
    fingerprint,
    files: listed.size,
    chain: { count: chain.count, headHash: chain.headHash },
    manifest,
  };
}

function checkEvents(
  manifest: BundleManifest,
  bytes: Uint8Array | undefined,
): { ok: true; count: number; headHash: string } | { ok: false; problem: string } {
  if (!bytes) return { ok: false, problem: `${EVENTS} is missing` };
  let events: AuditEvent[];
  try {
    events = text(bytes)
      .split('\n')
      .filter((l) => l.length > 0)
      .map((l) => JSON.parse(l) as AuditEvent);
  } catch {
    return { ok: false, problem: `${EVENTS}: a line is not JSON` };
  }
  const result = verifyChain(manifest.applicationId, events, { seq: manifest.chain?.seq, hash: manifest.chain?.hash });
  if (!result.ok) return { ok: false, problem: `audit chain broken at event ${result.brokenAt}: ${result.reason}` };
  return { ok: true, count: result.count, headHash: result.headHash };
}

/** Seals a member (an image, or results with fields) under a passphrase (see `IMAGE_ENCRYPTION`). */
export function sealMember(plain: Uint8Array, aad: string, passphrase: string): Buffer {
  const salt = randomBytes(16);
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', imageKey(passphrase, salt), iv);
  cipher.setAAD(utf8(aad));
  const ciphertext = Buffer.concat([cipher.update(plain), cipher.final()]);
  return Buffer.concat([salt, iv, ciphertext, cipher.getAuthTag()]);
}

/** The plain bytes of a sealed member; throws when the passphrase or `aad` is wrong or a byte changed. */
export function openMember(sealed: Uint8Array, aad: string, passphrase: string): Buffer {
  const buf = Buffer.from(sealed);
  const decipher = createDecipheriv('aes-256-gcm', imageKey(passphrase, buf.subarray(0, 16)), buf.subarray(16, 28));
  decipher.setAAD(utf8(aad));
  decipher.setAuthTag(buf.subarray(buf.length - 16));
  return Buffer.concat([decipher.update(buf.subarray(28, buf.length - 16)), decipher.final()]);
}

function imageKey(passphrase: string, salt: Uint8Array): Buffer {
  const { N, r, p } = IMAGE_ENCRYPTION;
  return scryptSync(passphrase, salt, 32, { N, r, p, maxmem: 64 * 1024 * 1024 });
}

function utf8(s: string): Uint8Array {
  return Buffer.from(s, 'utf8');
}

function text(b: Uint8Array): string {
  return Buffer.from(b).toString('utf8');
}
