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

/** The image-free part of a DocOcrV2 request, as it travels through workflow history. */
export interface DocOcrRequestParams {
  productCode: string;
  sceneCode?: string | undefined;
  merchantBizId: string;
  /** A salted hash of MerchantUserId, never the clear value. */
  merchantUserHash: string;
  docType: string;
  ocr: 'T' | 'F';
  idFaceQuality: 'T' | 'F';
  spoof: 'T' | 'F';
  idThreshold: '0' | '1' | '2' | '3';
  cardSide?: 'OCR_ID_FACE' | 'OCR_ID_NATIONAL_EMBLEM' | undefined;
}
