import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const repoRoot = resolve(packageDir, '../..');

/**
 * Several OS processes sharing one data folder is what a machine running workers, the gateway and the CLI does;
 * threads in one process would not exercise file and SQLite locking. This writes the given `src/` folders, transpiled
 * from their sources, into a temporary folder (with the repository's node_modules linked), plus `script.js`.
 */
export function prepareChildScript(folders: readonly string[], script: string): string {
  const workDir = mkdtempSync(join(tmpdir(), 'dococr-procs-'));
  for (const folder of folders) {
    const srcDir = join(packageDir, 'src', folder);
    const outDir = join(workDir, 'src', folder);
    mkdirSync(outDir, { recursive: true });
    for (const name of readdirSync(srcDir).filter((n) => n.endsWith('.ts') && !n.endsWith('.test.ts'))) {
      const { outputText } = ts.transpileModule(readFileSync(join(srcDir, name), 'utf8'), {
        compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: false },
      });
      writeFileSync(join(outDir, name.replace(/\.ts$/, '.js')), outputText);
    }
  }
  writeFileSync(join(workDir, 'package.json'), '{"type":"module"}');
  symlinkSync(join(repoRoot, 'node_modules'), join(workDir, 'node_modules'), 'dir');
  writeFileSync(join(workDir, 'script.js'), script);
  return workDir;
}

export interface ChildResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Starts one `node script.js <args>` per entry of `argsPerProcess`, all at once, and waits for every one. */
export function runConcurrently(workDir: string, argsPerProcess: readonly string[][]): Promise<ChildResult[]> {
  return Promise.all(
    argsPerProcess.map((args) => {
      const child = spawn(process.execPath, [join(workDir, 'script.js'), ...args], { cwd: workDir });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      return new Promise<ChildResult>((done) => child.on('close', (code) => done({ code, stdout, stderr })));
    }),
  );
}
