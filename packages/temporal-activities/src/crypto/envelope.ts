import { DecryptionError } from './crypto-errors.js';

/**
 * The ciphertext envelope, compact and self-describing so any holder of the keys can decrypt it without other context:
 *
 * ```
 * offset 0      version (1)
 * offset 1      key kind: 1 = master key, 2 = application data key
 * offset 2      id length n (1..255)
 * offset 3      id, n bytes of UTF-8 (master key id, or application id)
 * offset 3+n    IV, 12 random bytes
 * then          AES-256-GCM ciphertext
 * last 16       GCM tag
 * ```
 * The header (the first 3+n bytes) is the GCM additional data, so changing the version, kind or id fails authentication.
 */
export const ENVELOPE_VERSION = 1;
export const IV_BYTES = 12;
export const TAG_BYTES = 16;

export const KeyKind = { Master: 1, Application: 2 } as const;
export type KeyKind = (typeof KeyKind)[keyof typeof KeyKind];

export interface EnvelopeHeader {
  version: number;
  kind: KeyKind;
  /** Master key id when `kind` is Master, application id when it is Application. */
  id: string;
}

export interface ParsedEnvelope extends EnvelopeHeader {
  header: Uint8Array;
  iv: Uint8Array;
  ciphertext: Uint8Array;
  tag: Uint8Array;
}

export function encodeEnvelopeHeader(kind: KeyKind, id: string): Uint8Array {
  const idBytes = Buffer.from(id, 'utf8');
  if (idBytes.length === 0 || idBytes.length > 255)
    throw new RangeError(`key id must be 1..255 UTF-8 bytes, got ${idBytes.length}`);
  return Buffer.concat([Uint8Array.of(ENVELOPE_VERSION, kind, idBytes.length), idBytes]);
}

export function parseEnvelope(envelope: Uint8Array): ParsedEnvelope {
  if (envelope.length < 3) throw new DecryptionError('envelope too short');
  const version = envelope[0]!;
  const kind = envelope[1]!;
  const idLength = envelope[2]!;
  if (version !== ENVELOPE_VERSION) throw new DecryptionError(`unsupported envelope version ${version}`);
  if (kind !== KeyKind.Master && kind !== KeyKind.Application) throw new DecryptionError(`unknown key kind ${kind}`);
  const headerEnd = 3 + idLength;
  if (idLength === 0 || envelope.length < headerEnd + IV_BYTES + TAG_BYTES)
    throw new DecryptionError('envelope truncated');
  const bytes = Buffer.from(envelope.buffer, envelope.byteOffset, envelope.byteLength);
  return {
    version,
    kind,
    id: bytes.subarray(3, headerEnd).toString('utf8'),
    header: bytes.subarray(0, headerEnd),
    iv: bytes.subarray(headerEnd, headerEnd + IV_BYTES),
    ciphertext: bytes.subarray(headerEnd + IV_BYTES, bytes.length - TAG_BYTES),
    tag: bytes.subarray(bytes.length - TAG_BYTES),
  };
}

/**
 * The string naming the key of an envelope, as written into payload metadata: the master key id (`mk-…`), or
 * `app:<applicationId>` for an application's data key. Master key ids never contain a colon.
 */
export function keyRefOf(header: Pick<EnvelopeHeader, 'kind' | 'id'>): string {
  return header.kind === KeyKind.Application ? `app:${header.id}` : header.id;
}
