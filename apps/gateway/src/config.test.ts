import { describe, expect, it } from 'vitest';
import { gatewayConfigFromEnv, gatewayConfigSchema, parseAccessKeys } from './config.js';

describe('access keys', () => {
  it('parses id:secret pairs separated by commas or lines, with comments, secrets keeping later colons', () => {
    expect(parseAccessKeys('LTAI5tA:s1, LTAI5tB:s:2\n# retired\n\nLTAI5tC:s3\n')).toEqual({
      LTAI5tA: 's1',
      LTAI5tB: 's:2',
      LTAI5tC: 's3',
    });
  });

  it('rejects malformed entries without printing the secret', () => {
    expect(() => parseAccessKeys('just-a-secret-value')).toThrow(/<id>:<secret>/);
    expect(() => parseAccessKeys('just-a-secret-value')).not.toThrow(/just-a-secret/);
    expect(() => parseAccessKeys('LTAI5tA:')).toThrow(/secret of LTAI5tA is empty/);
    expect(() => parseAccessKeys('LTAI5tA:x,LTAI5tA:y')).toThrow(/twice/);
  });
});

describe('gateway configuration', () => {
  it('has local defaults', () => {
    const config = gatewayConfigFromEnv({ DOCOCR_ACCESS_KEYS: 'LTAI5tA:s1' });
    expect(config).toMatchObject({
      host: '127.0.0.1',
      port: 8080,
      accessKeys: { LTAI5tA: 's1' },
      bodyLimitBytes: 10 * 1024 * 1024,
      maxClockSkewMs: 15 * 60 * 1000,
      urlFetch: { allowCidrs: [], allowHosts: [], maxRedirects: 3 },
      temporal: { address: 'localhost:7233', namespace: 'default', taskQueue: 'dococr' },
    });
  });

  it('reads keys from the file named by DOCOCR_ACCESS_KEYS_FILE, merged with the variable', () => {
    const files: Record<string, string> = { '/keys': 'LTAI5tB:s2\n' };
    const config = gatewayConfigFromEnv(
      { DOCOCR_ACCESS_KEYS: 'LTAI5tA:s1', DOCOCR_ACCESS_KEYS_FILE: '/keys' },
      (path) => files[path] ?? '',
    );
    expect(config.accessKeys).toEqual({ LTAI5tA: 's1', LTAI5tB: 's2' });
  });

  it('reads limits, allow-lists and the listening address', () => {
    const config = gatewayConfigFromEnv({
      DOCOCR_ACCESS_KEYS: 'LTAI5tA:s1',
      DOCOCR_GATEWAY_PORT: '9090',
      DOCOCR_GATEWAY_HOST: '0.0.0.0',
      DOCOCR_GATEWAY_QPS: '2.5',
      DOCOCR_GATEWAY_BURST: '5',
      DOCOCR_GATEWAY_MAX_CONCURRENT: '3',
      DOCOCR_GATEWAY_MAX_QUEUED: '0',
      DOCOCR_URL_ALLOW_CIDRS: '127.0.0.1/32, 10.1.0.0/16',
      DOCOCR_URL_ALLOW_HOSTS: 'images.internal',
    });
    expect(config.port).toBe(9090);
    expect(config.host).toBe('0.0.0.0');
    expect(config.rateLimit).toEqual({ qps: 2.5, burst: 5 });
    expect(config.concurrency).toMatchObject({ maxConcurrent: 3, maxQueued: 0 });
    expect(config.urlFetch.allowCidrs).toEqual(['127.0.0.1/32', '10.1.0.0/16']);
    expect(config.urlFetch.allowHosts).toEqual(['images.internal']);
  });

  it('refuses to start without keys or with bad numbers', () => {
    expect(() => gatewayConfigFromEnv({})).toThrow(/no access keys/);
    expect(() => gatewayConfigFromEnv({ DOCOCR_ACCESS_KEYS: 'LTAI5tA:s1', DOCOCR_GATEWAY_PORT: '70000' })).toThrow();
    expect(() => gatewayConfigFromEnv({ DOCOCR_ACCESS_KEYS: 'LTAI5tA:s1', DOCOCR_GATEWAY_QPS: '0' })).toThrow();
  });

  it('fills defaults for a partial object (what tests and the CLI pass)', () => {
    const config = gatewayConfigSchema.parse({ accessKeys: { k: 's' }, rateLimit: { qps: 1 } });
    expect(config.rateLimit).toEqual({ qps: 1, burst: 20 });
    expect(config.concurrency.maxConcurrent).toBe(8);
  });
});
