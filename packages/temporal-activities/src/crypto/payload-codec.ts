import { fileURLToPath } from 'node:url';
import type { DataConverter, Payload, PayloadCodec, SerializationContext } from '@temporalio/common';
import proto from '@temporalio/proto';
import { DecryptionError } from './crypto-errors.js';
import { keyRefOf, parseEnvelope } from './envelope.js';
import type { KeyStore } from './key-store.js';

const { Payload: PayloadMessage } = proto.temporal.api.common.v1;

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const METADATA_ENCODING = 'encoding';
export const METADATA_KEY_ID = 'encryption-key-id';

/**
 * Picks the application whose data key encrypts a payload, from the workflow or activity the payload belongs to
 * (SDK 1.24 hands codecs a `SerializationContext` with the workflow id). Return `undefined` to use the master key.
 */
export type ApplicationIdResolver = (context: SerializationContext | undefined) => string | undefined;

export interface EncryptionCodecOptions {
  /** Default: every payload is encrypted with the active master key. */
  applicationIdOf?: ApplicationIdResolver;
}

export interface DataConverterOptions extends EncryptionCodecOptions {
  /**
   * Also encrypt failure messages and stack traces, which Temporal otherwise stores in clear (SDK
   * `DefaultFailureConverter` with `encodeCommonAttributes`). Default true.
   */
  encryptFailureMessages?: boolean;
}

/**
 * Path of the CommonJS module exporting `failureConverter` with encoded common attributes. Resolved against the
 * package's `src/` from both `src/crypto/` and `dist/crypto/`, so the one file serves sources and build.
 */
export const ENCODED_FAILURE_CONVERTER_PATH = fileURLToPath(
  new URL('../../src/crypto/encoded-failure-converter.cjs', import.meta.url),
);

/**
 * Encrypts each whole payload (metadata and data, serialised as the Payload protobuf) with AES-256-GCM through the key
 * store. The result has metadata `encoding: binary/encrypted` and `encryption-key-id` (`mk-…` for a master key,
 * `app:<applicationId>` for an application's data key) and the key store's envelope as data. Decoding needs no
 * context, only the keys: it is what the codec endpoint runs for the Web UI. Payloads that are not encrypted pass
 * through decode unchanged, so histories written before encryption was turned on stay readable.
 */
export class EncryptionCodec implements PayloadCodec {
  constructor(
    private readonly keyStore: KeyStore,
    private readonly options: EncryptionCodecOptions = {},
  ) {}

  async encode(payloads: Payload[], context?: SerializationContext): Promise<Payload[]> {
    const applicationId = this.options.applicationIdOf?.(context);
    return Promise.all(
      payloads.map(async (payload) => {
        const envelope = await this.keyStore.encrypt(PayloadMessage.encode(payload).finish(), { applicationId });
        return {
          metadata: {
            [METADATA_ENCODING]: utf8(ENCRYPTED_ENCODING),
            [METADATA_KEY_ID]: utf8(keyRefOf(parseEnvelope(envelope))),
          },
          data: envelope,
        };
      }),
    );
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return Promise.all(
      payloads.map(async (payload) => {
        if (text(payload.metadata?.[METADATA_ENCODING]) !== ENCRYPTED_ENCODING) return payload;
        if (!payload.data) throw new DecryptionError('encrypted payload has no data');
        const claimed = text(payload.metadata?.[METADATA_KEY_ID]);
        const actual = keyRefOf(parseEnvelope(payload.data));
        if (claimed !== undefined && claimed !== actual) {
          throw new DecryptionError(`payload metadata names key ${claimed} but its envelope was sealed with ${actual}`);
        }
        return PayloadMessage.decode(await this.keyStore.decrypt(payload.data));
      }),
    );
  }
}

/**
 * The data converter for client and worker: `{ payloadCodecs: [new EncryptionCodec(keyStore, options)],
 * failureConverterPath: ENCODED_FAILURE_CONVERTER_PATH }`. Give the same one to the client, the worker and any
 * `bundleWorkflowCode` call (its `failureConverterPath`), or the sides will not understand each other's failures.
 *
 * @example
 * const dataConverter = createDataConverter(keys, { applicationIdOf: applicationIdFromWorkflowId(/^kyc-([^/]+)/) });
 * await Worker.create({ ..., dataConverter });
 * new Client({ connection, dataConverter });
 */
export function createDataConverter(keyStore: KeyStore, options: DataConverterOptions = {}): DataConverter {
  const { encryptFailureMessages = true, ...codecOptions } = options;
  return {
    payloadCodecs: [new EncryptionCodec(keyStore, codecOptions)],
    ...(encryptFailureMessages ? { failureConverterPath: ENCODED_FAILURE_CONVERTER_PATH } : {}),
  };
}

/**
 * A resolver that takes the application id from the workflow id with a pattern whose first capture group is the id;
 * child workflows and activities of an application resolve to the same id as long as their workflow ids match it.
 */
export function applicationIdFromWorkflowId(pattern: RegExp): ApplicationIdResolver {
  return (context) => {
    const workflowId = context?.workflowId;
    return workflowId === undefined ? undefined : (pattern.exec(workflowId)?.[1] ?? undefined);
  };
}

/** The key reference (`encryption-key-id`) of an encrypted payload, or undefined for a payload in clear. */
export function encryptionKeyIdOf(payload: Payload): string | undefined {
  return text(payload.metadata?.[METADATA_ENCODING]) === ENCRYPTED_ENCODING
    ? text(payload.metadata?.[METADATA_KEY_ID])
    : undefined;
}

function utf8(value: string): Uint8Array {
  return Buffer.from(value, 'utf8');
}

function text(value: Uint8Array | null | undefined): string | undefined {
  return value ? Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('utf8') : undefined;
}
