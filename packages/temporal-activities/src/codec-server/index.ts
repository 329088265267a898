export { auditCodecAccess, type CodecAccessAuditOptions } from './codec-access-audit.js';
export {
  bearerTokenAuthorizer,
  createCodecHandler,
  pathTokenAuthorizer,
  startCodecServer,
  type CodecAccess,
  type CodecHandlerOptions,
  type CodecOperation,
  type CodecRequestHandler,
  type CodecServerOptions,
  type RunningCodecServer,
} from './codec-handler.js';
