import type { BlobRef, BlobStore } from '../blob-store/index.js';

/** A stored image: the bytes stay in the blob store; only this reference enters workflow history. */
export interface ImageRef extends BlobRef {
  /** The request parameter the image came from, for error messages (`IdOcrPictureBase64`, ...). */
  parameter: string;
}

/** What the image check found; no pixels, no PII. */
export interface ImageFacts {
  sha256: string;
  size: number;
  mediaType: 'image/jpeg' | 'image/png';
  width: number;
  height: number;
  orientation: number;
}

/** The part of the blob store the activities read images through. */
export type ImageReader = Pick<BlobStore, 'get'>;
