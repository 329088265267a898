import { computeMrzCheckDigit } from '@dococr/core';

/** Upper-case A-Z, digits and '<' only; spaces and hyphens become '<', other characters are dropped (ICAO 9303). */
export function mrzText(s: string): string {
  return s
    .toUpperCase()
    .replace(/[\s-]+/g, '<')
    .replace(/[^A-Z0-9<]/g, '');
}

const padTo = (s: string, n: number): string => (s + '<'.repeat(n)).slice(0, n);

export interface Td3Fields {
  documentCode: string;
  issuingState: string;
  surname: string;
  givenNames: string;
  documentNumber: string;
  nationality: string;
  /** YYMMDD */
  birthDate: string;
  sex: 'M' | 'F' | '<';
  /** YYMMDD */
  expiryDate: string;
  personalNumber: string;
}

/** Two 44-character lines of an ICAO 9303 TD3 (passport) MRZ with all five check digits. */
export function td3Lines(f: Td3Fields): [string, string] {
  const name = padTo(`${mrzText(f.surname)}<<${mrzText(f.givenNames)}`, 39);
  const line1 = padTo(`${f.documentCode}`, 2) + padTo(f.issuingState, 3) + name;
  const number = padTo(f.documentNumber, 9);
  const personal = padTo(mrzText(f.personalNumber), 14);
  const personalCheck = /^<+$/.test(personal) ? '<' : computeMrzCheckDigit(personal);
  const numberPart = number + computeMrzCheckDigit(number);
  const birthPart = f.birthDate + computeMrzCheckDigit(f.birthDate);
  const expiryPart = f.expiryDate + computeMrzCheckDigit(f.expiryDate);
  const composite = computeMrzCheckDigit(numberPart + birthPart + expiryPart + personal + personalCheck);
  const line2 =
    numberPart + padTo(f.nationality, 3) + birthPart + f.sex + expiryPart + personal + personalCheck + composite;
  return [line1, line2];
}

/**
 * The one 30-character line of the exit-entry permit card (2014): 'CS', number, check, '<', expiry, check, '<',
 * birth, check, '<', composite over the number, expiry and birth groups (notes/chinese-documents.md §5).
 */
export function exitEntryPermitLine(number: string, expiryYymmdd: string, birthYymmdd: string): string {
  const n = number + computeMrzCheckDigit(number);
  const e = expiryYymmdd + computeMrzCheckDigit(expiryYymmdd);
  const b = birthYymmdd + computeMrzCheckDigit(birthYymmdd);
  return `CS${n}<${e}<${b}<${computeMrzCheckDigit(n + e + b)}`;
}
