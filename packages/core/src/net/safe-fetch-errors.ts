import { DocOcrError, ErrorCode, InvalidParameterError, type DocOcrErrorOptions } from '../contract/errors.js';

/**
 * The image URL could not be fetched in time, or the connection failed before an answer: the API's DownloadTimeout,
 * retryable because the same URL may answer next time.
 */
export class DownloadTimeoutError extends DocOcrError {
  constructor(message: string, options?: DocOcrErrorOptions) {
    super(ErrorCode.DownloadTimeout, message, options);
  }
}

/**
 * The download was larger than allowed (by Content-Length or while streaming). An InvalidParameter, with the limit
 * kept so a caller can answer with its own code (the gateway answers ToolargeImage, as for an oversized base64 image).
 */
export class ResponseTooLargeError extends InvalidParameterError {
  readonly maxBytes: number;

  constructor(parameter: string, maxBytes: number, options?: DocOcrErrorOptions) {
    super(parameter, `the image is larger than ${maxBytes} bytes.`, options);
    this.maxBytes = maxBytes;
  }
}
