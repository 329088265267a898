import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CliContext } from '../context.js';
import { CliError, ExitCode } from '../exit-codes.js';

/** `dococr bench`: runs the benchmarks of a source checkout (`npm run bench`); figures go to standard output. */
export async function benchCommand(ctx: CliContext): Promise<number> {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'bench')) || !existsSync(path.join(dir, 'nx.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir)
      throw new CliError('dococr bench runs from a source checkout of dococr (it needs bench/)', ExitCode.Usage);
    dir = parent;
  }
  ctx.stderr.write(`running the benchmarks in ${dir} (npm run bench); this takes several minutes\n`);
  return new Promise((resolve) => {
    const child = spawn('npm', ['run', 'bench'], { cwd: dir, stdio: 'inherit', env: process.env });
    child.once('exit', (code) => resolve(code === 0 ? ExitCode.Ok : ExitCode.Failure));
  });
}
