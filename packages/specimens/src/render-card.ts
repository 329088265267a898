import sharp, { type OverlayOptions } from 'sharp';
import type { DocumentContent } from './documents.js';
import { portraitPng, type PortraitSource } from './faces.js';
import { escapeXml, estimateWidthEm, Font } from './fonts.js';
import type { SpecimenKind } from './specimen-types.js';
import { TEMPLATES, type CardTemplate, type TemplateField } from './templates.js';

/** A decoded RGBA image. */
export interface RawImage {
  data: Buffer;
  width: number;
  height: number;
  channels: 4;
}

const svgOpen = (w: number, h: number): string =>
  `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}">`;

const backgrounds = new Map<SpecimenKind, Promise<Buffer>>();

/** The static layer (background, titles, labels) rasterised once per kind and kept as raw RGBA. */
function background(t: CardTemplate): Promise<Buffer> {
  let p = backgrounds.get(t.kind);
  if (!p) {
    p = sharp(Buffer.from(svgOpen(t.width, t.height) + t.statics + '</svg>'))
      .ensureAlpha()
      .raw()
      .toBuffer();
    backgrounds.set(t.kind, p);
  }
  return p;
}

function fieldSvg(field: TemplateField, value: string): string {
  if (!value) return '';
  const { font, fill = '#111', bold, wrap } = field.style;
  const size0 = field.style.size ?? Math.round(field.h * 0.8);
  const lines = wrap ? (value.match(new RegExp(`.{1,${wrap}}`, 'gu')) ?? [value]) : [value];
  const widest = Math.max(...lines.map((l) => estimateWidthEm(l, font)));
  const size = Math.min(size0, Math.floor(field.w / Math.max(widest, 0.1)));
  const lineHeight = wrap ? size * 1.35 : field.h;
  const weight = bold ? ' font-weight="bold"' : '';
  return lines
    .map((line, i) => {
      const baseline = wrap ? field.y + size * 1.05 + i * lineHeight : field.y + field.h * 0.5 + size * 0.36;
      return `<text x="${field.x}" y="${baseline.toFixed(1)}" font-family="${font}" font-size="${size}" fill="${fill}"${weight}>${escapeXml(line)}</text>`;
    })
    .join('');
}

/** The mainland card prints 年/月/日 in the label colour between the value digits. */
function cnBirthSvg(field: TemplateField, value: string): string {
  const m = /^(\d{4})年(\d{1,2})月(\d{1,2})日$/.exec(value);
  if (!m) return fieldSvg(field, value);
  const size = field.style.size ?? 26;
  const y = (field.y + field.h * 0.5 + size * 0.36).toFixed(1);
  const t = (x: number, s: string, fill: string): string =>
    `<text x="${x}" y="${y}" font-family="${Font.SansSc}" font-size="${size}" fill="${fill}">${s}</text>`;
  const blue = '#2a6fb0';
  return (
    t(field.x, m[1]!, '#111') +
    t(field.x + 72, '年', blue) +
    t(field.x + 112, m[2]!, '#111') +
    t(field.x + 152, '月', blue) +
    t(field.x + 192, m[3]!, '#111') +
    t(field.x + 232, '日', blue)
  );
}

/** MRZ characters placed one by one on a fixed pitch, so the line spans exactly the layout's MRZ region. */
function mrzSvg(t: CardTemplate, lines: readonly string[]): string {
  const mrz = t.mrz;
  if (!mrz) return '';
  const pitch = mrz.w / mrz.charsPerLine;
  const lineH = mrz.h / mrz.lines;
  let out = '';
  lines.forEach((line, li) => {
    const baseline = (mrz.y + lineH * li + lineH * 0.5 + mrz.fontSize * 0.36).toFixed(1);
    for (let i = 0; i < line.length; i++) {
      const x = (mrz.x + pitch * i + pitch * 0.5).toFixed(1);
      out += `<text x="${x}" y="${baseline}" font-family="${Font.OcrB}" font-size="${mrz.fontSize}" fill="#111" text-anchor="middle">${escapeXml(line.charAt(i))}</text>`;
    }
  });
  return out;
}

export interface RenderCardOptions {
  portrait?: PortraitSource;
  /** Skip the portrait (and ghost portrait), e.g. when a tamper step pastes its own. */
  noPortrait?: boolean;
}

/** Renders one card side at its canonical size as raw RGBA (transparent outside the rounded card outline). */
export async function renderCard(doc: DocumentContent, options: RenderCardOptions = {}): Promise<RawImage> {
  const t = TEMPLATES[doc.kind];
  let svg = svgOpen(t.width, t.height);
  for (const [name, field] of Object.entries(t.fields)) {
    const value = doc.printed[name] ?? '';
    svg += doc.kind === 'cn-id-face' && name === 'birthDate' ? cnBirthSvg(field, value) : fieldSvg(field, value);
  }
  if (doc.mrz) svg += mrzSvg(t, doc.mrz);
  if (t.numberWindow && doc.printed.idNumber) {
    const w = t.numberWindow;
    // The 2018 card shows the number's digits, without the check digit, in its transparent window.
    const digits = doc.printed.idNumber.replace(/\(.*$/, '');
    svg += `<text x="${w.x + w.w / 2}" y="${w.y + w.h * 0.62}" font-family="${Font.Latin}" font-size="${Math.round(w.h * 0.3)}" fill="#7d8f96" text-anchor="middle" opacity="0.8">${escapeXml(digits)}</text>`;
  }
  svg += '</svg>';
  const layers: OverlayOptions[] = [{ input: Buffer.from(svg), left: 0, top: 0 }];
  const source = options.portrait ?? { kind: 'face', index: 0 };
  if (t.portrait && !options.noPortrait) {
    const p = t.portrait;
    layers.push({ input: await portraitPng(source, p.w, p.h), left: p.x, top: p.y });
    if (t.ghostPortrait) {
      const g = t.ghostPortrait;
      const ghost = await sharp(await portraitPng(source, g.w, g.h))
        .greyscale()
        .ensureAlpha(0.35)
        .png()
        .toBuffer();
      layers.push({ input: ghost, left: g.x, top: g.y });
    }
  }
  const data = await sharp(await background(t), { raw: { width: t.width, height: t.height, channels: 4 } })
    .composite(layers)
    .raw()
    .toBuffer();
  return { data, width: t.width, height: t.height, channels: 4 };
}
