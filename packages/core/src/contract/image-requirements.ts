import { ImageTooLargeError } from './errors.js';

export type ImageFormat = 'jpeg' | 'png';

export interface ImageRequirements {
  /** Accepted encodings (the API lists JPG, JPEG and PNG; JPG and JPEG are the same format). */
  readonly formats: readonly ImageFormat[];
  /** Smallest accepted width or height, in pixels. */
  readonly minSide: number;
  /** Largest accepted width or height, in pixels. */
  readonly maxSide: number;
  /** Largest accepted image file (the API's "maximum size is 1 MB"). */
  readonly maxBytes: number;
  /** Largest accepted IdOcrPictureBase64 string (the API's 10 MB data transfer limit). */
  readonly maxBase64Chars: number;
}

/**
 * The API's image requirements. The request schema enforces only the transfer limit (`maxBase64Chars`), because the
 * API itself says a base64 picture of up to about 6 MB fits in it; the decoded-size, format and dimension limits are
 * checked where the image is decoded ({@link imageRequirementViolations}).
 */
export const IMAGE_REQUIREMENTS: ImageRequirements = Object.freeze({
  formats: Object.freeze(['jpeg', 'png'] as const),
  minSide: 200,
  maxSide: 8192,
  maxBytes: 1_048_576,
  maxBase64Chars: 10 * 1024 * 1024,
});

export interface ImageFacts {
  byteLength: number;
  format?: string;
  width?: number;
  height?: number;
}

export interface ImageRequirementViolation {
  requirement: 'format' | 'maxBytes' | 'minSide' | 'maxSide';
  message: string;
}

/** Every requirement of {@link IMAGE_REQUIREMENTS} the image breaks; empty when it meets them all. */
export function imageRequirementViolations(
  image: ImageFacts,
  requirements: ImageRequirements = IMAGE_REQUIREMENTS,
): ImageRequirementViolation[] {
  const violations: ImageRequirementViolation[] = [];
  if (image.format !== undefined && !(requirements.formats as readonly string[]).includes(image.format)) {
    violations.push({
      requirement: 'format',
      message: `format ${image.format} is not one of ${requirements.formats.join(', ')}`,
    });
  }
  if (image.byteLength > requirements.maxBytes) {
    violations.push({
      requirement: 'maxBytes',
      message: `image is ${image.byteLength} bytes, more than ${requirements.maxBytes}`,
    });
  }
  const sides = [image.width, image.height].filter((side): side is number => side !== undefined);
  if (sides.some((side) => side < requirements.minSide)) {
    violations.push({ requirement: 'minSide', message: `a side is shorter than ${requirements.minSide} pixels` });
  }
  if (sides.some((side) => side > requirements.maxSide)) {
    violations.push({ requirement: 'maxSide', message: `a side is longer than ${requirements.maxSide} pixels` });
  }
  return violations;
}

/** Throws {@link ImageTooLargeError} when an image file exceeds `maxBytes`. */
export function assertImageSize(byteLength: number, requirements: ImageRequirements = IMAGE_REQUIREMENTS): void {
  if (byteLength > requirements.maxBytes) {
    throw new ImageTooLargeError(`The image is ${byteLength} bytes; the maximum is ${requirements.maxBytes}.`);
  }
}
