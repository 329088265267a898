import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  auditCodecAccess,
  pathTokenAuthorizer,
  startCodecServer,
  bearerTokenAuthorizer,
  type CodecAccess,
  type RunningCodecServer,
} from '../src/codec-server/index.js';
import { SqliteAuditStore } from '../src/audit/index.js';
import { EncryptionCodec, LocalKeyStore } from '../src/crypto/index.js';

const UI_ORIGIN = 'http://localhost:8233';
const TOKEN = 'test-token-1234';

const toJson = (payload: Payload) => ({
  metadata: Object.fromEntries(
    Object.entries(payload.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
  ),
  data: Buffer.from(payload.data ?? []).toString('base64'),
});
const fromJson = (payload: { metadata: Record<string, string>; data: string }): Payload => ({
  metadata: Object.fromEntries(Object.entries(payload.metadata).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
  data: Buffer.from(payload.data, 'base64'),
});

describe('codec endpoint over HTTP', () => {
  let dataDir: string;
  let keys: LocalKeyStore;
  let codec: EncryptionCodec;
  let server: RunningCodecServer;
  const accesses: Array<Omit<CodecAccess, 'request'>> = [];

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'dococr-codec-server-'));
    keys = LocalKeyStore.open({ dataDir });
    codec = new EncryptionCodec(keys, { applicationIdOf: (context) => context?.workflowId });
    server = await startCodecServer({
      codec,
      authorize: bearerTokenAuthorizer(TOKEN),
      allowedOrigins: [UI_ORIGIN],
      basePath: '/codec',
      maxBodyBytes: 64 * 1024,
      onAccess: ({ request: _request, ...access }) => {
        if (access.namespace === 'audit-down') throw new Error('audit store unavailable');
        accesses.push(access);
      },
    });
  });
  afterAll(async () => {
    await server.close();
    keys.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  afterEach(() => {
    accesses.length = 0;
  });

  const post = (operation: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${server.url}/${operation}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${TOKEN}`, ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  it('listens on 127.0.0.1 under the base path', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/codec$/);
  });

  it('decodes what the codec encoded, for the Web UI origin, and records the access', async () => {
    const context = { type: 'workflow', namespace: 'default', workflowId: 'app-9' } as const;
    const encoded = await codec.encode([defaultPayloadConverter.toPayload({ name: 'CHAN TAI MAN' })], context);
    const response = await post(
      'decode',
      { payloads: encoded.map(toJson) },
      { Origin: UI_ORIGIN, 'X-Namespace': 'default' },
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe(UI_ORIGIN);
    const body = (await response.json()) as { payloads: Array<{ metadata: Record<string, string>; data: string }> };
    expect(defaultPayloadConverter.fromPayload(fromJson(body.payloads[0]!))).toEqual({ name: 'CHAN TAI MAN' });
    expect(accesses).toEqual([{ operation: 'decode', namespace: 'default', payloadCount: 1, keyIds: ['app:app-9'] }]);
  });

  it('encodes payloads so that the codec decodes them', async () => {
    const clear = defaultPayloadConverter.toPayload('signal from the UI');
    const response = await post('encode', { payloads: [toJson(clear)] });
    expect(response.status).toBe(200);
    const { payloads } = (await response.json()) as {
      payloads: Array<{ metadata: Record<string, string>; data: string }>;
    };
    const encrypted = fromJson(payloads[0]!);
    expect(Buffer.from(encrypted.metadata!.encoding!).toString()).toBe('binary/encrypted');
    expect(defaultPayloadConverter.fromPayload((await codec.decode([encrypted]))[0]!)).toBe('signal from the UI');
    expect(accesses[0]).toMatchObject({ operation: 'encode', keyIds: [keys.activeMasterKeyId()] });
  });

  it('answers a CORS preflight without credentials, allowing X-Namespace', async () => {
    const response = await fetch(`${server.url}/decode`, {
      method: 'OPTIONS',
      headers: {
        Origin: UI_ORIGIN,
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'x-namespace,content-type',
      },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe(UI_ORIGIN);
    expect(response.headers.get('access-control-allow-methods')).toContain('POST');
    expect(response.headers.get('access-control-allow-headers')).toMatch(/X-Namespace/);
    expect(response.headers.get('access-control-allow-headers')).toMatch(/x-namespace,content-type/);
    expect(response.headers.get('access-control-allow-credentials')).toBe('true');
  });

  it('rejects requests without valid credentials with 401, and other origins with 403', async () => {
    const payloads = [toJson(defaultPayloadConverter.toPayload(1))];
    expect((await post('decode', { payloads }, { Authorization: '' })).status).toBe(401);
    expect((await post('decode', { payloads }, { Authorization: 'Bearer wrong' })).status).toBe(401);
    const unauthenticated = await fetch(`${server.url}/decode`, { method: 'POST', body: JSON.stringify({ payloads }) });
    expect(unauthenticated.status).toBe(401);
    expect(unauthenticated.headers.get('www-authenticate')).toBe('Bearer');
    const foreign = await post('decode', { payloads }, { Origin: 'https://evil.example' });
    expect(foreign.status).toBe(403);
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
    expect(accesses).toEqual([]);
  });

  it('rejects malformed, oversized and misrouted requests', async () => {
    expect((await post('decode', 'not json')).status).toBe(400);
    expect((await post('decode', { nope: [] })).status).toBe(400);
    expect((await post('decode', { payloads: [{ data: 'x'.repeat(70 * 1024) }] })).status).toBe(413);
    expect((await post('other', { payloads: [] })).status).toBe(404);
    expect((await fetch(`${server.url}/decode`, { headers: { Authorization: `Bearer ${TOKEN}` } })).status).toBe(405);
  });

  it('shows a marker for payloads of an erased application and an error for foreign keys', async () => {
    const context = { type: 'workflow', namespace: 'default', workflowId: 'app-erased' } as const;
    const erased = await codec.encode([defaultPayloadConverter.toPayload('A123456(7)')], context);
    const kept = await codec.encode([defaultPayloadConverter.toPayload('kept')]);
    await keys.destroyDataKey('app-erased');
    const response = await post('decode', { payloads: [...erased, ...kept].map(toJson) });
    expect(response.status).toBe(200);
    const { payloads } = (await response.json()) as {
      payloads: Array<{ metadata: Record<string, string>; data: string }>;
    };
    const [marker, clear] = payloads.map((p) => defaultPayloadConverter.fromPayload(fromJson(p)));
    expect(marker).toMatchObject({ dococr: 'erased', keyId: 'app:app-erased' });
    expect(JSON.stringify(marker)).not.toContain('A123456');
    expect(clear).toBe('kept');

    const foreignDir = mkdtempSync(join(tmpdir(), 'dococr-codec-server-'));
    const foreign = LocalKeyStore.open({ dataDir: foreignDir });
    try {
      const alien = await new EncryptionCodec(foreign).encode([defaultPayloadConverter.toPayload('x')]);
      const failed = await post('decode', { payloads: alien.map(toJson) });
      expect(failed.status).toBe(422);
      expect(await failed.json()).toMatchObject({ code: 'UnknownKey' });
    } finally {
      foreign.close();
      rmSync(foreignDir, { recursive: true, force: true });
    }
  });

  it('returns nothing when the access cannot be recorded', async () => {
    const encoded = await codec.encode([defaultPayloadConverter.toPayload('secret')]);
    const response = await post('decode', { payloads: encoded.map(toJson) }, { 'X-Namespace': 'audit-down' });
    expect(response.status).toBe(500);
    expect(await response.text()).not.toContain('secret');
  });

  it('records each decode in the audit chain of every application it read', async () => {
    const auditStore = new SqliteAuditStore({ dataDir });
    const audited = await startCodecServer({
      codec,
      authorize: bearerTokenAuthorizer(TOKEN),
      onAccess: auditCodecAccess({ auditStore, actorOf: () => 'operator:alice' }),
    });
    try {
      const forApp = (workflowId: string) => ({ type: 'workflow', namespace: 'default', workflowId }) as const;
      const payloads = [
        ...(await codec.encode([defaultPayloadConverter.toPayload('a')], forApp('app-audit-1'))),
        ...(await codec.encode([defaultPayloadConverter.toPayload('b')], forApp('app-audit-2'))),
        ...(await codec.encode([defaultPayloadConverter.toPayload('c')])),
      ];
      const response = await fetch(`${audited.url}/decode`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${TOKEN}`, 'X-Namespace': 'default' },
        body: JSON.stringify({ payloads: payloads.map(toJson) }),
      });
      expect(response.status).toBe(200);
      expect(await auditStore.listApplications()).toEqual(['app-audit-1', 'app-audit-2']);
      const [event] = await auditStore.list('app-audit-1');
      expect(event).toMatchObject({
        step: 'pii-access',
        actor: 'operator:alice',
        outcome: 'read',
        data: { via: 'codec-endpoint', operation: 'decode', namespace: 'default', payloads: 3 },
      });
      expect(await auditStore.verify('app-audit-2')).toMatchObject({ ok: true, count: 1 });
    } finally {
      await audited.close();
      await auditStore.close();
    }
  });

  it('accepts a capability URL for a Web UI that sends no credentials', async () => {
    const pathToken = 'Zq3xPp0a9kLm7Rt2vW5yB8cD';
    const capability = await startCodecServer({
      codec,
      authorize: pathTokenAuthorizer(pathToken),
      allowedOrigins: [UI_ORIGIN],
    });
    try {
      const encoded = await codec.encode([defaultPayloadConverter.toPayload('via capability')]);
      const body = JSON.stringify({ payloads: encoded.map(toJson) });
      const call = (path: string) =>
        fetch(`${capability.url}${path}`, { method: 'POST', headers: { Origin: UI_ORIGIN }, body });
      const ok = await call(`/${pathToken}/decode`);
      expect(ok.status).toBe(200);
      const { payloads } = (await ok.json()) as { payloads: Array<{ metadata: Record<string, string>; data: string }> };
      expect(defaultPayloadConverter.fromPayload(fromJson(payloads[0]!))).toBe('via capability');
      expect((await call('/decode')).status).toBe(401);
      expect((await call(`/${pathToken.slice(1)}x/decode`)).status).toBe(401);
      expect((await call(`/${pathToken}/other`)).status).toBe(404);
    } finally {
      await capability.close();
    }
    expect(() => pathTokenAuthorizer('short')).toThrow(RangeError);
  });
});
