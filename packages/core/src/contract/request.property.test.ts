import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CARD_SIDES, DOC_TYPES, ID_THRESHOLDS } from './doc-types.js';
import { ImageTooLargeError, InvalidParameterError, MissingParameterError, isDocOcrError } from './errors.js';
import {
  PICTURE_PARAMETERS,
  type DocOcrV2Request,
  parseDocOcrV2Request,
  toWireRequest,
  validateDocOcrV2Request,
} from './request.js';

const REQUEST_ERRORS = [MissingParameterError, InvalidParameterError, ImageTooLargeError];

/** Runs `parse`; returns the request, or the error after checking it is one of the request errors. */
function outcome(parse: () => DocOcrV2Request): DocOcrV2Request | undefined {
  try {
    return parse();
  } catch (e) {
    if (!isDocOcrError(e) || !REQUEST_ERRORS.some((cls) => e instanceof cls)) throw e;
    expect(e.httpStatus).toBeLessThan(500);
    expect(e.retryable).toBe(false);
    return undefined;
  }
}

// Values near the rules' edges, plus anything at all, so the generated requests reach every rule.
const wireValue = fc.oneof(
  fc.constantFrom('ID_OCR_MIN', 'ID_OCR_MAX', '', 'T', 'F', 'Y', 'abc123', 'a-b', 'A'.repeat(33), 'scene_1'),
  fc.constantFrom(...DOC_TYPES, ...ID_THRESHOLDS, ...CARD_SIDES, '00000011', '4'),
  fc.constantFrom(
    'https://example.com/a.jpg',
    'ftp://x/y',
    '/9j/4AAQSkZJRg==',
    'data:image/png;base64,iVBORw0KGgo=',
    '/9j/ $',
  ),
  fc.string(),
  fc.uint8Array({ maxLength: 8 }),
  fc.anything(),
);

// Each parameter is usually valid, sometimes absent, sometimes anything: most requests break at most a rule or two.
const VALID: Record<string, fc.Arbitrary<unknown>> = {
  ProductCode: fc.constant('ID_OCR_MIN'),
  SceneCode: fc.stringMatching(/^[A-Za-z0-9_]{1,10}$/),
  MerchantBizId: fc.stringMatching(/^[A-Za-z0-9]{1,32}$/),
  MerchantUserId: fc.string({ minLength: 1 }),
  IdOcrPictureBase64: fc.uint8Array({ minLength: 1, maxLength: 12 }).map((b) => Buffer.from(b).toString('base64')),
  IdOcrPictureUrl: fc.webUrl(),
  IdOcrPictureFile: fc.oneof(fc.uint8Array({ minLength: 1, maxLength: 8 }), fc.constant('./id.jpg')),
  DocType: fc.constantFrom(...DOC_TYPES),
  Ocr: fc.constantFrom('T', 'F'),
  IdFaceQuality: fc.constantFrom('T', 'F'),
  Spoof: fc.constantFrom('T', 'F'),
  IdThreshold: fc.constantFrom(...ID_THRESHOLDS),
  CardSide: fc.constantFrom(...CARD_SIDES),
};
const PICTURES: readonly string[] = PICTURE_PARAMETERS;
const wireRequest = fc.record(
  Object.fromEntries(
    Object.entries(VALID).map(([name, valid]) => {
      // A picture parameter is usually absent, so that exactly one of the three is often supplied.
      const [present, absent] = PICTURES.includes(name) ? [3, 6] : [16, 1];
      return [
        name,
        fc.oneof(
          { weight: present, arbitrary: valid },
          { weight: absent, arbitrary: fc.constant(undefined) },
          { weight: 1, arbitrary: wireValue },
        ),
      ];
    }),
  ),
);

describe('parseDocOcrV2Request properties', () => {
  it('throws nothing but request DocOcrErrors for arbitrary input', () => {
    fc.assert(
      fc.property(
        fc.anything({ withNullPrototype: true, withMap: true, withSet: true, withTypedArray: true }),
        (input) => {
          outcome(() => parseDocOcrV2Request(input));
          outcome(() => validateDocOcrV2Request(input));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('for near-valid wire requests, either throws a request DocOcrError or returns a request that keeps every rule', () => {
    let accepted = 0;
    fc.assert(
      fc.property(wireRequest, (input) => {
        const request = outcome(() => parseDocOcrV2Request(input));
        if (request === undefined) return;
        accepted += 1;
        expect(request.productCode).toBe('ID_OCR_MIN');
        expect(DOC_TYPES).toContain(request.docType);
        const pictures = PICTURE_PARAMETERS.filter((name) => input[name] !== undefined && input[name] !== '');
        expect(pictures).toHaveLength(1);
        if (request.cardSide === 'OCR_ID_NATIONAL_EMBLEM') expect(request.docType).toBe('00000001');
        // Parsing is idempotent through the wire form.
        expect(parseDocOcrV2Request(toWireRequest(request))).toEqual(request);
      }),
      { numRuns: 1000 },
    );
    // Not vacuous: a fair share of the generated requests is valid.
    expect(accepted).toBeGreaterThan(20);
  });

  it('accepts some generated requests, so the property above is not vacuous', () => {
    const valid = fc.record({
      ProductCode: fc.constant('ID_OCR_MIN'),
      MerchantBizId: fc.stringMatching(/^[A-Za-z0-9]{1,32}$/),
      MerchantUserId: fc.string({ minLength: 1 }),
      IdOcrPictureUrl: fc.constant('https://example.com/a.jpg'),
      DocType: fc.constantFrom(...DOC_TYPES),
      Ocr: fc.constantFrom('T', 'F'),
      IdThreshold: fc.constantFrom(...ID_THRESHOLDS),
    });
    fc.assert(
      fc.property(valid, (input) => {
        expect(parseDocOcrV2Request(input).merchantBizId).toBe(input.MerchantBizId);
      }),
      { numRuns: 200 },
    );
  });

  it('never echoes a parameter value in the error message (values may be personal data)', () => {
    const base = {
      ProductCode: 'ID_OCR_MIN',
      MerchantBizId: 'biz1',
      MerchantUserId: 'u',
      IdOcrPictureUrl: 'https://e.com/a.jpg',
      DocType: '00000001',
      Ocr: 'T',
    };
    const names = Object.keys(VALID);
    fc.assert(
      fc.property(fc.constantFrom(...names), fc.stringMatching(/^[A-Za-z0-9 :/.+=_-]{6,40}$/), (name, tail) => {
        const marker = `PII${tail}`;
        try {
          parseDocOcrV2Request({ ...base, [name]: marker });
        } catch (e) {
          if (!isDocOcrError(e)) throw e;
          expect(e.message).not.toContain(marker);
        }
      }),
      { numRuns: 300 },
    );
  });
});
