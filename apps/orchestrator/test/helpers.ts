import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { ImageRef } from '@dococr/temporal-activities';
import type { ImageStore } from '../src/stack.js';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

export function tempDir(prefix: string): string {
  return mkdtempSync(path.join(os.tmpdir(), `dococr-${prefix}-`));
}

/** An in-memory image store for tests of the Temporal plumbing alone. */
export function memoryImageStore(): ImageStore & { blobs: Map<string, Uint8Array> } {
  const blobs = new Map<string, Uint8Array>();
  return {
    blobs,
    async store(bytes, meta): Promise<ImageRef> {
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      blobs.set(sha256, bytes);
      return { sha256, size: bytes.length, mediaType: meta.mediaType, key: sha256, parameter: meta.parameter };
    },
    async read(ref) {
      const bytes = blobs.get(ref.key);
      if (!bytes) throw new Error(`no blob ${ref.key}`);
      return bytes;
    },
  };
}
