import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalKeyStore } from '../src/crypto/key-store.js';
import { prepareChildScript, runConcurrently } from './process-harness.js';

// Each process opens the (possibly fresh) folder, encrypts under the master key and under app-1's data key, and
// prints both envelopes; every one must decrypt in the parent afterwards.
const ENCRYPT_SCRIPT = `import { LocalKeyStore } from './src/crypto/key-store.js';
const [dataDir, worker, startAt] = process.argv.slice(2);
// Line the processes up so that they really race for the first master key.
await new Promise((resolve) => setTimeout(resolve, Number(startAt) - Date.now()));
while (Date.now() < Number(startAt)) {}
const keys = LocalKeyStore.open({ dataDir });
const master = await keys.encrypt(Buffer.from('master ' + worker));
const app = await keys.encrypt(Buffer.from('app ' + worker), { applicationId: 'app-1' });
keys.close();
process.stdout.write(JSON.stringify([Buffer.from(master).toString('hex'), Buffer.from(app).toString('hex')]));
`;

describe('LocalKeyStore across processes', () => {
  let workDir: string;

  beforeAll(() => {
    workDir = prepareChildScript(['crypto'], ENCRYPT_SCRIPT);
  });
  afterAll(() => rmSync(workDir, { recursive: true, force: true }));

  it('agrees on one active master key and one data key per application when processes start on a fresh folder', async () => {
    const dataDir = join(workDir, 'data');
    const processes = 6;
    const startAt = Date.now() + 1500;
    const results = await runConcurrently(
      workDir,
      Array.from({ length: processes }, (_, worker) => [dataDir, String(worker), String(startAt)]),
    );
    expect(results.map((r) => [r.code, r.stderr])).toEqual(Array.from({ length: processes }, () => [0, '']));

    const keys = LocalKeyStore.open({ dataDir });
    try {
      const masterIds = new Set<string>();
      for (const [worker, result] of results.entries()) {
        const [master, app] = (JSON.parse(result.stdout) as string[]).map((hex) => Buffer.from(hex, 'hex'));
        expect(Buffer.from(await keys.decrypt(master!)).toString()).toBe(`master ${worker}`);
        expect(Buffer.from(await keys.decrypt(app!)).toString()).toBe(`app ${worker}`);
        masterIds.add(master!.subarray(3, 3 + master![2]!).toString());
      }
      expect([...masterIds]).toEqual([keys.activeMasterKeyId()]);
      // The losers of the first-run race remove the keys they generated.
      expect(readdirSync(join(dataDir, 'keys')).filter((name) => name.startsWith('master-'))).toEqual([
        `master-${keys.activeMasterKeyId()}.json`,
      ]);
      expect(readdirSync(join(dataDir, 'keys')).filter((name) => name.endsWith('.tmp'))).toEqual([]);
    } finally {
      keys.close();
    }
  });
});
