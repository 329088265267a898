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
const wall = [];
const cpu = [];
for (let r = 0; r < rounds; r++) {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  await generate({ seed: `bench-${r}`, count: perRound });
  const c = process.cpuUsage(c0);
  wall.push((perRound * 1000) / (performance.now() - t0));
  // CPU time of this process (JS thread + the one libvips/libuv worker): unaffected by other load on the machine.
  cpu.push((perRound * 1e6) / (c.user + c.system));
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (xs) => xs.map((x) => x.toFixed(1)).join(', ');
console.log(`command: UV_THREADPOOL_SIZE=1 node bench/specimens.mjs ${rounds} ${perRound}`);
console.log(
  `machine: ${os.cpus()[0]?.model ?? 'unknown cpu'}, ${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(1)}, node ${process.version}`,
);
console.log(`wall-clock rounds: ${fmt(wall)} docs/s; per CPU-second rounds: ${fmt(cpu)} docs/s`);
console.log(
  `median: ${median(cpu).toFixed(1)} docs per CPU-second (one core), ${median(wall).toFixed(1)} docs/s wall-clock, 640x480, ${perRound} mixed documents per round`,
);
