// Specimen generation speed, one core: median documents per second over several rounds of an unfiltered mix
// (every DocType and side, clean captures, conditions and spoofs in the fixed proportions of MIX_PLAN), 640x480.
// Run: npx nx run @dococr/specimens:build && UV_THREADPOOL_SIZE=1 node bench/specimens.mjs [rounds] [docsPerRound]
import os from 'node:os';
import sharp from 'sharp';
import { generate, MIX_PLAN } from '@dococr/specimens';

// One libvips thread and (with UV_THREADPOOL_SIZE=1) one libuv worker: the figure is per core.
sharp.concurrency(1);
const rounds = Number(process.argv[2] ?? 5);
const perRound = Number(process.argv[3] ?? MIX_PLAN.length);

await generate({ seed: 'bench-warmup', count: 9 });
const rates = [];
for (let r = 0; r < rounds; r++) {
  const t0 = performance.now();
  await generate({ seed: `bench-${r}`, count: perRound });
  rates.push((perRound * 1000) / (performance.now() - t0));
}
rates.sort((a, b) => a - b);
const median = rates[Math.floor(rates.length / 2)];
console.log(`command: UV_THREADPOOL_SIZE=1 node bench/specimens.mjs ${rounds} ${perRound}`);
console.log(`machine: ${os.cpus()[0]?.model ?? 'unknown cpu'}, ${os.cpus().length} cores, node ${process.version}`);
console.log(`rounds: ${rates.map((x) => x.toFixed(1)).join(', ')} docs/s`);
console.log(`median: ${median.toFixed(1)} docs/s per core at 640x480 (${perRound} mixed documents per round)`);
