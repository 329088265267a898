import { GIVEN_NAME_CHARS, SURNAME_CHARS } from './cjk-chars.js';
import type { CjkChar } from './cjk-types.js';
import type { Prng } from './prng.js';

/** A generated Chinese name with every written form a document may print. */
export interface ChineseName {
  readonly surname: readonly CjkChar[];
  readonly given: readonly CjkChar[];
}

export function randomChineseName(rng: Prng): ChineseName {
  const surname = [rng.pick(SURNAME_CHARS)];
  const givenCount = rng.chance(0.75) ? 2 : 1;
  const given: CjkChar[] = [];
  while (given.length < givenCount) {
    const c = rng.pick(GIVEN_NAME_CHARS);
    if (!given.includes(c)) given.push(c);
  }
  return { surname, given };
}

const chars = (n: ChineseName): CjkChar[] => [...n.surname, ...n.given];

export const simplifiedName = (n: ChineseName): string =>
  chars(n)
    .map((c) => c.simplified)
    .join('');
export const traditionalName = (n: ChineseName): string =>
  chars(n)
    .map((c) => c.traditional)
    .join('');
export const traditionalSurname = (n: ChineseName): string => n.surname.map((c) => c.traditional).join('');
export const traditionalGiven = (n: ChineseName): string => n.given.map((c) => c.traditional).join('');

/** Mainland style: 'ZHANG XIAOMING' (given-name syllables joined). */
export function pinyinName(n: ChineseName): { surname: string; given: string } {
  return { surname: n.surname.map((c) => c.pinyin).join(''), given: n.given.map((c) => c.pinyin).join('') };
}

/** Hong Kong style: surname upper case, given syllables separate, e.g. { surname: 'CHAN', given: ['TAI', 'MAN'] }. */
export function hongKongName(n: ChineseName): { surname: string; given: string[] } {
  return { surname: n.surname.map((c) => c.hongKong).join(''), given: n.given.map((c) => c.hongKong) };
}

export function macaoName(n: ChineseName): { surname: string; given: string[] } {
  return { surname: n.surname.map((c) => c.macao).join(''), given: n.given.map((c) => c.macao) };
}

/** The Chinese commercial code of each character of the traditional name, 4 digits each, space-separated. */
export const hongKongNameCode = (n: ChineseName): string =>
  chars(n)
    .map((c) => c.traditionalCode)
    .join(' ');

export const titleCase = (s: string): string => s.charAt(0) + s.slice(1).toLowerCase();
