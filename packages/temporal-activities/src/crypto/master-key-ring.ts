import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createFileExclusive, writeFileAtomic } from './atomic-file.js';
import { CryptoError, KeyFilePermissionError, UnknownKeyError } from './crypto-errors.js';

export interface MasterKeyInfo {
  id: string;
  createdAt: string;
  active: boolean;
}

/** Where master keys come from: the data folder (`FileMasterKeyRing`) or the deployment's secrets (`StaticMasterKeyRing`). */
export interface MasterKeyRing {
  /** Id of the key new ciphertexts are written with. */
  activeId(): string;
  /** The 32-byte key; throws `UnknownKeyError` for an id this ring does not hold. */
  key(id: string): Buffer;
  list(): MasterKeyInfo[];
  /** Generates a key and makes it active. */
  rotate(): MasterKeyInfo;
  /** Deletes a key for good; the key store checks beforehand that nothing live depends on it. */
  retire(id: string): void;
}

interface MasterKeyFile {
  id: string;
  algorithm: 'AES-256-GCM';
  createdAt: string;
  key: string;
}

const ACTIVE_FILE = 'ACTIVE';
const MASTER_FILE = /^master-(mk-[0-9a-f]{12})\.json$/;

/**
 * Master keys as files in a folder (0700, files 0600): `master-<id>.json` holding
 * `{ id, algorithm: "AES-256-GCM", createdAt, key: <base64 of 32 bytes> }`, and `ACTIVE` holding the active id.
 * The first key is generated when the folder has none; processes starting together agree on one.
 */
export class FileMasterKeyRing implements MasterKeyRing {
  private readonly keys = new Map<string, { key: Buffer; createdAt: string }>();

  constructor(
    private readonly dir: string,
    private readonly logger?: { info(obj: Record<string, unknown>, msg: string): void },
  ) {
    assertOwnerOnly(dir);
    this.load();
    if (!existsSync(join(dir, ACTIVE_FILE))) this.createFirst();
  }

  activeId(): string {
    // Read on every call so a rotation made by another process (the CLI) is picked up by a running worker.
    const id = readFileSync(join(this.dir, ACTIVE_FILE), 'utf8').trim();
    this.key(id);
    return id;
  }

  key(id: string): Buffer {
    let entry = this.keys.get(id);
    if (entry === undefined) {
      this.load();
      entry = this.keys.get(id);
    }
    if (entry === undefined) throw new UnknownKeyError(id, this.dir);
    return entry.key;
  }

  list(): MasterKeyInfo[] {
    this.load();
    const activeId = this.activeId();
    return [...this.keys].map(([id, { createdAt }]) => ({ id, createdAt, active: id === activeId }));
  }

  rotate(): MasterKeyInfo {
    const created = this.write();
    writeFileAtomic(join(this.dir, ACTIVE_FILE), `${created.id}\n`);
    this.logger?.info({ masterKeyId: created.id }, 'master key rotated');
    return { ...created, active: true };
  }

  retire(id: string): void {
    if (id === this.activeId()) throw new CryptoError('KeyInUse', `master key ${id} is active; rotate first`);
    this.key(id);
    rmSync(join(this.dir, `master-${id}.json`));
    this.keys.delete(id);
    this.logger?.info({ masterKeyId: id }, 'master key retired');
  }

  private load(): void {
    for (const name of readdirSync(this.dir)) {
      const match = MASTER_FILE.exec(name);
      if (match === null || this.keys.has(match[1]!)) continue;
      const path = join(this.dir, name);
      let text: string;
      try {
        assertOwnerOnly(path);
        text = readFileSync(path, 'utf8');
      } catch (error) {
        // A spare key removed by the loser of a first-run race, or a retired key, between readdir and this read.
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
        throw error;
      }
      const file = JSON.parse(text) as MasterKeyFile;
      const key = Buffer.from(file.key, 'base64');
      if (file.id !== match[1] || key.length !== 32)
        throw new CryptoError('KeyFileMalformed', `master key file ${path} is malformed`);
      this.keys.set(file.id, { key, createdAt: file.createdAt });
    }
  }

  private createFirst(): void {
    const created = this.write();
    if (createFileExclusive(join(this.dir, ACTIVE_FILE), `${created.id}\n`)) {
      this.logger?.info({ masterKeyId: created.id, keysDir: this.dir }, 'generated master key');
      return;
    }
    // Another process won the first-run race and its key is active; ours never encrypted anything.
    rmSync(join(this.dir, `master-${created.id}.json`), { force: true });
    this.keys.delete(created.id);
  }

  private write(): { id: string; createdAt: string } {
    const id = `mk-${randomBytes(6).toString('hex')}`;
    const key = randomBytes(32);
    const createdAt = new Date().toISOString();
    const file: MasterKeyFile = { id, algorithm: 'AES-256-GCM', createdAt, key: key.toString('base64') };
    createFileExclusive(join(this.dir, `master-${id}.json`), `${JSON.stringify(file)}\n`);
    this.keys.set(id, { key, createdAt });
    return { id, createdAt };
  }
}

export interface StaticMasterKey {
  /** Any id without a colon, up to 255 bytes; it is written into every envelope. */
  id: string;
  /** 32 bytes, or their base64. */
  key: Uint8Array | string;
  createdAt?: string;
}

/**
 * Master keys handed in by the deployment (a secret manager, an environment variable read by the config module), the
 * same on every machine. Rotation and retirement happen there: add a key and make it active, later drop the old one.
 */
export class StaticMasterKeyRing implements MasterKeyRing {
  private readonly keys = new Map<string, { key: Buffer; createdAt: string }>();

  constructor(
    keys: readonly StaticMasterKey[],
    private readonly active: string,
  ) {
    for (const { id, key, createdAt } of keys) {
      const bytes = typeof key === 'string' ? Buffer.from(key, 'base64') : Buffer.from(key);
      if (bytes.length !== 32) throw new CryptoError('KeyFileMalformed', `master key ${id} is not 32 bytes`);
      if (id.length === 0 || id.includes(':'))
        throw new CryptoError('KeyFileMalformed', `master key id ${JSON.stringify(id)} is invalid`);
      this.keys.set(id, { key: bytes, createdAt: createdAt ?? '' });
    }
    this.key(active);
  }

  activeId(): string {
    return this.active;
  }

  key(id: string): Buffer {
    const entry = this.keys.get(id);
    if (entry === undefined) throw new UnknownKeyError(id, 'the configured master keys');
    return entry.key;
  }

  list(): MasterKeyInfo[] {
    return [...this.keys].map(([id, { createdAt }]) => ({ id, createdAt, active: id === this.active }));
  }

  rotate(): MasterKeyInfo {
    throw new CryptoError('KeyManagedElsewhere', 'master keys are configured by the deployment: rotate them there');
  }

  retire(): void {
    throw new CryptoError('KeyManagedElsewhere', 'master keys are configured by the deployment: retire them there');
  }
}

export function assertOwnerOnly(path: string): void {
  const { mode } = statSync(path);
  if ((mode & 0o077) !== 0) throw new KeyFilePermissionError(path, mode);
}
