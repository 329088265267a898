import type { Prng } from './prng.js';

/** A calendar date without time zone; month 1..12. */
export interface Ymd {
  readonly y: number;
  readonly m: number;
  readonly d: number;
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'] as const;

export function daysInMonth(y: number, m: number): number {
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

export function randomDate(rng: Prng, fromYear: number, toYear: number): Ymd {
  const y = rng.int(fromYear, toYear);
  const m = rng.int(1, 12);
  return { y, m, d: rng.int(1, daysInMonth(y, m)) };
}

/** Same month and day `years` later (29 February becomes 28 February in a common year). */
export function addYears(date: Ymd, years: number): Ymd {
  const y = date.y + years;
  return { y, m: date.m, d: Math.min(date.d, daysInMonth(y, date.m)) };
}

/** The day before, as validity periods end ("valid until the day before the anniversary"). */
export function dayBefore(date: Ymd): Ymd {
  const t = new Date(Date.UTC(date.y, date.m - 1, date.d - 1));
  return { y: t.getUTCFullYear(), m: t.getUTCMonth() + 1, d: t.getUTCDate() };
}

export const iso = (d: Ymd): string => `${d.y}-${pad(d.m)}-${pad(d.d)}`;
export const dotted = (d: Ymd): string => `${d.y}.${pad(d.m)}.${pad(d.d)}`;
export const compact = (d: Ymd): string => `${d.y}${pad(d.m)}${pad(d.d)}`;
/** Hong Kong and Macao cards: DD-MM-YYYY. */
export const dmyDashed = (d: Ymd): string => `${pad(d.d)}-${pad(d.m)}-${d.y}`;
/** HKID date of issue: DD-MM-YY. */
export const dmyShort = (d: Ymd): string => `${pad(d.d)}-${pad(d.m)}-${pad(d.y % 100)}`;
/** Passport visual zone: 12 AUG 1974. */
export const dMonY = (d: Ymd): string => `${pad(d.d)} ${MONTHS[d.m - 1]} ${d.y}`;
