export {
  CryptoError,
  DecryptionError,
  KeyDestroyedError,
  KeyFilePermissionError,
  UnknownKeyError,
  isKeyDestroyedError,
} from './crypto-errors.js';
export { SqliteDataKeyTable, type DataKeyRecord, type DataKeyTable } from './data-key-table.js';
export { ENVELOPE_VERSION, KeyKind, keyRefOf, parseEnvelope, type EnvelopeHeader } from './envelope.js';
export {
  EnvelopeKeyStore,
  LocalKeyStore,
  type DataKeyDestruction,
  type DataKeyInfo,
  type DataKeyStatus,
  type EncryptOptions,
  type KeyStore,
  type LocalKeyStoreOptions,
} from './key-store.js';
export {
  FileMasterKeyRing,
  StaticMasterKeyRing,
  type MasterKeyInfo,
  type MasterKeyRing,
  type StaticMasterKey,
} from './master-key-ring.js';
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
export { PostgresDataKeyTable, type PostgresDataKeyTableOptions } from './postgres-data-key-table.js';
