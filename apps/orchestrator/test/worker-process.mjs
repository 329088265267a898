// A dococr worker in its own process, for tests that kill it: node worker-process.mjs <address> <dataDir> <taskQueue> <ocrTaskQueue>
// Runs the built orchestrator (dist), as `dococr worker` would, against a dev server the test started.
const { createLogger, openLocalServices, orchestratorConfigFromEnv, startStack } = await import(
  new URL('../dist/index.js', import.meta.url).href
);

const [address, dataDir, taskQueue, ocrTaskQueue] = process.argv.slice(2);
const config = orchestratorConfigFromEnv({}, { dataDir, temporalAddress: address });
const services = openLocalServices(config);
await startStack({
  config,
  logger: createLogger({ level: 'warn', pretty: false }),
  blobs: services.blobs,
  audit: services.audit,
  hashUserId: services.hashUserId,
  dataConverter: services.dataConverter,
  taskQueue,
  ocrTaskQueue,
});
process.stdout.write('worker ready\n');
