/** A stored image: the bytes stay in the blob store; only this reference enters workflow history. */
export interface ImageRef {
  sha256: string;
  size: number;
  mediaType: string;
  /** Blob-store key. */
  key: string;
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

/** Reads image bytes by reference; the blob store implements it. */
export interface ImageReader {
  read(ref: ImageRef): Promise<Uint8Array>;
}
