import { createHmac, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { DataConverter, PayloadCodec } from '@temporalio/common';
import type { Logger } from 'pino';
import {
  applicationIdFromWorkflowId,
  createDataConverter,
  LocalBlobStore,
  LocalKeyStore,
  SqliteAuditStore,
  type AuditStore,
  type BlobStore,
  type KeyStore,
} from '@dococr/temporal-activities';
import type { OrchestratorConfig } from './config.js';

/**
 * Workflow ids carry the application id: `dococr-<MerchantBizId>` for one document, `kyc-<MerchantBizId>` for an
 * application (and its children `kyc-<MerchantBizId>-...`). The codec encrypts each application's payloads with its
 * own data key, so erasing one application shreds its history too.
 */
export const APPLICATION_ID_PATTERN = /^(?:dococr|kyc|batch)-([A-Za-z0-9]+)/;

export interface LocalServices {
  keyStore: KeyStore;
  blobs: BlobStore;
  audit: AuditStore;
  dataConverter: DataConverter;
  /** The payload codec of the data converter, for the Web UI's codec endpoint. */
  codec: PayloadCodec;
  /** Salted hash of MerchantUserId for search attributes and history; the salt never leaves the data folder. */
  hashUserId: (merchantUserId: string) => string;
}

function loadOrCreateSalt(dataDir: string): Buffer {
  const dir = path.join(dataDir, 'keys');
  const file = path.join(dir, 'user-hash-salt');
  if (existsSync(file)) return Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const salt = randomBytes(32);
  writeFileSync(file, salt.toString('base64'), { mode: 0o600, flag: 'wx' });
  return salt;
}

/** Keys, blobs and the data converter of the embedded default, all in the data folder. */
export function openLocalServices(config: OrchestratorConfig, logger?: Logger): LocalServices {
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const keyStore = LocalKeyStore.open({ dataDir: config.dataDir, ...(logger ? { logger } : {}) });
  const blobs = new LocalBlobStore({ dataDir: config.dataDir, keyStore });
  const salt = loadOrCreateSalt(config.dataDir);
  // Payloads and failure messages are both encrypted: an activity error could quote what it read.
  const dataConverter = createDataConverter(keyStore, {
    applicationIdOf: applicationIdFromWorkflowId(APPLICATION_ID_PATTERN),
  });
  const codec = dataConverter.payloadCodecs![0]!;
  return {
    keyStore,
    blobs,
    audit: new SqliteAuditStore({ dataDir: config.dataDir }),
    codec,
    dataConverter,
    hashUserId: (id) => createHmac('sha256', salt).update(id, 'utf8').digest('hex').slice(0, 32),
  };
}
