import { chmodSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DecryptionError, KeyDestroyedError, KeyFilePermissionError, UnknownKeyError } from './crypto-errors.js';
import { KeyKind, parseEnvelope } from './envelope.js';
import { SqliteDataKeyTable } from './data-key-table.js';
import { EnvelopeKeyStore, LocalKeyStore } from './key-store.js';
import { StaticMasterKeyRing } from './master-key-ring.js';

const text = (s: string) => new TextEncoder().encode(s);

describe('LocalKeyStore', () => {
  let dataDir: string;
  let keys: LocalKeyStore;

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'dococr-keys-'));
    keys = LocalKeyStore.open({ dataDir });
  });
  afterEach(() => {
    keys.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('generates a master key on first run with owner-only permissions', () => {
    const keysDir = join(dataDir, 'keys');
    expect(statSync(keysDir).mode & 0o777).toBe(0o700);
    const files = readdirSync(keysDir).filter((name) => !name.startsWith('.'));
    expect(files.some((name) => /^master-mk-[0-9a-f]{12}\.json$/.test(name))).toBe(true);
    for (const name of files) expect([name, statSync(join(keysDir, name)).mode & 0o777]).toEqual([name, 0o600]);
    const activeId = readFileSync(join(keysDir, 'ACTIVE'), 'utf8').trim();
    expect(keys.activeMasterKeyId()).toBe(activeId);
  });

  it('reopens the same keys on the next run', async () => {
    const sealed = await keys.encrypt(text('hello'));
    const sealedForApp = await keys.encrypt(text('fields'), { applicationId: 'app-1' });
    keys.close();
    keys = LocalKeyStore.open({ dataDir });
    expect(Buffer.from(await keys.decrypt(sealed)).toString()).toBe('hello');
    expect(Buffer.from(await keys.decrypt(sealedForApp)).toString()).toBe('fields');
  });

  it('writes a compact envelope naming the key and never the plaintext', async () => {
    const sealed = await keys.encrypt(text('Chan Tai Man'), { applicationId: 'app-1' });
    const parsed = parseEnvelope(sealed);
    expect(parsed).toMatchObject({ version: 1, kind: KeyKind.Application, id: 'app-1' });
    expect(parsed.iv).toHaveLength(12);
    expect(parsed.tag).toHaveLength(16);
    expect(sealed).toHaveLength(3 + 'app-1'.length + 12 + 'Chan Tai Man'.length + 16);
    expect(Buffer.from(sealed).includes('Chan Tai Man')).toBe(false);
    const again = await keys.encrypt(text('Chan Tai Man'), { applicationId: 'app-1' });
    expect(Buffer.from(again).equals(Buffer.from(sealed))).toBe(false);
  });

  it('rotates the master key: new ciphertexts use the new id and old ones still decrypt', async () => {
    const oldId = keys.activeMasterKeyId();
    const before = await keys.encrypt(text('before'));
    await keys.getOrCreateDataKey('app-1');
    const beforeApp = await keys.encrypt(text('app before'), { applicationId: 'app-1' });
    const rotated = await keys.rotateMasterKey();
    expect(rotated.id).not.toBe(oldId);
    expect(keys.activeMasterKeyId()).toBe(rotated.id);
    const after = await keys.encrypt(text('after'));
    expect(parseEnvelope(after).id).toBe(rotated.id);
    expect(parseEnvelope(before).id).toBe(oldId);
    expect(Buffer.from(await keys.decrypt(before)).toString()).toBe('before');
    expect(await keys.rewrapDataKeys()).toBe(1);
    expect((await keys.getOrCreateDataKey('app-1')).masterKeyId).toBe(rotated.id);
    expect(Buffer.from(await keys.decrypt(beforeApp)).toString()).toBe('app before');
    const listed = await keys.listMasterKeys();
    expect(listed.map((k) => [k.id, k.active]).sort()).toEqual(
      [
        [oldId, false],
        [rotated.id, true],
      ].sort(),
    );
  });

  it('sees a rotation made by another process', async () => {
    const other = LocalKeyStore.open({ dataDir });
    const rotated = await other.rotateMasterKey();
    const sealed = await other.encrypt(text('x'));
    other.close();
    expect(keys.activeMasterKeyId()).toBe(rotated.id);
    expect(Buffer.from(await keys.decrypt(sealed)).toString()).toBe('x');
  });

  it('fails authentication when the IV, ciphertext or tag changes', async () => {
    const sealed = await keys.encrypt(text('payload'), { applicationId: 'app-1' });
    for (const index of [3 + 5, 3 + 5 + 11, 3 + 5 + 12, sealed.length - 17, sealed.length - 1]) {
      const tampered = Uint8Array.from(sealed);
      tampered[index]! ^= 0x01;
      await expect(keys.decrypt(tampered)).rejects.toBeInstanceOf(DecryptionError);
    }
  });

  it('refuses ciphertext re-labelled with another application id', async () => {
    await keys.getOrCreateDataKey('app-2');
    const sealed = Buffer.from(await keys.encrypt(text('secret'), { applicationId: 'app-1' }));
    sealed.write('app-2', 3, 'utf8');
    await expect(keys.decrypt(sealed)).rejects.toBeInstanceOf(DecryptionError);
  });

  it('names a foreign master key or application clearly', async () => {
    const foreignDir = mkdtempSync(join(tmpdir(), 'dococr-keys-'));
    const foreign = LocalKeyStore.open({ dataDir: foreignDir });
    try {
      const sealed = await foreign.encrypt(text('elsewhere'));
      const error = await keys.decrypt(sealed).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UnknownKeyError);
      expect((error as UnknownKeyError).keyId).toBe(foreign.activeMasterKeyId());
      const sealedForApp = await foreign.encrypt(text('elsewhere'), { applicationId: 'app-x' });
      await expect(keys.decrypt(sealedForApp)).rejects.toThrow(/no key app:app-x/);
    } finally {
      foreign.close();
      rmSync(foreignDir, { recursive: true, force: true });
    }
  });

  it('crypto-shreds: after destroyDataKey the data is unrecoverable with a clear error', async () => {
    const sealed = await keys.encrypt(text('A123456(7)'), { applicationId: 'app-1' });
    const other = await keys.encrypt(text('kept'), { applicationId: 'app-2' });
    const destruction = await keys.destroyDataKey('app-1');
    expect(destruction).toMatchObject({ applicationId: 'app-1', existed: true });
    const error = await keys.decrypt(sealed).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KeyDestroyedError);
    expect(error).toMatchObject({ code: 'KeyDestroyed', retryable: false, applicationId: 'app-1' });
    await expect(keys.encrypt(text('new'), { applicationId: 'app-1' })).rejects.toBeInstanceOf(KeyDestroyedError);
    await expect(keys.getOrCreateDataKey('app-1')).rejects.toBeInstanceOf(KeyDestroyedError);
    expect(await keys.dataKeyStatus('app-1')).toBe('destroyed');
    expect(Buffer.from(await keys.decrypt(other)).toString()).toBe('kept');
    // A second process reopening the folder cannot decrypt either.
    keys.close();
    keys = LocalKeyStore.open({ dataDir });
    await expect(keys.decrypt(sealed)).rejects.toBeInstanceOf(KeyDestroyedError);
  });

  it('leaves no copy of the wrapped data key in the key database files after destruction', async () => {
    await keys.getOrCreateDataKey('app-1');
    const dbPath = join(dataDir, 'keys', 'data-keys.db');
    const reader = new Database(dbPath, { readonly: true });
    const { wrapped_key: wrapped } = reader
      .prepare('SELECT wrapped_key FROM data_keys WHERE application_id = ?')
      .get('app-1') as {
      wrapped_key: Buffer;
    };
    reader.close();
    expect(wrapped).toHaveLength(12 + 32 + 16);
    await keys.destroyDataKey('app-1');
    const files = readdirSync(join(dataDir, 'keys')).filter((name) => name.startsWith('data-keys.db'));
    for (const name of files) expect(readFileSync(join(dataDir, 'keys', name)).includes(wrapped)).toBe(false);
  });

  it('marks an application destroyed even before it had a key', async () => {
    expect(await keys.destroyDataKey('never-used')).toMatchObject({ existed: false });
    await expect(keys.encrypt(text('x'), { applicationId: 'never-used' })).rejects.toBeInstanceOf(KeyDestroyedError);
    expect((await keys.destroyDataKey('never-used')).existed).toBe(false);
  });

  it('refuses a master key file readable by others', () => {
    keys.close();
    const name = readdirSync(join(dataDir, 'keys')).find((n) => n.startsWith('master-'))!;
    chmodSync(join(dataDir, 'keys', name), 0o644);
    expect(() => LocalKeyStore.open({ dataDir })).toThrow(KeyFilePermissionError);
    chmodSync(join(dataDir, 'keys', name), 0o600);
    keys = LocalKeyStore.open({ dataDir });
  });

  it('retires an old master key only once nothing live depends on it', async () => {
    const oldId = keys.activeMasterKeyId();
    const sealedForApp = await keys.encrypt(text('app data'), { applicationId: 'app-1' });
    const sealedUnderOld = await keys.encrypt(text('master data'));
    await expect(keys.retireMasterKey(oldId)).rejects.toMatchObject({ code: 'KeyInUse' });
    await keys.rotateMasterKey();
    await expect(keys.retireMasterKey(oldId)).rejects.toThrow(/1 data keys are still wrapped/);
    expect(await keys.rewrapDataKeys()).toBe(1);
    await keys.retireMasterKey(oldId);
    expect(readdirSync(join(dataDir, 'keys')).some((name) => name.includes(oldId))).toBe(false);
    expect(Buffer.from(await keys.decrypt(sealedForApp)).toString()).toBe('app data');
    // What was sealed directly under the retired key is gone with it.
    await expect(keys.decrypt(sealedUnderOld)).rejects.toBeInstanceOf(UnknownKeyError);
    expect((await keys.listMasterKeys()).map((k) => k.id)).toEqual([keys.activeMasterKeyId()]);
  });
});

describe('EnvelopeKeyStore with configured master keys', () => {
  const first = { id: 'prod-2026a', key: Buffer.alloc(32, 1).toString('base64') };
  const second = { id: 'prod-2026b', key: Buffer.alloc(32, 2) };
  let dataDir: string;

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'dococr-keys-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('encrypts with the configured active key, decrypts with any configured key, and leaves rotation to the deployment', async () => {
    const tablePath = join(dataDir, 'data-keys.db');
    const before = new EnvelopeKeyStore(new StaticMasterKeyRing([first], first.id), new SqliteDataKeyTable(tablePath));
    const sealed = await before.encrypt(text('x'));
    const sealedForApp = await before.encrypt(text('y'), { applicationId: 'app-1' });
    expect(parseEnvelope(sealed).id).toBe('prod-2026a');
    await before.close();

    const after = new EnvelopeKeyStore(
      new StaticMasterKeyRing([first, second], second.id),
      new SqliteDataKeyTable(tablePath),
    );
    try {
      expect(Buffer.from(await after.decrypt(sealed)).toString()).toBe('x');
      expect(parseEnvelope(await after.encrypt(text('z'))).id).toBe('prod-2026b');
      expect(await after.rewrapDataKeys()).toBe(1);
      expect(Buffer.from(await after.decrypt(sealedForApp)).toString()).toBe('y');
      await expect(after.rotateMasterKey()).rejects.toMatchObject({ code: 'KeyManagedElsewhere' });
      await expect(after.retireMasterKey(first.id)).rejects.toMatchObject({ code: 'KeyManagedElsewhere' });
    } finally {
      await after.close();
    }
  });

  it('refuses malformed configured keys', () => {
    expect(() => new StaticMasterKeyRing([{ id: 'short', key: Buffer.alloc(16) }], 'short')).toThrow(/not 32 bytes/);
    expect(() => new StaticMasterKeyRing([{ id: 'a:b', key: Buffer.alloc(32) }], 'a:b')).toThrow(/invalid/);
    expect(() => new StaticMasterKeyRing([first], 'missing')).toThrow(UnknownKeyError);
  });
});
