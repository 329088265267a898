import { assertString } from './rule-error.js';

const MRZ_WEIGHTS = [7, 3, 1] as const;

/** Value of one MRZ character for ICAO 9303 check digits: digits as themselves, A-Z = 10..35, '<' = 0; else -1. */
export function mrzCharValue(ch: string): number {
  const c = ch.charCodeAt(0);
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 65 && c <= 90) return c - 55;
  if (ch === '<') return 0;
  return -1;
}

/**
 * ICAO 9303 check digit (weights 7-3-1, sum mod 10). Characters outside 0-9, A-Z and '<' have no value;
 * they count as 0 here so that OCR noise still yields a digit to compare against (the parsers report the
 * character itself separately).
 * @example computeMrzCheckDigit('L898902C3') // '6'
 */
export function computeMrzCheckDigit(value: string): string {
  assertString(value, 'value');
  let sum = 0;
  for (let i = 0; i < value.length; i++) {
    const v = mrzCharValue(value.charAt(i));
    sum += (v < 0 ? 0 : v) * MRZ_WEIGHTS[i % 3]!;
  }
  return String(sum % 10);
}

const CN_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const CN_CHECK_CHARS = '10X98765432';

/**
 * GB 11643-1999 check character (ISO 7064 MOD 11-2) over the first 17 digits of a mainland resident ID number.
 * Returns '' when the input is not exactly 17 digits, so callers can tell "cannot compute" from a wrong character.
 * @example computeCnResidentIdCheckChar('11010519491231002') // 'X'
 */
export function computeCnResidentIdCheckChar(first17: string): string {
  assertString(first17, 'first17');
  if (!/^\d{17}$/.test(first17)) return '';
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17.charAt(i)) * CN_WEIGHTS[i]!;
  return CN_CHECK_CHARS.charAt(sum % 11);
}

/**
 * Hong Kong ID check digit over the prefix (1 or 2 letters + 6 digits). A one-letter prefix is padded on the left
 * with a space worth 36; letters are 10..35; weights 9..2; check = (11 - sum mod 11) mod 11, 10 printed as 'A'.
 * Returns '' when the prefix does not have that shape. Lower-case letters are accepted.
 * @example computeHkidCheckDigit('A123456') // '3'
 */
export function computeHkidCheckDigit(prefix: string): string {
  assertString(prefix, 'prefix');
  const p = prefix.toUpperCase();
  if (!/^[A-Z]{1,2}\d{6}$/.test(p)) return '';
  const padded = p.length === 7 ? ` ${p}` : p;
  let sum = 0;
  for (let i = 0; i < 8; i++) {
    const ch = padded.charAt(i);
    const v = ch === ' ' ? 36 : mrzCharValue(ch);
    sum += v * (9 - i);
  }
  const check = (11 - (sum % 11)) % 11;
  return check === 10 ? 'A' : String(check);
}
