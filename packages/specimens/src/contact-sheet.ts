import sharp, { type OverlayOptions } from 'sharp';
import { escapeXml, Font } from './fonts.js';
import { renderSpecimen } from './generate.js';
import { SPECIMEN_KINDS } from './layouts.js';
import { sampleSpecs } from './samples.js';
import { TEMPLATES } from './templates.js';

/** A PNG grid of one clean capture per DocType and side (the samples' images), labelled with kind and DocType. */
export async function contactSheetPng(tileWidth = 400, columns = 3): Promise<Buffer> {
  const tileHeight = Math.round((tileWidth * 3) / 4);
  const labelHeight = 26;
  const rows = Math.ceil(SPECIMEN_KINDS.length / columns);
  const layers: OverlayOptions[] = [];
  for (let i = 0; i < SPECIMEN_KINDS.length; i++) {
    const kind = SPECIMEN_KINDS[i]!;
    const spec = sampleSpecs().find((s) => s.options.kind === kind && s.file.endsWith('.png'))!;
    const img = await renderSpecimen(spec.options);
    const left = (i % columns) * tileWidth;
    const top = Math.floor(i / columns) * (tileHeight + labelHeight);
    layers.push({ input: await sharp(img.data).resize(tileWidth, tileHeight).toBuffer(), left, top });
    const t = TEMPLATES[kind];
    const label = `${kind}  (DocType ${t.docType}${t.side === 'emblem' ? ', emblem side' : ''})`;
    layers.push({
      input: Buffer.from(
        `<svg xmlns="http://www.w3.org/2000/svg" width="${tileWidth}" height="${labelHeight}">` +
          `<text x="6" y="18" font-family="${Font.Latin}" font-size="13" fill="#222">${escapeXml(label)}</text></svg>`,
      ),
      left,
      top: top + tileHeight,
    });
  }
  return (
    sharp({
      create: {
        width: columns * tileWidth,
        height: rows * (tileHeight + labelHeight),
        channels: 3,
        background: '#f4f4f4',
      },
    })
      .composite(layers)
      // A palette keeps this documentation image small; the samples themselves are full colour.
      .png({ compressionLevel: 9, palette: true, quality: 90 })
      .toBuffer()
  );
}
