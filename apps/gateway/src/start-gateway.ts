import type { FastifyInstance } from 'fastify';
import { createGateway, type CreateGatewayOptions } from './gateway.js';

export interface RunningGateway {
  app: FastifyInstance;
  /** `http://host:port` as bound (the real port when config.port is 0). */
  url: string;
  close(): Promise<void>;
}

/** Creates the gateway and listens on `config.host:config.port` (127.0.0.1:8080 unless configured otherwise). */
export async function startGateway(options: CreateGatewayOptions): Promise<RunningGateway> {
  const app = createGateway(options);
  await app.listen({ host: options.config.host, port: options.config.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : options.config.port;
  const host = options.config.host.includes(':') ? `[${options.config.host}]` : options.config.host;
  const url = `http://${host}:${port}`;
  options.logger.info({ url }, 'gateway listening');
  return { app, url, close: () => app.close() };
}
