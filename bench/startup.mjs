// Start-up costs, each against a baseline measured in the same run (an empty `node` process), as medians of
// several runs: `import('@dococr/core')` (target: under 200 ms) and `dococr --help` (target: under 300 ms).
// Run: npm run build && node bench/startup.mjs [runs]
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';

const runs = Number(process.argv[2] ?? 15);
const root = fileURLToPath(new URL('..', import.meta.url));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function timeNode(args) {
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    execFileSync(process.execPath, args, { cwd: root, stdio: 'ignore' });
    samples.push(performance.now() - t0);
  }
  return median(samples);
}

const baseline = timeNode(['-e', '']);
const core = timeNode(['--input-type=module', '-e', "await import('@dococr/core')"]);
const help = timeNode([`${root}/packages/cli/dist/bin.js`, '--help']);
// In-process import time of core alone, without process start-up.
const inProcess = [];
for (let i = 0; i < Math.min(runs, 7); i++) {
  const out = execFileSync(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      "const t=performance.now(); await import('@dococr/core'); console.log(performance.now()-t)",
    ],
    { cwd: root, encoding: 'utf8' },
  );
  inProcess.push(Number(out.trim()));
}

console.log(`command: node bench/startup.mjs ${runs}`);
console.log(
  `machine: ${os.cpus()[0]?.model ?? 'unknown'}, ${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(1)}, node ${process.version}`,
);
console.log('| what | median wall ms | minus empty node | ratio to empty node |');
console.log('|---|---|---|---|');
console.log(`| empty \`node -e ''\` (baseline) | ${baseline.toFixed(0)} | 0 | 1.00 |`);
console.log(
  `| \`import('@dococr/core')\` (process) | ${core.toFixed(0)} | ${(core - baseline).toFixed(0)} | ${(core / baseline).toFixed(2)} |`,
);
console.log(`| \`import('@dococr/core')\` (in-process, import only) | ${median(inProcess).toFixed(0)} | | |`);
console.log(
  `| \`dococr --help\` | ${help.toFixed(0)} | ${(help - baseline).toFixed(0)} | ${(help / baseline).toFixed(2)} |`,
);
