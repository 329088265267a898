#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { pino } from 'pino';
import { gatewayConfigFromEnv } from './config.js';
import { startGateway } from './start-gateway.js';
import { temporalRunDocOcr } from './temporal-run-doc-ocr.js';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { port: { type: 'string' }, host: { type: 'string' } } });
  const env = { ...process.env };
  if (values.port !== undefined) env.DOCOCR_GATEWAY_PORT = values.port;
  if (values.host !== undefined) env.DOCOCR_GATEWAY_HOST = values.host;
  const config = gatewayConfigFromEnv(env);
  const logger = pino({ level: config.logLevel, base: { service: 'dococr-gateway' } });

  const connection = await Connection.connect({ address: config.temporal.address });
  const client = new Client({ connection, namespace: config.temporal.namespace });
  const gateway = await startGateway({
    config,
    logger,
    runDocOcr: temporalRunDocOcr({ client, taskQueue: config.temporal.taskQueue }),
    ready: async () => {
      await connection.workflowService.getSystemInfo({});
      return true;
    },
  });
  logger.info({ accessKeys: Object.keys(config.accessKeys) }, 'access keys loaded');

  const stop = async () => {
    await gateway.close();
    await connection.close();
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
