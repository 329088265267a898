import { computeMrzCheckDigit } from '@dococr/core';
import { describe, expect, it } from 'vitest';
import { exitEntryPermitLine, mrzText, td3Lines } from './mrz-lines.js';

describe('td3Lines', () => {
  it('reproduces the ICAO 9303 specimen passport', () => {
    const [l1, l2] = td3Lines({
      documentCode: 'P',
      issuingState: 'UTO',
      surname: 'ERIKSSON',
      givenNames: 'ANNA MARIA',
      documentNumber: 'L898902C3',
      nationality: 'UTO',
      birthDate: '740812',
      sex: 'F',
      expiryDate: '120415',
      personalNumber: 'ZE184226B',
    });
    expect(l1).toBe('P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<');
    expect(l2).toBe('L898902C36UTO7408122F1204159ZE184226B<<<<<10');
  });

  it('fills an empty personal number with fillers and a filler check digit', () => {
    const [, l2] = td3Lines({
      documentCode: 'P',
      issuingState: 'CHN',
      surname: 'ZHANG',
      givenNames: 'WEI',
      documentNumber: 'E12345678',
      nationality: 'CHN',
      birthDate: '900101',
      sex: 'M',
      expiryDate: '300101',
      personalNumber: '',
    });
    expect(l2).toHaveLength(44);
    expect(l2.slice(28, 43)).toBe('<'.repeat(15));
    const composite = computeMrzCheckDigit(l2.slice(0, 10) + l2.slice(13, 20) + l2.slice(21, 43));
    expect(l2.charAt(43)).toBe(composite);
  });
});

describe('exitEntryPermitLine', () => {
  it('matches the worked examples in the document notes', () => {
    expect(exitEntryPermitLine('C12345678', '301231', '900101')).toBe('CSC123456788<3012316<9001011<8');
    expect(exitEntryPermitLine('CE1234567', '340615', '050228')).toBe('CSCE12345674<3406153<0502283<6');
  });
});

describe('mrzText', () => {
  it('turns spaces and hyphens into fillers and drops other characters', () => {
    expect(mrzText("van der Berg-O'Neil")).toBe('VAN<DER<BERG<ONEIL');
  });
});
