/**
 * The hostile-file corpus of the Proofs issue, generated from the repository's samples on each run (nothing binary is
 * committed): damaged, disguised and oversized files that must be refused with a clear API error, and legitimate but
 * unusual encodings (CMYK, 16-bit, EXIF-rotated, animated) that must be read like any other photo.
 */
import { readFileSync } from 'node:fs';
import { crc32 } from 'node:zlib';
import sharp from 'sharp';
import { SAMPLES_DIR } from './stack-fixture.js';

export interface HostileFile {
  name: string;
  bytes: Buffer;
  /** A refusal: the API code and what the message must say. Absent: a legitimate image, read as usual. */
  refused?: { code: 'InvalidParameter' | 'ToolargeImage'; message: RegExp };
  /** A valid image with no document on it: answered, with this SubCode. */
  subCode?: '213';
}

function pngChunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

function pngChunks(png: Buffer): Array<{ type: string; data: Buffer }> {
  const out: Array<{ type: string; data: Buffer }> = [];
  for (let at = 8; at + 12 <= png.length;) {
    const length = png.readUInt32BE(at);
    out.push({ type: png.toString('latin1', at + 4, at + 8), data: png.subarray(at + 8, at + 8 + length) });
    at += 12 + length;
  }
  return out;
}

/**
 * An animated PNG (APNG): the still image is the first frame, and a second frame follows in fdAT chunks. Decoders
 * without APNG support, and the DocOcrV2 API, see the first frame.
 */
export function animatedPng(png: Buffer): Buffer {
  const chunks = pngChunks(png);
  const ihdr = chunks.find((c) => c.type === 'IHDR')!.data;
  const idat = Buffer.concat(chunks.filter((c) => c.type === 'IDAT').map((c) => c.data));
  const u32 = (...values: number[]) => Buffer.concat(values.map((v) => Buffer.from([v >>> 24, v >>> 16, v >>> 8, v])));
  const frameControl = (sequence: number) =>
    Buffer.concat([u32(sequence, ihdr.readUInt32BE(0), ihdr.readUInt32BE(4), 0, 0), Buffer.from([0, 1, 0, 10, 0, 0])]);
  return Buffer.concat([
    png.subarray(0, 8),
    pngChunk('IHDR', ihdr),
    pngChunk('acTL', u32(2, 0)),
    pngChunk('fcTL', frameControl(0)),
    pngChunk('IDAT', idat),
    pngChunk('fcTL', frameControl(1)),
    pngChunk('fdAT', Buffer.concat([u32(2), idat])),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A PNG whose header reads but whose compressed pixel data is corrupt (one bit flipped where decoding fails). */
async function corruptPixelPng(interlaced: Buffer): Promise<Buffer> {
  for (let at = 200; at < interlaced.length; at += 97) {
    const bytes = Buffer.from(interlaced);
    bytes[at]! ^= 1;
    const decodes = await sharp(bytes, { failOn: 'none' })
      .raw()
      .toBuffer()
      .then(
        () => true,
        () => false,
      );
    const readsHeader = await sharp(bytes)
      .metadata()
      .then(
        () => true,
        () => false,
      );
    if (readsHeader && !decodes) return bytes;
  }
  throw new Error('no single bit flip broke the pixel data');
}

/** The sample every legitimate variant is made from, with its ground truth. */
export const PASSPORT = 'passport-td3.png';

export async function hostileFiles(): Promise<HostileFile[]> {
  const png = readFileSync(`${SAMPLES_DIR}${PASSPORT}`);
  const photo = sharp(png);
  const jpeg = await photo.clone().jpeg({ quality: 92 }).toBuffer();
  const damaged = { code: 'InvalidParameter', message: /damaged or truncated/ } as const;
  const notAnImage = { code: 'InvalidParameter', message: /not a JPEG or PNG image/ } as const;

  const bomb = Buffer.from(png);
  bomb.writeUInt32BE(50_000, 16);
  bomb.writeUInt32BE(50_000, 20);
  const wrongMagic = Buffer.from(jpeg);
  wrongMagic[2] = 0x00;

  return [
    {
      name: 'truncated JPEG (cut in the scan data)',
      bytes: jpeg.subarray(0, Math.floor(jpeg.length * 0.6)),
      refused: damaged,
    },
    {
      name: 'truncated PNG (cut in the IDAT chunks)',
      bytes: png.subarray(0, Math.floor(png.length * 0.6)),
      refused: damaged,
    },
    { name: 'JPEG cut inside its header', bytes: jpeg.subarray(0, 40), refused: damaged },
    { name: 'wrong magic bytes (JPEG with FF D8 00)', bytes: wrongMagic, refused: notAnImage },
    {
      name: 'GIF (a real image, not an accepted format)',
      bytes: await photo.clone().gif().toBuffer(),
      refused: notAnImage,
    },
    {
      name: 'PDF header',
      bytes: Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n', 'latin1'),
      refused: notAnImage,
    },
    {
      name: 'decompression bomb (PNG header claiming 50,000 x 50,000 pixels)',
      bytes: bomb,
      refused: { code: 'InvalidParameter', message: /50000x50000 px; each side must be between 200 and 8192 px/ },
    },
    {
      name: 'PNG with corrupt pixel data behind a valid header',
      bytes: await corruptPixelPng(await photo.clone().png({ progressive: true }).toBuffer()),
      refused: { code: 'InvalidParameter', message: /could not be decoded: the image data is damaged/ },
    },
    { name: 'CMYK JPEG', bytes: await photo.clone().toColourspace('cmyk').jpeg({ quality: 92 }).toBuffer() },
    { name: '16-bit PNG', bytes: await photo.clone().toColourspace('rgb16').png().toBuffer() },
    // Stored sideways; only the EXIF orientation makes the document upright (6: turn 90 clockwise, 8: anticlockwise).
    {
      name: 'EXIF orientation 6 (pixels stored turned anticlockwise)',
      bytes: await sharp(await photo.clone().rotate(270).toBuffer())
        .jpeg({ quality: 92 })
        .withMetadata({ orientation: 6 })
        .toBuffer(),
    },
    {
      name: 'EXIF orientation 8 (pixels stored turned clockwise)',
      bytes: await sharp(await photo.clone().rotate(90).toBuffer())
        .jpeg({ quality: 92 })
        .withMetadata({ orientation: 8 })
        .toBuffer(),
    },
    // Orientation tags that lie: upright pixels shown sideways (6) or upside down (3); the engine turns the card back.
    {
      name: 'EXIF orientation 6 on upright pixels',
      bytes: await photo.clone().jpeg({ quality: 92 }).withMetadata({ orientation: 6 }).toBuffer(),
    },
    {
      name: 'EXIF orientation 3 on upright pixels',
      bytes: await photo.clone().jpeg({ quality: 92 }).withMetadata({ orientation: 3 }).toBuffer(),
    },
    { name: 'animated PNG (two frames)', bytes: animatedPng(png) },
    // Within every limit (8192 x 8192, 196 kB) yet 200 MB of pixels: decoded scaled down, answered "no document".
    {
      name: 'pixel bomb within the limits (8192 x 8192 black PNG)',
      bytes: await sharp({ create: { width: 8192, height: 8192, channels: 3, background: '#000' } })
        .png({ compressionLevel: 9 })
        .toBuffer(),
      subCode: '213',
    },
  ];
}
