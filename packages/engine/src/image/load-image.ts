import { createHash } from 'node:crypto';
import sharp, { type Metadata } from 'sharp';

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
 * Checks an image against the spec's requirements and returns what it is. Only the header is parsed
 * (sharp reads dimensions without decoding pixels), so a decompression bomb is refused before any pixel
 * is decoded.
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
 * photos before any analysis (aspect ratio kept).
 */
export async function decodeImage(
  image: Pick<LoadedImage, 'bytes'>,
  options: { maxSide?: number } = {},
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
  const { data, info } = await pipeline.raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: 3 };
}
