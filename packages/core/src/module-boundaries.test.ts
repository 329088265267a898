import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// The workspace's lint configuration enforces the dependency direction between packages; this proves it does.
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const eslint = new ESLint({ cwd: repoRoot });

async function boundaryErrors(file: string, specifier: string): Promise<string[]> {
  const [result] = await eslint.lintText(`import { x } from '${specifier}';\nexport const y = x;\n`, {
    filePath: path.join(repoRoot, file),
  });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('module boundaries', () => {
  it.each([
    ['packages/core/src/x.ts', '@dococr/engine'],
    ['packages/engine/src/x.ts', '@dococr/temporal-activities'],
    ['packages/engine/src/x.ts', '@dococr/specimens'],
    ['packages/specimens/src/x.ts', '@dococr/engine'],
    ['packages/temporal-activities/src/x.ts', '@dococr/orchestrator'],
    ['apps/orchestrator/src/x.ts', '@dococr/cli'],
    ['apps/gateway/src/x.ts', '@dococr/orchestrator'],
    ['apps/gateway/src/x.ts', '@dococr/engine'],
    ['apps/orchestrator/src/x.ts', '@dococr/gateway'],
    ['packages/temporal-activities/src/x.ts', '@dococr/gateway'],
    ['apps/gateway/src/x.ts', '@dococr/cli'],
    ['packages/engine/src/x.ts', '../../core/src/index.js'],
  ])('%s may not import %s', async (file, specifier) => {
    expect(await boundaryErrors(file, specifier)).toEqual([expect.stringMatching(/module boundary/)]);
  });

  it.each([
    ['packages/engine/src/x.ts', '@dococr/core'],
    ['packages/temporal-activities/src/x.ts', '@dococr/engine'],
    ['apps/orchestrator/src/x.ts', '@dococr/temporal-activities'],
    ['apps/gateway/src/x.ts', '@dococr/core'],
    ['packages/cli/src/x.ts', '@dococr/orchestrator'],
    ['packages/cli/src/x.ts', '@dococr/gateway'],
    ['packages/specimens/src/x.ts', '@dococr/core'],
  ])('%s may import %s', async (file, specifier) => {
    expect(await boundaryErrors(file, specifier)).toEqual([]);
  });
});
