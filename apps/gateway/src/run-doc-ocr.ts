import type { DocOcrV2Request, DocOcrV2Response } from '@dococr/core';

/** Where the picture came from and its bytes; the gateway has already decoded or downloaded it. */
export interface GatewayImage {
  bytes: Uint8Array;
  /** The API parameter that carried it: `IdOcrPictureBase64` or `IdOcrPictureUrl`. */
  parameter: 'IdOcrPictureBase64' | 'IdOcrPictureUrl';
  /** The Content-Type the URL's server sent, if any (the bytes still need checking by content). */
  contentType?: string;
}

export interface RunDocOcrContext {
  /** The RequestId of this HTTP call; the success body is answered with it. */
  requestId: string;
  /** The authenticated access key id. */
  accessKeyId: string;
  image: GatewayImage;
  /** Aborted when the client disconnects. A durable workflow may go on; it is only the wait that ends. */
  signal: AbortSignal;
}

/**
 * Runs one validated request. `request.idOcrPictureFile` holds the picture's bytes (the same as `ctx.image.bytes`);
 * IdOcrPictureBase64 and IdOcrPictureUrl are removed, so nothing downstream fetches a URL or decodes base64 again.
 * Resolve with the success body; throw a DocOcrError (see `isDocOcrError`) for an API error, anything else is
 * answered as InternalError.
 */
export type RunDocOcr = (request: DocOcrV2Request, ctx: RunDocOcrContext) => Promise<DocOcrV2Response>;
