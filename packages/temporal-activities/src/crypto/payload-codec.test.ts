import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { loadDataConverter } from '@temporalio/common/lib/internal-non-workflow/index.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DecryptionError, KeyDestroyedError, UnknownKeyError } from './crypto-errors.js';
import { LocalKeyStore } from './key-store.js';
import {
  EncryptionCodec,
  applicationIdFromWorkflowId,
  createDataConverter,
  encryptionKeyIdOf,
} from './payload-codec.js';

const meta = (payload: Payload, key: string) => Buffer.from(payload.metadata![key]!).toString();
const toPayload = (value: unknown) => defaultPayloadConverter.toPayload(value);
const fromPayload = (payload: Payload) => defaultPayloadConverter.fromPayload(payload);

describe('EncryptionCodec', () => {
  let dataDir: string;
  let keys: LocalKeyStore;

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'dococr-codec-'));
    keys = LocalKeyStore.open({ dataDir });
  });
  afterEach(() => {
    keys.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('round-trips payloads, hiding data and the original metadata', async () => {
    const codec = new EncryptionCodec(keys);
    const values = [{ name: 'CHAN TAI MAN', idNumber: 'A123456(7)' }, 'plain string', null];
    const encoded = await codec.encode(values.map(toPayload));
    for (const payload of encoded) {
      expect(meta(payload, 'encoding')).toBe('binary/encrypted');
      expect(meta(payload, 'encryption-key-id')).toBe(keys.activeMasterKeyId());
      expect(Object.keys(payload.metadata!).sort()).toEqual(['encoding', 'encryption-key-id']);
      expect(Buffer.from(payload.data!).includes('CHAN TAI MAN')).toBe(false);
      expect(Buffer.from(payload.data!).includes('json/plain')).toBe(false);
    }
    const decoded = await codec.decode(encoded);
    expect(decoded.map(fromPayload)).toEqual(values);
    expect(meta(decoded[0]!, 'encoding')).toBe('json/plain');
  });

  it('passes unencrypted payloads through decode', async () => {
    const codec = new EncryptionCodec(keys);
    const clear = toPayload({ a: 1 });
    const [decoded] = await codec.decode([clear]);
    expect(decoded).toBe(clear);
    expect(encryptionKeyIdOf(clear)).toBeUndefined();
  });

  it('decodes payloads written before a rotation', async () => {
    const codec = new EncryptionCodec(keys);
    const old = await codec.encode([toPayload('before rotation')]);
    const oldId = keys.activeMasterKeyId();
    await keys.rotateMasterKey();
    const fresh = await codec.encode([toPayload('after rotation')]);
    expect(encryptionKeyIdOf(fresh[0]!)).not.toBe(oldId);
    expect(encryptionKeyIdOf(old[0]!)).toBe(oldId);
    expect((await codec.decode([...old, ...fresh])).map(fromPayload)).toEqual(['before rotation', 'after rotation']);
  });

  it('rejects tampered ciphertext and a swapped key id', async () => {
    const codec = new EncryptionCodec(keys);
    const [payload] = await codec.encode([toPayload({ secret: 'x' })]);
    const data = Uint8Array.from(payload!.data!);
    data[data.length - 20]! ^= 0xff;
    await expect(codec.decode([{ ...payload, data }])).rejects.toBeInstanceOf(DecryptionError);
    const relabelled = {
      ...payload,
      metadata: { ...payload!.metadata, 'encryption-key-id': Buffer.from('mk-000000000000') },
    };
    await expect(codec.decode([relabelled])).rejects.toThrow(/names key mk-000000000000/);
  });

  it('reports a payload from a foreign key store by its key id', async () => {
    const foreignDir = mkdtempSync(join(tmpdir(), 'dococr-codec-'));
    const foreign = LocalKeyStore.open({ dataDir: foreignDir });
    try {
      const encoded = await new EncryptionCodec(foreign).encode([toPayload('elsewhere')]);
      const error = await new EncryptionCodec(keys).decode(encoded).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UnknownKeyError);
      expect((error as Error).message).toContain(foreign.activeMasterKeyId());
    } finally {
      foreign.close();
      rmSync(foreignDir, { recursive: true, force: true });
    }
  });

  it('encrypts with the application data key chosen from the serialization context', async () => {
    const codec = new EncryptionCodec(keys, { applicationIdOf: applicationIdFromWorkflowId(/^kyc-([^/]+)/) });
    const workflowContext = { type: 'workflow', namespace: 'default', workflowId: 'kyc-app-7' } as const;
    const childContext = { type: 'workflow', namespace: 'default', workflowId: 'kyc-app-7/doc-1' } as const;
    const activityContext = {
      type: 'activity',
      namespace: 'default',
      workflowId: 'kyc-app-7',
      isLocal: false,
    } as const;
    const [a] = await codec.encode([toPayload('wf')], workflowContext);
    const [b] = await codec.encode([toPayload('child')], childContext);
    const [c] = await codec.encode([toPayload('activity')], activityContext);
    const [d] = await codec.encode([toPayload('no context')]);
    expect([a, b, c].map((p) => encryptionKeyIdOf(p!))).toEqual(['app:app-7', 'app:app-7', 'app:app-7']);
    expect(encryptionKeyIdOf(d!)).toBe(keys.activeMasterKeyId());
    // Decoding needs no context: the envelope names the key.
    expect((await new EncryptionCodec(keys).decode([a!, d!])).map(fromPayload)).toEqual(['wf', 'no context']);
    await keys.destroyDataKey('app-7');
    await expect(codec.decode([a!])).rejects.toBeInstanceOf(KeyDestroyedError);
    expect(fromPayload((await codec.decode([d!]))[0]!)).toBe('no context');
  });

  it('builds a data converter holding the codec and a failure converter that encodes messages', async () => {
    const converter = createDataConverter(keys);
    expect(converter.payloadCodecs).toHaveLength(1);
    expect(converter.payloadCodecs![0]).toBeInstanceOf(EncryptionCodec);
    const loaded = loadDataConverter(converter);
    const failure = loaded.failureConverter.errorToFailure(new Error('bad name CHAN TAI MAN'), loaded.payloadConverter);
    expect(failure.message).toBe('Encoded failure');
    expect(JSON.stringify(failure)).not.toContain('CHAN TAI MAN');
    expect(createDataConverter(keys, { encryptFailureMessages: false }).failureConverterPath).toBeUndefined();
  });
});
