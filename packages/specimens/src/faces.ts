import { readdirSync, readFileSync } from 'node:fs';
import sharp from 'sharp';

/** Portrait source: a real face photo (index into the shipped crops) or a faceless silhouette control. */
export type PortraitSource = { kind: 'face'; index: number } | { kind: 'silhouette' };

const FACES_DIR = new URL('../assets/faces/', import.meta.url);

let faceFiles: Buffer[] | undefined;

/** The face crops shipped in assets/faces (see FACES.md for where they come from and their licence). */
export function faceImages(): readonly Buffer[] {
  if (!faceFiles) {
    const names = readdirSync(FACES_DIR)
      .filter((n) => n.endsWith('.jpg'))
      .sort();
    faceFiles = names.map((n) => readFileSync(new URL(n, FACES_DIR)));
  }
  return faceFiles;
}

export const faceCount = (): number => faceImages().length;

/** A grey head-and-shoulders shape with no facial features: a face detector must find nothing in it. */
function silhouetteSvg(w: number, h: number): Buffer {
  return Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 240 300">` +
      `<rect width="240" height="300" fill="#dfe3e6"/>` +
      `<ellipse cx="120" cy="118" rx="58" ry="72" fill="#8c949b"/>` +
      `<path d="M 20 300 C 30 220 70 200 120 200 C 170 200 210 220 220 300 Z" fill="#8c949b"/></svg>`,
  );
}

const cache = new Map<string, Promise<Buffer>>();

/** RGB(A) PNG of the portrait resized to exactly w x h (cover crop), cached per source and size. */
export function portraitPng(source: PortraitSource, w: number, h: number): Promise<Buffer> {
  const key = `${source.kind === 'face' ? source.index : 's'}:${w}x${h}`;
  let p = cache.get(key);
  if (!p) {
    const input = source.kind === 'face' ? faceImages()[source.index % faceCount()]! : silhouetteSvg(w, h);
    // A light blur stands in for the softness of a photo printed on a card (and keeps PNG samples small).
    p = sharp(input).resize(w, h, { fit: 'cover', position: 'centre' }).blur(0.9).png().toBuffer();
    cache.set(key, p);
  }
  return p;
}
