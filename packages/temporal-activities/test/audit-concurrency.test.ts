import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteAuditStore } from '../src/audit/sqlite-audit-store.js';

const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const repoRoot = resolve(packageDir, '../..');

/**
 * Several OS processes appending to one SQLite file is what a machine with several workers and the CLI does; threads
 * in one process would not exercise SQLite's locking. The children run the audit module transpiled from its sources.
 */
describe('SqliteAuditStore across processes', () => {
  let workDir: string;

  beforeAll(() => {
    workDir = mkdtempSync(join(tmpdir(), 'dococr-audit-procs-'));
    const out = join(workDir, 'audit');
    mkdirSync(out);
    const srcDir = join(packageDir, 'src', 'audit');
    for (const name of readdirSync(srcDir).filter((n) => n.endsWith('.ts') && !n.endsWith('.test.ts'))) {
      const { outputText } = ts.transpileModule(readFileSync(join(srcDir, name), 'utf8'), {
        compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: false },
      });
      writeFileSync(join(out, name.replace(/\.ts$/, '.js')), outputText);
    }
    writeFileSync(join(workDir, 'package.json'), '{"type":"module"}');
    symlinkSync(join(repoRoot, 'node_modules'), join(workDir, 'node_modules'), 'dir');
    writeFileSync(
      join(workDir, 'append.js'),
      `import { SqliteAuditStore } from './audit/sqlite-audit-store.js';
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
`,
    );
  });
  afterAll(() => rmSync(workDir, { recursive: true, force: true }));

  it('allocates every seq once and keeps both chains valid', async () => {
    const dbPath = join(workDir, 'audit.db');
    await new SqliteAuditStore({ path: dbPath }).close();
    const processes = 4;
    const perProcess = 25;
    const exits = await Promise.all(
      Array.from({ length: processes }, (_, worker) => {
        const child = spawn(
          process.execPath,
          [join(workDir, 'append.js'), dbPath, String(worker), String(perProcess)],
          {
            cwd: workDir,
            stdio: ['ignore', 'ignore', 'pipe'],
          },
        );
        let stderr = '';
        child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        return new Promise<{ code: number | null; stderr: string }>((done) =>
          child.on('close', (code) => done({ code, stderr })),
        );
      }),
    );
    expect(exits).toEqual(Array.from({ length: processes }, () => ({ code: 0, stderr: '' })));

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
