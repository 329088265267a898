import { createHash } from 'node:crypto';
import sharp, { type Metadata, type OutputInfo } from 'sharp';

/** The spec's image requirements (DocOcrV2: JPG/JPEG/PNG, 200..8192 px per side, at most 1 MB). */
export const IMAGE_LIMITS = {
  minSide: 200,
  maxSide: 8192,
  maxBytes: 1_048_576,
} as const;

export type ImageMediaType = 'image/jpeg' | 'image/png';

/** Why an image was refused; `parameter` is the request parameter the image came from. */
export type ImageProblem =
  | { code: 'InvalidParameter'; parameter: string; message: string }
  | { code: 'ToolargeImage'; parameter: string; message: string };

export class ImageRejectedError extends Error {
  override readonly name = 'ImageRejectedError';
  readonly retryable = false;
  constructor(readonly problem: ImageProblem) {
    super(problem.message);
  }
  get code(): ImageProblem['code'] {
    return this.problem.code;
  }
}

export interface LoadedImage {
  bytes: Uint8Array;
  mediaType: ImageMediaType;
  sha256: string;
  size: number;
  /** Width and height as displayed, after EXIF orientation. */
  width: number;
  height: number;
  /** EXIF orientation tag (1..8), 1 when absent. */
  orientation: number;
}

export interface ImageLimits {
  minSide: number;
  maxSide: number;
  maxBytes: number;
}

/** Media type from the first bytes: the file name and the declared type are never trusted. */
export function sniffMediaType(bytes: Uint8Array): ImageMediaType | undefined {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  const png = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (bytes.length >= 8 && png.every((b, i) => bytes[i] === b)) return 'image/png';
  return undefined;
}

/** Decodes a base64 image parameter (plain or a `data:` URL); refuses anything that is not base64. */
export function decodeBase64Image(value: string, parameter = 'IdOcrPictureBase64'): Uint8Array {
  const comma = value.startsWith('data:') ? value.indexOf(',') : -1;
  const body = (comma >= 0 ? value.slice(comma + 1) : value).replace(/\s+/g, '');
  if (body.length === 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(body) || body.length % 4 === 1) {
    throw new ImageRejectedError({ code: 'InvalidParameter', parameter, message: `${parameter} is not valid base64` });
  }
  return new Uint8Array(Buffer.from(body, 'base64'));
}

/**
 * Whether the file ends where its own structure says it does, read from markers and chunk lengths without decoding:
 * a PNG's chunks run to IEND inside the bytes; a JPEG's segments reach the main image's scan and an end-of-image
 * marker follows it (entropy-coded data cannot hold FF D9, and an EXIF thumbnail's markers sit inside a skipped APP1).
 * sharp decodes a truncated file as a grey-padded picture, which would reach OCR as a "document not found" instead
 * of the damaged file it is.
 */
function isStructurallyComplete(bytes: Uint8Array, mediaType: ImageMediaType): boolean {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (mediaType === 'image/png') {
    for (let at = 8; at + 12 <= bytes.length;) {
      const length = view.getUint32(at);
      const type = String.fromCharCode(bytes[at + 4]!, bytes[at + 5]!, bytes[at + 6]!, bytes[at + 7]!);
      at += 12 + length;
      if (at > bytes.length) return false;
      if (type === 'IEND') return true;
    }
    return false;
  }
  for (let at = 2; at + 4 <= bytes.length;) {
    if (bytes[at] !== 0xff) return false;
    const marker = bytes[at + 1]!;
    if (marker === 0xff) {
      at += 1; // fill byte
    } else if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      at += 2;
    } else if (marker === 0xd9 || marker === 0xd8) {
      return false;
    } else if (marker === 0xda) {
      for (let i = bytes.length - 2; i > at; i--) if (bytes[i] === 0xff && bytes[i + 1] === 0xd9) return true;
      return false;
    } else {
      at += 2 + view.getUint16(at + 2);
    }
  }
  return false;
}

/**
 * Checks an image against the spec's requirements and returns what it is. Only the header and the file's
 * structure are read (sharp reads dimensions without decoding pixels), so a decompression bomb is refused before
 * any pixel is decoded, and a truncated file is refused as damaged.
 */
export async function inspectImage(
  bytes: Uint8Array,
  parameter: string,
  limits: ImageLimits = IMAGE_LIMITS,
): Promise<LoadedImage> {
  if (bytes.length > limits.maxBytes) {
    throw new ImageRejectedError({
      code: 'ToolargeImage',
      parameter,
      message: `${parameter} is ${bytes.length} bytes; the maximum image size is ${limits.maxBytes} bytes (1 MB)`,
    });
  }
  const mediaType = sniffMediaType(bytes);
  if (!mediaType) {
    throw new ImageRejectedError({
      code: 'InvalidParameter',
      parameter,
      message: `${parameter} is not a JPEG or PNG image (judged by its content); supported formats are JPG, JPEG and PNG`,
    });
  }
  let meta: Metadata;
  try {
    if (!isStructurallyComplete(bytes, mediaType)) throw new Error('truncated');
    meta = await sharp(bytes, { failOn: 'none', limitInputPixels: false }).metadata();
  } catch {
    throw new ImageRejectedError({
      code: 'InvalidParameter',
      parameter,
      message: `${parameter} could not be read as ${mediaType === 'image/png' ? 'PNG' : 'JPEG'}: the file is damaged or truncated`,
    });
  }
  const orientation = meta.orientation ?? 1;
  const rawW = meta.width ?? 0;
  const rawH = meta.height ?? 0;
  const [width, height] = orientation >= 5 && orientation <= 8 ? [rawH, rawW] : [rawW, rawH];
  const smallest = Math.min(width, height);
  const largest = Math.max(width, height);
  if (smallest < limits.minSide || largest > limits.maxSide) {
    throw new ImageRejectedError({
      code: 'InvalidParameter',
      parameter,
      message: `${parameter} is ${width}x${height} px; each side must be between ${limits.minSide} and ${limits.maxSide} px`,
    });
  }
  return {
    bytes,
    mediaType,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    size: bytes.length,
    width,
    height,
    orientation,
  };
}

/**
 * Decodes a checked image to raw RGB pixels with the EXIF orientation applied. `maxSide` downsizes large
 * photos before any analysis (aspect ratio kept). Pixel data that cannot be decoded (a header that reads but a
 * corrupt stream, which {@link inspectImage} cannot see without decoding) is an `ImageRejectedError`: the same
 * bytes fail the same way on every retry.
 */
export async function decodeImage(
  image: Pick<LoadedImage, 'bytes'>,
  options: { maxSide?: number; parameter?: string } = {},
): Promise<{ data: Buffer; width: number; height: number; channels: 3 }> {
  let pipeline = sharp(image.bytes, { failOn: 'none' }).rotate().removeAlpha().toColourspace('srgb');
  if (options.maxSide) {
    pipeline = pipeline.resize({
      width: options.maxSide,
      height: options.maxSide,
      fit: 'inside',
      withoutEnlargement: true,
    });
  }
  let decoded: { data: Buffer; info: OutputInfo };
  try {
    decoded = await pipeline.raw().toBuffer({ resolveWithObject: true });
  } catch {
    const parameter = options.parameter ?? 'the image';
    throw new ImageRejectedError({
      code: 'InvalidParameter',
      parameter,
      message: `${parameter} could not be decoded: the image data is damaged`,
    });
  }
  return { data: decoded.data, width: decoded.info.width, height: decoded.info.height, channels: 3 };
}
