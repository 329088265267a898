/**
 * fontconfig family names of the Debian fonts the renderer relies on (scripts/debian-packages.txt):
 * fonts-noto-cjk, fonts-ocr-b, fonts-dejavu-core. librsvg falls back silently when a family is missing, so
 * `missingFonts()` lets callers and tests check the machine first.
 */
import { execFileSync } from 'node:child_process';

export const Font = {
  SansSc: "'Noto Sans CJK SC'",
  SansTc: "'Noto Sans CJK TC'",
  SerifSc: "'Noto Serif CJK SC'",
  SerifTc: "'Noto Serif CJK TC'",
  OcrB: "'OCR B'",
  Latin: "'DejaVu Sans'",
  LatinCondensed: "'DejaVu Sans Condensed'",
} as const;
export type Font = (typeof Font)[keyof typeof Font];

const REQUIRED_FAMILIES = ['Noto Sans CJK SC', 'Noto Serif CJK TC', 'OCR B', 'DejaVu Sans'];

/** Families from the list above that fontconfig does not know (empty when everything is installed). */
export function missingFonts(): string[] {
  let listing: string;
  try {
    listing = execFileSync('fc-list', [':', 'family'], { encoding: 'utf8' });
  } catch {
    return [...REQUIRED_FAMILIES];
  }
  const families = new Set(listing.split(/[\n,]/).map((s) => s.trim()));
  return REQUIRED_FAMILIES.filter((f) => !families.has(f));
}

/** Rough advance width in em, enough to shrink text that would overflow its field. */
export function estimateWidthEm(text: string, font: Font): number {
  if (font === Font.OcrB) return text.length * 0.6;
  let w = 0;
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    if (c >= 0x2e80) w += 1;
    else if (ch === ' ') w += 0.32;
    else if (ch >= 'A' && ch <= 'Z') w += font === Font.LatinCondensed ? 0.62 : 0.7;
    else w += font === Font.LatinCondensed ? 0.55 : 0.62;
  }
  return w;
}

export function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
