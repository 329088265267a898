import { DocType } from '@dococr/core';
import { escapeXml, Font } from './fonts.js';
import { SpecimenKind, type MrzLayout, type Rect, type SpecimenSide } from './specimen-types.js';

export interface FieldStyle {
  font: Font;
  /** Font size in card pixels; defaults to 80% of the field height. */
  size?: number;
  fill?: string;
  bold?: boolean;
  /** Wrap into lines of this many characters (addresses). */
  wrap?: number;
}

export interface TemplateField extends Rect {
  style: FieldStyle;
}

export interface CardTemplate {
  kind: SpecimenKind;
  docType: DocType;
  side: SpecimenSide;
  width: number;
  height: number;
  fields: Record<string, TemplateField>;
  portrait?: Rect;
  /** A faint second copy of the portrait (the HKID's ghost / stereo-laser image). */
  ghostPortrait?: Rect;
  mrz?: MrzLayout & { fontSize: number };
  /** The 2018 HKID's transparent window, which shows the card number again. */
  numberWindow?: Rect;
  /** Static SVG drawn once per kind: background, guilloche, titles, labels, SPECIMEN marks. */
  statics: string;
}

const ID1 = { width: 856, height: 540 } as const;
const TD3 = { width: 1000, height: 704 } as const;

const f = (x: number, y: number, w: number, h: number, style: FieldStyle): TemplateField => ({ x, y, w, h, style });

function text(x: number, y: number, s: string, size: number, font: Font, fill = '#222', extra = ''): string {
  return `<text x="${x}" y="${y}" font-family="${font}" font-size="${size}" fill="${fill}" ${extra}>${escapeXml(s)}</text>`;
}

/** Fine sine-wave security pattern; deterministic for a kind so the background can be cached. */
function guilloche(w: number, h: number, colour: string, seed: number, count = 8): string {
  let paths = '';
  for (let i = 0; i < count; i++) {
    const amp = 10 + ((seed * 7 + i * 13) % 23);
    const period = 90 + ((seed * 11 + i * 17) % 70);
    const y0 = (h / count) * i + 10;
    let d = `M 0 ${y0.toFixed(1)}`;
    for (let x = 0; x <= w; x += 12) {
      const y = y0 + amp * Math.sin((x / period) * 2 * Math.PI + i * 0.7 + seed);
      d += ` L ${x} ${y.toFixed(1)}`;
    }
    paths += `<path d="${d}" stroke="${colour}" stroke-width="1" fill="none" opacity="0.55"/>`;
  }
  return paths;
}

function cardBase(w: number, h: number, top: string, bottom: string, lines: string, seed: number, radius = 28): string {
  return (
    `<defs><linearGradient id="bg" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="${top}"/>` +
    `<stop offset="1" stop-color="${bottom}"/></linearGradient></defs>` +
    `<rect x="0" y="0" width="${w}" height="${h}" rx="${radius}" ry="${radius}" fill="url(#bg)"/>` +
    guilloche(w, h, lines, seed)
  );
}

/** The SPECIMEN marking: a clear corner label plus a faint diagonal band that stays off the fields' centres. */
function specimenMark(w: number, h: number, x: number, y: number, label: string): string {
  return (
    text(x, y, label, 26, Font.Latin, '#c0102a', 'font-weight="bold"') +
    `<text x="${w / 2}" y="${h / 2}" font-family=${Font.Latin} font-size="${Math.round(h / 5)}" fill="#c0102a" ` +
    `opacity="0.07" text-anchor="middle" transform="rotate(-18 ${w / 2} ${h / 2})" font-weight="bold">SPECIMEN</text>`
  );
}

const label = (x: number, y: number, s: string, colour = '#3b5d8a', size = 14, font: Font = Font.SansTc): string =>
  text(x, y, s, size, font, colour);

function chip(x: number, y: number): string {
  return (
    `<rect x="${x}" y="${y}" width="104" height="84" rx="12" fill="#d9b55a" stroke="#8c6d23" stroke-width="2"/>` +
    `<path d="M ${x} ${y + 28} H ${x + 104} M ${x} ${y + 56} H ${x + 104} M ${x + 36} ${y} V ${y + 84} M ${x + 68} ${y} V ${y + 84}" stroke="#8c6d23" stroke-width="2" fill="none"/>`
  );
}

function passport(): CardTemplate {
  const { width, height } = TD3;
  const v = (y: number, x = 320, w = 400): TemplateField => f(x, y, w, 32, { font: Font.Latin, size: 26 });
  const labels = [
    [320, 118, 'Type / Type'],
    [430, 118, 'Code / Code'],
    [700, 118, 'Passport No. / No. du passeport'],
    [320, 176, 'Surname / Nom'],
    [320, 234, 'Given names / Prénoms'],
    [320, 292, 'Nationality / Nationalité'],
    [320, 350, 'Date of birth / Date de naissance'],
    [700, 350, 'Personal No. / No. personnel'],
    [320, 408, 'Sex / Sexe'],
    [480, 408, 'Place of birth / Lieu de naissance'],
    [320, 466, 'Date of issue / Date de délivrance'],
    [700, 466, 'Authority / Autorité'],
    [320, 524, 'Date of expiry / Date d’expiration'],
  ] as const;
  return {
    kind: SpecimenKind.Passport,
    docType: DocType.GlobalPassport,
    side: 'face',
    width,
    height,
    fields: {
      countryName: f(320, 34, 600, 44, { font: Font.Latin, size: 34, bold: true }),
      type: v(124, 320, 80),
      countryCode: v(124, 430, 120),
      passportNo: v(124, 700, 260),
      surname: v(182, 320, 620),
      givenname: v(240, 320, 620),
      nationality: v(298),
      birthDate: v(356, 320, 300),
      personalNo: v(356, 700, 260),
      sex: v(414, 320, 100),
      placeOfBirth: v(414, 480, 300),
      issueDate: v(472, 320, 300),
      authority: v(472, 700, 260),
      expiryDate: v(530, 320, 300),
    },
    portrait: { x: 40, y: 130, w: 250, h: 320 },
    mrz: { x: 40, y: 596, w: 920, h: 96, lines: 2, charsPerLine: 44, fontSize: 34 },
    statics:
      `<rect width="${width}" height="${height}" fill="#f4f1e8"/>` +
      guilloche(width, height, '#c9d7c4', 3) +
      `<rect x="0" y="0" width="${width}" height="${height}" fill="none" stroke="#9aa" stroke-width="3"/>` +
      text(60, 110, 'PASSPORT / PASSEPORT', 20, Font.Latin, '#333') +
      labels.map(([x, y, s]) => label(x, y, s, '#555', 13, Font.Latin)).join('') +
      `<rect x="20" y="580" width="${width - 40}" height="116" fill="#fbfaf5" opacity="0.85"/>` +
      specimenMark(width, height, 740, 560, 'SPECIMEN'),
  };
}

function hkid(edition: 2003 | 2018): CardTemplate {
  const { width, height } = ID1;
  const left = edition === 2003 ? 40 : 280;
  const col = edition === 2003 ? 225 : 280;
  const latin = (x: number, y: number, w: number, h = 34, size = 26): TemplateField =>
    f(x, y, w, h, { font: Font.Latin, size });
  const statics =
    cardBase(width, height, '#f7f3e6', '#d8ecd8', '#b9d3c8', edition) +
    `<text x="${width / 2}" y="44" font-family=${Font.SerifTc} font-size="30" fill="#8a6d2f" text-anchor="middle" letter-spacing="4">香港永久性居民身份證</text>` +
    `<text x="${width / 2}" y="74" font-family=${Font.Latin} font-size="19" fill="#8a6d2f" text-anchor="middle">HONG KONG PERMANENT IDENTITY CARD</text>` +
    (edition === 2003 ? chip(60, 196) : '') +
    label(col, 262, '出生日期 Date of Birth') +
    label(col, 372, '簽發日期 Date of Issue') +
    (edition === 2018
      ? `<rect x="700" y="95" width="120" height="105" rx="10" fill="#ffffff" opacity="0.45" stroke="#9bb" stroke-width="1"/>`
      : '') +
    specimenMark(width, height, edition === 2003 ? 610 : 40, edition === 2003 ? 118 : 520, '樣本 SPECIMEN');
  return {
    kind: edition === 2003 ? SpecimenKind.HongKongId2003 : SpecimenKind.HongKongId2018,
    docType: edition === 2003 ? DocType.HongKongId2003 : DocType.HongKongId2018,
    side: 'face',
    ...ID1,
    fields: {
      name: f(left, 92, 330, 44, { font: Font.SerifTc, size: 36 }),
      // The 2018 card's transparent window starts at x = 700.
      englishName: latin(left, 140, edition === 2003 ? 520 : 400, 36, 27),
      nameCode: latin(col, 200, 330),
      birthDate: latin(col, 268, 200, 36, 28),
      sex: f(col + 250, 268, 100, 36, { font: Font.SansTc, size: 28 }),
      symbols: latin(col, 310, 200, 34, 26),
      firstIssueDate: latin(col, 378, 160, 34, 26),
      currentIssueDate: latin(col, 452, 190, 40, 32),
      idNumber: latin(edition === 2003 ? 520 : 560, 452, 260, 40, 32),
    },
    portrait: edition === 2003 ? { x: 590, y: 150, w: 200, h: 250 } : { x: 40, y: 190, w: 210, h: 262 },
    ghostPortrait: edition === 2003 ? { x: 50, y: 330, w: 110, h: 136 } : { x: 690, y: 250, w: 110, h: 136 },
    ...(edition === 2018 ? { numberWindow: { x: 700, y: 95, w: 120, h: 105 } } : {}),
    statics,
  };
}

interface PermitSpec {
  kind: SpecimenKind;
  docType: DocType;
  titleZh: string;
  titleEn: string;
  top: string;
  bottom: string;
  lines: string;
  seed: number;
  numberTopRight: boolean;
  placeOfIssue: boolean;
  mrz: boolean;
  renewal: boolean;
}

/** The three travel permits share an arrangement: photo left, bilingual labels over values, number and MRZ below. */
function permit(p: PermitSpec): CardTemplate {
  const { width, height } = ID1;
  const x = 270;
  const zh = (y: number, w = 300): TemplateField => f(x, y, w, 34, { font: Font.SansSc, size: 28 });
  const en = (xx: number, y: number, w: number): TemplateField => f(xx, y, w, 32, { font: Font.Latin, size: 24 });
  const fields: Record<string, TemplateField> = {
    name: zh(118),
    englishName: en(x, 172, 420),
    birthDate: en(x, 226, 200),
    sex: f(520, 226, 120, 32, { font: Font.SansSc, size: 24 }),
    issueDate: en(x, 280, 150),
    expiryDate: en(x + 170, 280, 150),
    originOfIssue: f(x, 334, 300, 32, { font: Font.SansSc, size: 24 }),
    idNumber: p.numberTopRight
      ? f(600, 92, 230, 36, { font: Font.Latin, size: 28, fill: '#b0202a' })
      : f(x, 414, 280, 40, { font: Font.Latin, size: 32 }),
  };
  if (p.placeOfIssue) fields.placeOfIssue = f(620, 334, 180, 32, { font: Font.SansSc, size: 24 });
  if (p.renewal) fields.renewalCount = f(660, 414, 80, 40, { font: Font.Latin, size: 30 });
  const labels =
    label(x, 112, '姓名 Name', undefined, 14, Font.SansSc) +
    label(x, 220, '出生日期 Date of birth', undefined, 14, Font.SansSc) +
    label(520, 220, '性别 Sex', undefined, 14, Font.SansSc) +
    label(x, 274, '有效期限 Period of validity', undefined, 14, Font.SansSc) +
    text(x + 153, 304, '-', 24, Font.Latin) +
    label(x, 328, '签发机关 Issuing authority', undefined, 14, Font.SansSc) +
    (p.placeOfIssue ? label(620, 328, '签发地点 Place of issue', undefined, 14, Font.SansSc) : '') +
    (p.renewal ? label(660, 408, '换证次数', undefined, 14, Font.SansSc) : '') +
    (p.numberTopRight ? '' : label(x, 408, '证件号码 No.', undefined, 14, Font.SansSc));
  return {
    kind: p.kind,
    docType: p.docType,
    side: 'face',
    ...ID1,
    fields,
    portrait: { x: 40, y: 110, w: 200, h: 250 },
    ...(p.mrz ? { mrz: { x: 40, y: 440, w: 776, h: 56, lines: 1, charsPerLine: 30, fontSize: 40 } } : {}),
    statics:
      cardBase(width, height, p.top, p.bottom, p.lines, p.seed) +
      `<text x="${width / 2}" y="48" font-family=${Font.SansSc} font-size="30" fill="#234" text-anchor="middle" letter-spacing="3">${p.titleZh}</text>` +
      `<text x="${width / 2}" y="76" font-family=${Font.Latin} font-size="14" fill="#234" text-anchor="middle">${p.titleEn}</text>` +
      labels +
      specimenMark(width, height, 600, 392, '样本 SPECIMEN'),
  };
}

function macaoId(): CardTemplate {
  const { width, height } = ID1;
  const latin = (x: number, y: number, w: number, h = 34, size = 26): TemplateField =>
    f(x, y, w, h, { font: Font.Latin, size });
  return {
    kind: SpecimenKind.MacaoId,
    docType: DocType.MacaoId,
    side: 'face',
    ...ID1,
    fields: {
      surnameCN: f(270, 150, 110, 38, { font: Font.SerifTc, size: 32 }),
      surname: latin(400, 152, 320),
      givennameCN: f(270, 212, 130, 38, { font: Font.SerifTc, size: 32 }),
      givenname: latin(420, 214, 320),
      birthDate: latin(270, 274, 200),
      sex: latin(520, 274, 60),
      expiryDate: latin(270, 336, 200),
      placeOfBirth: latin(520, 336, 120),
      idNumber: latin(270, 420, 300, 44, 34),
    },
    portrait: { x: 40, y: 140, w: 200, h: 250 },
    statics:
      cardBase(width, height, '#eef4fb', '#e6f0e0', '#bcd0e3', 5) +
      `<text x="${width / 2}" y="36" font-family=${Font.SerifTc} font-size="22" fill="#1d4d3a" text-anchor="middle">澳門特別行政區</text>` +
      `<text x="${width / 2}" y="58" font-family=${Font.Latin} font-size="13" fill="#1d4d3a" text-anchor="middle">REGIÃO ADMINISTRATIVA ESPECIAL DE MACAU</text>` +
      `<text x="${width / 2}" y="88" font-family=${Font.SerifTc} font-size="26" fill="#1d4d3a" text-anchor="middle" letter-spacing="3">澳門永久性居民身份證</text>` +
      `<text x="${width / 2}" y="110" font-family=${Font.Latin} font-size="13" fill="#1d4d3a" text-anchor="middle">BILHETE DE IDENTIDADE DE RESIDENTE PERMANENTE</text>` +
      label(270, 144, '姓 Apelido') +
      label(270, 206, '名 Nome') +
      label(270, 268, '出生日期 Data de nascimento') +
      label(520, 268, '性別 Sexo') +
      label(270, 330, '有效期至 Válido até') +
      label(520, 330, '符號 Símbolos') +
      label(270, 414, '身份證編號 N.º') +
      specimenMark(width, height, 620, 470, '樣本 SPECIMEN'),
  };
}

function cnIdFace(): CardTemplate {
  const { width, height } = ID1;
  const blue = '#2a6fb0';
  const l = (x: number, y: number, s: string): string => text(x, y, s, 22, Font.SansSc, blue, 'letter-spacing="8"');
  return {
    kind: SpecimenKind.CnIdFace,
    docType: DocType.ChineseResidentId,
    side: 'face',
    ...ID1,
    fields: {
      name: f(150, 62, 330, 44, { font: Font.SansSc, size: 32 }),
      sex: f(150, 132, 60, 36, { font: Font.SansSc, size: 26 }),
      ethnicity: f(345, 132, 150, 36, { font: Font.SansSc, size: 26 }),
      birthDate: f(150, 196, 330, 36, { font: Font.SansSc, size: 26 }),
      address: f(150, 260, 390, 120, { font: Font.SansSc, size: 26, wrap: 11 }),
      idNumber: f(300, 440, 520, 46, { font: Font.OcrB, size: 36 }),
    },
    portrait: { x: 560, y: 60, w: 250, h: 310 },
    statics:
      cardBase(width, height, '#f3f8fb', '#e3eef3', '#c7dbe6', 9) +
      l(50, 92, '姓名') +
      l(50, 160, '性别') +
      l(260, 160, '民族') +
      l(50, 224, '出生') +
      l(50, 288, '住址') +
      text(50, 474, '公民身份号码', 22, Font.SansSc, blue, 'letter-spacing="2"') +
      specimenMark(width, height, 600, 410, '样本 SPECIMEN'),
  };
}

/** A stand-in for the emblem (not a reproduction): red disc, gold rings and five stars. */
function emblem(cx: number, cy: number, r: number): string {
  const star = (x: number, y: number, s: number): string => {
    let d = '';
    for (let i = 0; i < 10; i++) {
      const a = -Math.PI / 2 + (i * Math.PI) / 5;
      const rr = i % 2 === 0 ? s : s * 0.4;
      d += `${i === 0 ? 'M' : 'L'} ${(x + rr * Math.cos(a)).toFixed(1)} ${(y + rr * Math.sin(a)).toFixed(1)} `;
    }
    return `<path d="${d}Z" fill="#f5c542"/>`;
  };
  return (
    `<circle cx="${cx}" cy="${cy}" r="${r}" fill="#d0281e" stroke="#f5c542" stroke-width="6"/>` +
    `<circle cx="${cx}" cy="${cy}" r="${r * 0.72}" fill="none" stroke="#f5c542" stroke-width="3"/>` +
    star(cx, cy - r * 0.3, r * 0.28) +
    star(cx - r * 0.42, cy - r * 0.05, r * 0.12) +
    star(cx - r * 0.25, cy + r * 0.3, r * 0.12) +
    star(cx + r * 0.25, cy + r * 0.3, r * 0.12) +
    star(cx + r * 0.42, cy - r * 0.05, r * 0.12)
  );
}

function cnIdEmblem(): CardTemplate {
  const { width, height } = ID1;
  return {
    kind: SpecimenKind.CnIdEmblem,
    docType: DocType.ChineseResidentId,
    side: 'emblem',
    ...ID1,
    fields: {
      originOfIssue: f(300, 366, 470, 38, { font: Font.SansSc, size: 28 }),
      issueDate: f(300, 432, 170, 38, { font: Font.SansSc, size: 28 }),
      expiryDate: f(490, 432, 170, 38, { font: Font.SansSc, size: 28 }),
    },
    statics:
      cardBase(width, height, '#f6f3ea', '#e9eef2', '#d6cfc0', 11) +
      emblem(130, 120, 75) +
      text(260, 100, '中华人民共和国', 36, Font.SerifSc, '#222', 'letter-spacing="10"') +
      text(230, 196, '居民身份证', 64, Font.SerifSc, '#222', 'letter-spacing="26" font-weight="bold"') +
      text(150, 396, '签发机关', 24, Font.SansSc, '#222', 'font-weight="bold" letter-spacing="4"') +
      text(150, 462, '有效期限', 24, Font.SansSc, '#222', 'font-weight="bold" letter-spacing="4"') +
      text(474, 462, '-', 28, Font.Latin) +
      specimenMark(width, height, 600, 300, '样本 SPECIMEN'),
  };
}

export const TEMPLATES: Readonly<Record<SpecimenKind, CardTemplate>> = {
  [SpecimenKind.Passport]: passport(),
  [SpecimenKind.HongKongId2003]: hkid(2003),
  [SpecimenKind.HongKongId2018]: hkid(2018),
  [SpecimenKind.ExitEntryPermit]: permit({
    kind: SpecimenKind.ExitEntryPermit,
    docType: DocType.ExitEntryPermitHkMacao,
    titleZh: '中华人民共和国往来港澳通行证',
    titleEn: 'EXIT-ENTRY PERMIT FOR TRAVELLING TO AND FROM HONG KONG AND MACAO',
    top: '#eaf3f7',
    bottom: '#d5e8e4',
    lines: '#a9cbd0',
    seed: 7,
    numberTopRight: true,
    placeOfIssue: true,
    mrz: true,
    renewal: false,
  }),
  [SpecimenKind.MainlandPermitHkMacao]: permit({
    kind: SpecimenKind.MainlandPermitHkMacao,
    docType: DocType.MainlandTravelPermitHkMacao,
    titleZh: '港澳居民来往内地通行证',
    titleEn: 'MAINLAND TRAVEL PERMIT FOR HONG KONG AND MACAO RESIDENTS',
    top: '#f7eef0',
    bottom: '#eae4f1',
    lines: '#d8b9c6',
    seed: 13,
    numberTopRight: false,
    placeOfIssue: false,
    mrz: false,
    renewal: true,
  }),
  [SpecimenKind.MainlandPermitTaiwan]: permit({
    kind: SpecimenKind.MainlandPermitTaiwan,
    docType: DocType.MainlandTravelPermitTaiwan,
    titleZh: '台湾居民来往大陆通行证',
    titleEn: 'MAINLAND TRAVEL PERMIT FOR TAIWAN RESIDENTS',
    top: '#eef6ea',
    bottom: '#dcebf0',
    lines: '#b7d3b5',
    seed: 17,
    numberTopRight: true,
    placeOfIssue: true,
    mrz: false,
    renewal: false,
  }),
  [SpecimenKind.MacaoId]: macaoId(),
  [SpecimenKind.CnIdFace]: cnIdFace(),
  [SpecimenKind.CnIdEmblem]: cnIdEmblem(),
};
