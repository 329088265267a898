import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeBase64Image, decodeImage, ImageRejectedError, inspectImage, sniffMediaType } from './load-image.js';

const solid = (w: number, h: number) => sharp({ create: { width: w, height: h, channels: 3, background: '#8090a0' } });

async function rejection(p: Promise<unknown>): Promise<ImageRejectedError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ImageRejectedError);
  return err as ImageRejectedError;
}

describe('inspectImage', () => {
  it('accepts a PNG and a JPEG within the limits, judged by content', async () => {
    const png = await solid(640, 480).png().toBuffer();
    const jpg = await solid(480, 640).jpeg().toBuffer();
    await expect(inspectImage(png, 'IdOcrPictureFile')).resolves.toMatchObject({
      mediaType: 'image/png',
      width: 640,
      height: 480,
    });
    await expect(inspectImage(jpg, 'IdOcrPictureFile')).resolves.toMatchObject({
      mediaType: 'image/jpeg',
      width: 480,
      height: 640,
    });
  });

  it('refuses a non-image with InvalidParameter naming the parameter', async () => {
    const err = await rejection(inspectImage(new TextEncoder().encode('%PDF-1.7 not an image'), 'IdOcrPictureBase64'));
    expect(err.code).toBe('InvalidParameter');
    expect(err.message).toMatch(/IdOcrPictureBase64 is not a JPEG or PNG/);
  });

  it('refuses other image formats (GIF) even though they are images', async () => {
    const gif = await solid(300, 300).gif().toBuffer();
    expect((await rejection(inspectImage(gif, 'x'))).code).toBe('InvalidParameter');
  });

  it('refuses images smaller than 200 px or larger than 8192 px on a side', async () => {
    const small = await solid(100, 100).png().toBuffer();
    expect((await rejection(inspectImage(small, 'p'))).message).toMatch(
      /100x100 px; each side must be between 200 and 8192/,
    );
    const edge = await solid(200, 200).png().toBuffer();
    await expect(inspectImage(edge, 'p')).resolves.toMatchObject({ width: 200 });
  });

  it('refuses a decompression bomb from its header alone', async () => {
    // A valid PNG header that claims 50000 x 50000 pixels, followed by almost nothing.
    const png = await solid(300, 300).png().toBuffer();
    const bomb = Buffer.from(png);
    bomb.writeUInt32BE(50_000, 16);
    bomb.writeUInt32BE(50_000, 20);
    const err = await rejection(inspectImage(bomb, 'p'));
    expect(err.code).toBe('InvalidParameter');
  });

  it('refuses images over 1 MB with ToolargeImage', async () => {
    const noise = Buffer.alloc(1200 * 1000 * 3);
    for (let i = 0; i < noise.length; i++) noise[i] = (i * 2654435761) >>> 24;
    const big = await sharp(noise, { raw: { width: 1200, height: 1000, channels: 3 } })
      .png({ compressionLevel: 0 })
      .toBuffer();
    const err = await rejection(inspectImage(big, 'IdOcrPictureFile'));
    expect(err.code).toBe('ToolargeImage');
    expect(err.message).toMatch(/maximum image size is 1048576 bytes/);
  });

  it('refuses a truncated JPEG', async () => {
    const jpg = await solid(640, 480).jpeg().toBuffer();
    const err = await rejection(inspectImage(jpg.subarray(0, 20), 'p'));
    expect(err.code).toBe('InvalidParameter');
  });

  it('reports dimensions after EXIF orientation and decodes upright', async () => {
    const rotated = await solid(640, 300).jpeg().withMetadata({ orientation: 6 }).toBuffer();
    const info = await inspectImage(rotated, 'p');
    expect(info).toMatchObject({ width: 300, height: 640, orientation: 6 });
    const raw = await decodeImage(info);
    expect([raw.width, raw.height]).toEqual([300, 640]);
  });
});

describe('decodeBase64Image and sniffMediaType', () => {
  it('accepts plain and data-URL base64 and refuses garbage', async () => {
    const png = await solid(210, 210).png().toBuffer();
    expect(sniffMediaType(decodeBase64Image(png.toString('base64')))).toBe('image/png');
    expect(sniffMediaType(decodeBase64Image(`data:image/png;base64,${png.toString('base64')}`))).toBe('image/png');
    expect(() => decodeBase64Image('not base64 at all!')).toThrow(/not valid base64/);
  });
});
