export { createGateway, DOC_OCR_ACTION, DOC_OCR_VERSION, type CreateGatewayOptions } from './gateway.js';
export { startGateway, type RunningGateway } from './start-gateway.js';
export type { GatewayImage, RunDocOcr, RunDocOcrContext } from './run-doc-ocr.js';
export { temporalRunDocOcr, type TemporalRunDocOcrOptions } from './temporal-run-doc-ocr.js';
export {
  gatewayConfigFromEnv,
  gatewayConfigSchema,
  parseAccessKeys,
  type GatewayConfig,
  type GatewayConfigInput,
} from './config.js';
export { deriveCodecToken } from './authenticate.js';
export type { PayloadCodec } from './codec-endpoint.js';
