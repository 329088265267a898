export {
  CryptoError,
  DecryptionError,
  KeyDestroyedError,
  KeyFilePermissionError,
  UnknownKeyError,
  isKeyDestroyedError,
} from './crypto-errors.js';
export { ENVELOPE_VERSION, KeyKind, keyRefOf, parseEnvelope, type EnvelopeHeader } from './envelope.js';
export {
  LocalKeyStore,
  type DataKeyDestruction,
  type DataKeyInfo,
  type DataKeyStatus,
  type EncryptOptions,
  type KeyStore,
  type LocalKeyStoreOptions,
  type MasterKeyInfo,
} from './key-store.js';
export {
  ENCODED_FAILURE_CONVERTER_PATH,
  ENCRYPTED_ENCODING,
  EncryptionCodec,
  METADATA_KEY_ID,
  applicationIdFromWorkflowId,
  createDataConverter,
  encryptionKeyIdOf,
  type ApplicationIdResolver,
  type DataConverterOptions,
  type EncryptionCodecOptions,
} from './payload-codec.js';
