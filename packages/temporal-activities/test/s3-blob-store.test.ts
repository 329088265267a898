import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AwsClient } from 'aws4fetch';
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BlobStoreRequestError, S3BlobStore, locateBlob, type BlobRef } from '../src/blob-store/index.js';
import { LocalKeyStore } from '../src/crypto/index.js';
import { describeBlobStore } from './blob-store-contract.js';

/**
 * S3BlobStore against s3rver, an S3-compatible server in Node, over real HTTP on 127.0.0.1. s3rver does not check
 * signatures, so this proves the S3 protocol use (paths, listing, statuses), not the signing, which is aws4fetch's;
 * and it answers a truncated listing with HTTP 500, so `deleteApplication` beyond one listing page is not exercised.
 */
const BUCKET = 'dococr-test';
const CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

describe('S3BlobStore against an S3-compatible server', () => {
  let serverDir: string;
  let server: S3rver;
  let endpoint: string;
  const raw = new AwsClient({ ...CREDENTIALS, service: 's3', region: 'us-east-1' });
  let prefix = '';
  let run = 0;

  const objectUrl = (ref: BlobRef) => {
    const { folder, name } = locateBlob(ref);
    return `${endpoint}/${BUCKET}/${prefix}${folder}/${name}`;
  };

  beforeAll(async () => {
    serverDir = mkdtempSync(join(tmpdir(), 'dococr-s3-'));
    server = new S3rver({
      address: '127.0.0.1',
      port: 0,
      silent: true,
      directory: serverDir,
      configureBuckets: [{ name: BUCKET }],
    });
    const { port } = await server.run();
    endpoint = `http://127.0.0.1:${port}`;
  });
  afterAll(async () => {
    await server?.close();
    rmSync(serverDir, { recursive: true, force: true });
  });

  describeBlobStore('S3BlobStore', {
    async setup(keyStore) {
      // A fresh prefix per test keeps the tests apart in the one bucket.
      prefix = `run-${++run}/`;
      return new S3BlobStore({ endpoint, bucket: BUCKET, prefix, keyStore, ...CREDENTIALS });
    },
    async stored() {
      const list = await raw.fetch(`${endpoint}/${BUCKET}?list-type=2&prefix=${encodeURIComponent(prefix)}`);
      const keys = [...(await list.text()).matchAll(/<Key>([^<]*)<\/Key>/g)].map((m) => m[1]!);
      return Promise.all(
        keys.map(async (key) => Buffer.from(await (await raw.fetch(`${endpoint}/${BUCKET}/${key}`)).arrayBuffer())),
      );
    },
    async swap(target, source) {
      const bytes = new Uint8Array(await (await raw.fetch(objectUrl(source))).arrayBuffer());
      expect((await raw.fetch(objectUrl(target), { method: 'PUT', body: bytes })).status).toBe(200);
    },
    async teardown() {},
  });

  it('reports a missing bucket as a request error', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'dococr-s3-keys-'));
    const keyStore = LocalKeyStore.open({ dataDir });
    try {
      const blobs = new S3BlobStore({ endpoint, bucket: 'no-such-bucket', keyStore, ...CREDENTIALS });
      const error = await blobs
        .put(Buffer.from('x'), { mediaType: 'image/png', applicationId: 'app-1' })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BlobStoreRequestError);
      expect(error).toMatchObject({ code: 'BlobStoreRequestFailed', status: 404, retryable: false });
    } finally {
      await keyStore.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
