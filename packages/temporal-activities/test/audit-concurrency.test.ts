import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteAuditStore } from '../src/audit/sqlite-audit-store.js';
import { prepareChildScript, runConcurrently } from './process-harness.js';

const APPEND_SCRIPT = `import { SqliteAuditStore } from './src/audit/sqlite-audit-store.js';
const [dbPath, worker, count] = process.argv.slice(2);
const store = new SqliteAuditStore({ path: dbPath });
for (let i = 0; i < Number(count); i++) {
  for (const applicationId of ['app-a', 'app-b']) {
    // Own events, plus an event every process "retries": it must be stored once.
    for (const eventId of [\`w\${worker}:\${i}\`, \`shared:\${i}\`]) {
      await store.append({ applicationId, eventId, step: 'ocr', startedAt: new Date().toISOString(), actor: 'worker:' + worker, outcome: 'passed', data: { i } });
    }
  }
}
await store.close();
`;

describe('SqliteAuditStore across processes', () => {
  let workDir: string;

  beforeAll(() => {
    workDir = prepareChildScript(['audit'], APPEND_SCRIPT);
  });
  afterAll(() => rmSync(workDir, { recursive: true, force: true }));

  it('allocates every seq once and keeps both chains valid', async () => {
    const dbPath = join(workDir, 'audit.db');
    await new SqliteAuditStore({ path: dbPath }).close();
    const processes = 4;
    const perProcess = 25;
    const results = await runConcurrently(
      workDir,
      Array.from({ length: processes }, (_, worker) => [dbPath, String(worker), String(perProcess)]),
    );
    expect(results).toEqual(Array.from({ length: processes }, () => ({ code: 0, stdout: '', stderr: '' })));

    const store = new SqliteAuditStore({ path: dbPath });
    try {
      for (const applicationId of ['app-a', 'app-b']) {
        const events = await store.list(applicationId);
        const expected = processes * perProcess + perProcess;
        expect(events.map((e) => e.seq)).toEqual(Array.from({ length: expected }, (_, i) => i + 1));
        expect(events.filter((e) => e.eventId.startsWith('shared:'))).toHaveLength(perProcess);
        expect(await store.verify(applicationId)).toMatchObject({ ok: true, count: expected });
      }
    } finally {
      await store.close();
    }
  });
});
