import { describe, expect, it } from 'vitest';
import { ImageTooLargeError } from './errors.js';
import { IMAGE_REQUIREMENTS, assertImageSize, imageRequirementViolations } from './image-requirements.js';

describe('IMAGE_REQUIREMENTS', () => {
  it("are the API's limits", () => {
    expect(IMAGE_REQUIREMENTS).toEqual({
      formats: ['jpeg', 'png'],
      minSide: 200,
      maxSide: 8192,
      maxBytes: 1_048_576,
      maxBase64Chars: 10_485_760,
    });
    expect(Object.isFrozen(IMAGE_REQUIREMENTS)).toBe(true);
  });
});

describe('imageRequirementViolations', () => {
  it('is empty for an image within every limit, at the edges', () => {
    expect(imageRequirementViolations({ byteLength: 1_048_576, format: 'png', width: 200, height: 8192 })).toEqual([]);
  });
  it('names each broken requirement', () => {
    const names = (facts: Parameters<typeof imageRequirementViolations>[0]) =>
      imageRequirementViolations(facts).map((v) => v.requirement);
    expect(names({ byteLength: 10, format: 'gif' })).toEqual(['format']);
    expect(names({ byteLength: 1_048_577 })).toEqual(['maxBytes']);
    expect(names({ byteLength: 10, width: 199, height: 640 })).toEqual(['minSide']);
    expect(names({ byteLength: 10, width: 480, height: 8193 })).toEqual(['maxSide']);
  });
});

describe('assertImageSize', () => {
  it('throws ImageTooLargeError above maxBytes only', () => {
    expect(() => assertImageSize(1_048_576)).not.toThrow();
    expect(() => assertImageSize(1_048_577)).toThrow(ImageTooLargeError);
  });
});
