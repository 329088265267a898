/** The JPEG standard's luminance quantisation table (Annex K), in natural (row-major) order. */
const STANDARD_LUMINANCE = [
  16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56, 14, 17, 22, 29, 51,
  87, 80, 62, 18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92, 49, 64, 78, 87, 103, 121, 120, 101,
  72, 92, 95, 98, 112, 100, 103, 99,
];

/** Natural-order index of each zig-zag position: DQT segments store tables in zig-zag order. */
const ZIGZAG = [
  0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21, 28,
  35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47,
  55, 62, 63,
];

/**
 * Estimates the quality setting (1..100, libjpeg's scale) a JPEG was saved with, from its luminance quantisation
 * table: the median ratio of the file's table to the standard one gives libjpeg's scaling factor. Encoders with
 * their own tables (phone cameras) land near the libjpeg quality of similar coarseness. Undefined when the bytes
 * are not a JPEG or hold no luminance table.
 */
export function estimateJpegQuality(bytes: Uint8Array): number | undefined {
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) return undefined;
  let pos = 2;
  while (pos + 4 <= bytes.length) {
    if (bytes[pos] !== 0xff) return undefined;
    const marker = bytes[pos + 1]!;
    if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01 || marker === 0xff) {
      pos += marker === 0xff ? 1 : 2;
      continue;
    }
    if (marker === 0xda || marker === 0xd9) return undefined;
    const length = (bytes[pos + 2]! << 8) | bytes[pos + 3]!;
    if (marker === 0xdb) {
      let p = pos + 4;
      const end = Math.min(bytes.length, pos + 2 + length);
      while (p < end) {
        const precision = bytes[p]! >> 4;
        const id = bytes[p]! & 15;
        const size = precision ? 128 : 64;
        if (p + 1 + size > end) return undefined;
        if (id === 0) {
          const table = new Array<number>(64);
          for (let k = 0; k < 64; k++) {
            table[ZIGZAG[k]!] = precision ? (bytes[p + 1 + 2 * k]! << 8) | bytes[p + 2 + 2 * k]! : bytes[p + 1 + k]!;
          }
          return qualityFromTable(table);
        }
        p += 1 + size;
      }
    }
    pos += 2 + length;
  }
  return undefined;
}

function qualityFromTable(table: number[]): number {
  const scales = table
    .map((t, k) => ({ t, s: (100 * t) / STANDARD_LUMINANCE[k]! }))
    .filter(({ t }) => t > 1 && t < 255)
    .map(({ s }) => s)
    .sort((a, b) => a - b);
  // Every entry clamped at 1 means quality 100 (or near it).
  if (scales.length === 0) return 100;
  const scale = scales[Math.floor(scales.length / 2)]!;
  const quality = scale <= 100 ? (200 - scale) / 2 : 5000 / scale;
  return Math.max(1, Math.min(100, Math.round(quality)));
}
