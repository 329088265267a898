import { AwsClient } from 'aws4fetch';
import type { KeyStore } from '../crypto/key-store.js';
import { BlobNotFoundError, BlobStoreRequestError } from './blob-errors.js';
import { applicationFolder, blobRefFor, locateBlob, openBlob, sealBlob } from './blob-sealing.js';
import type { BlobRef, BlobStore, PutBlobOptions } from './blob-store-types.js';

export interface S3BlobStoreOptions {
  /** The service URL without the bucket: `https://s3.eu-central-1.amazonaws.com`, `http://127.0.0.1:9000` (MinIO). */
  endpoint: string;
  bucket: string;
  /** Default `us-east-1` (what MinIO and most S3-compatible stores expect). */
  region?: string;
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  /** Prepended to every object key. Default `blobs/`. */
  prefix?: string;
  /** `path` (`<endpoint>/<bucket>/<key>`, the default, for S3-compatible stores) or `virtual` (`<bucket>.<host>`). */
  addressing?: 'path' | 'virtual';
  /** Keys per listing request in `deleteApplication`. Default 1000, S3's maximum. */
  listPageSize?: number;
  keyStore: KeyStore;
}

/**
 * Blobs in an S3-compatible object store (AWS S3, MinIO, Ceph, …) for workers on several machines: the same layout,
 * encryption and checks as `LocalBlobStore` (`<prefix><application folder>/<sha256>.blob`, the key store's envelope
 * under the application's data key), requests signed with AWS Signature V4. A PUT is atomic in S3, so readers never
 * see part of a blob. Deleting an object does not erase copies kept by bucket versioning or replication; destroying
 * the data key does.
 *
 * @example
 * const blobs = new S3BlobStore({ endpoint: 'http://minio:9000', bucket: 'dococr', accessKeyId, secretAccessKey, keyStore });
 */
export class S3BlobStore implements BlobStore {
  private readonly client: AwsClient;
  private readonly prefix: string;

  constructor(private readonly options: S3BlobStoreOptions) {
    this.client = new AwsClient({
      accessKeyId: options.accessKeyId,
      secretAccessKey: options.secretAccessKey,
      ...(options.sessionToken ? { sessionToken: options.sessionToken } : {}),
      service: 's3',
      region: options.region ?? 'us-east-1',
    });
    this.prefix = options.prefix ?? 'blobs/';
  }

  async put(bytes: Uint8Array, options: PutBlobOptions): Promise<BlobRef> {
    const ref = blobRefFor(bytes, options);
    const key = this.objectKey(ref);
    if (await this.exists(key, 'put')) return ref;
    const sealed = await sealBlob(this.options.keyStore, bytes, options.applicationId);
    const response = await this.request('PUT', key, {
      body: sealed,
      headers: { 'Content-Type': 'application/octet-stream' },
    });
    await expectStatus(response, 'put', [200]);
    return ref;
  }

  async get(ref: BlobRef): Promise<Uint8Array> {
    const response = await this.request('GET', this.objectKey(ref));
    if (response.status === 404) {
      await response.body?.cancel();
      throw new BlobNotFoundError(ref.key);
    }
    await expectStatus(response, 'get', [200], false);
    return openBlob(this.options.keyStore, ref, new Uint8Array(await response.arrayBuffer()));
  }

  async has(ref: BlobRef): Promise<boolean> {
    return this.exists(this.objectKey(ref), 'has');
  }

  async delete(ref: BlobRef): Promise<boolean> {
    const key = this.objectKey(ref);
    // S3 answers a DELETE of a missing object with 204 too, so ask first to report whether it was there.
    if (!(await this.exists(key, 'delete'))) return false;
    await expectStatus(await this.request('DELETE', key), 'delete', [200, 204]);
    return true;
  }

  async deleteApplication(applicationId: string): Promise<number> {
    const query = new URLSearchParams({
      'list-type': '2',
      prefix: `${this.prefix}${applicationFolder(applicationId)}/`,
      'max-keys': String(this.options.listPageSize ?? 1000),
    });
    // List from the start again after each page is deleted instead of following continuation tokens, which some
    // S3-compatible stores do not honour once the keys they point past are gone.
    let count = 0;
    for (;;) {
      const response = await this.client.fetch(`${this.bucketUrl()}?${query}`);
      await expectStatus(response, 'list', [200], false);
      const keys = xmlValues(await response.text(), 'Key');
      if (keys.length === 0) return count;
      for (const key of keys) await expectStatus(await this.request('DELETE', key), 'delete', [200, 204]);
      count += keys.length;
    }
  }

  private objectKey(ref: BlobRef): string {
    const { folder, name } = locateBlob(ref);
    return `${this.prefix}${folder}/${name}`;
  }

  private bucketUrl(): string {
    const endpoint = new URL(this.options.endpoint);
    if (this.options.addressing === 'virtual') return `${endpoint.protocol}//${this.options.bucket}.${endpoint.host}`;
    return `${endpoint.origin}${endpoint.pathname.replace(/\/+$/, '')}/${encodeURIComponent(this.options.bucket)}`;
  }

  private request(method: string, key: string, init: { body?: Uint8Array; headers?: Record<string, string> } = {}) {
    const path = key.split('/').map(encodeURIComponent).join('/');
    return this.client.fetch(`${this.bucketUrl()}/${path}`, { method, ...init });
  }

  private async exists(key: string, operation: string): Promise<boolean> {
    const response = await this.request('HEAD', key);
    if (response.status === 404) return false;
    await expectStatus(response, operation, [200]);
    return true;
  }
}

async function expectStatus(response: Response, operation: string, ok: number[], consume = true): Promise<void> {
  if (ok.includes(response.status)) {
    if (consume) await response.body?.cancel();
    return;
  }
  const detail = xmlValues(await response.text().catch(() => ''), 'Code')[0] ?? '';
  throw new BlobStoreRequestError(operation, response.status, detail);
}

/** Text of every `<tag>…</tag>` in an S3 XML answer; the values read here (keys, tokens, codes) hold no markup. */
function xmlValues(xml: string, tag: string): string[] {
  return [...xml.matchAll(new RegExp(`<${tag}>([^<]*)</${tag}>`, 'g'))].map((match) =>
    match[1]!
      .replaceAll('&lt;', '<')
      .replaceAll('&gt;', '>')
      .replaceAll('&quot;', '"')
      .replaceAll('&apos;', "'")
      .replaceAll('&amp;', '&'),
  );
}
