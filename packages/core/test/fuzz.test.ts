/**
 * Fuzzing of everything in core that reads untrusted input: the MRZ parsers and repair, the ID-number validators, the
 * request schema and the signature verifier. The property is always the same: no crash, only the typed error the
 * function documents (RuleError for the rules, the request DocOcrErrors for the schema, none at all for the
 * verifier, which answers `{ ok: false, code }`).
 *
 * 10,000 cases per target by default (a few seconds in all); `DOCOCR_FUZZ_RUNS=1000000 npx vitest run test/fuzz.test.ts`
 * runs the long variant.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  Acs3VerifyCode,
  formatAcsDate,
  sha256Hex,
  signAcs3,
  verifyAcs3Request,
  type Acs3Headers,
  type VerifyAcs3Result,
} from '../src/client/index.js';
import { DOC_TYPES, ID_THRESHOLDS, isDocOcrError, parseDocOcrV2Request } from '../src/contract/index.js';
import {
  formatPermitMrz,
  formatTd1Mrz,
  formatTd2Mrz,
  formatTd3Mrz,
  parseMrz,
  parsePermitMrz,
  PermitKind,
  repairMrz,
  RuleError,
  validateCnResidentId,
  validateHkid,
  validateMacaoId,
  validatePermitNumber,
  type MrzInputFields,
} from '../src/rules/index.js';

const RUNS = Number(process.env.DOCOCR_FUZZ_RUNS ?? 10_000);
// Timeouts scale with the run count so the long variant is not cut off by vitest.
const TIMEOUT = Math.max(60_000, RUNS * 10);
const params = { numRuns: RUNS };

/** Runs `fn`; a throw is allowed only when `allowed` says so. Returns whether it threw. */
function onlyTyped(fn: () => unknown, allowed: (e: unknown) => boolean): boolean {
  try {
    fn();
    return false;
  } catch (e) {
    if (!allowed(e)) throw e;
    return true;
  }
}
const ruleErrorOnly = (e: unknown) => RuleError.is(e) && e.retryable === false;

const MRZ_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<';
// OCR look-alikes and hostile characters: fillers the repair maps, lower case, whitespace, astral and lone surrogates.
const NOISE_CHARS = [
  '«',
  '人',
  '＜',
  '(',
  ' ',
  '\n',
  '\t',
  'o',
  'é',
  '😀',
  '\uD800',
  '\uDFFF',
  '\u0000',
  '0',
  'O',
  '1',
  'I',
];
const mrzChar = fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...MRZ_CHARS) }, fc.constantFrom(...NOISE_CHARS));
const mrzLine = fc.array(mrzChar, { maxLength: 50 }).map((cs) => cs.join(''));

const letters = (min: number, max: number) => fc.stringMatching(new RegExp(`^[A-Z]{${min},${max}}$`));
const yymmdd = fc
  .date({ min: new Date('1931-01-01'), max: new Date('2049-12-31'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));
const mrzFields: fc.Arbitrary<MrzInputFields> = fc.record({
  documentCode: fc.constantFrom('P', 'PT', 'I', 'ID', 'AC'),
  issuingState: fc.constantFrom('UTO', 'CHN', 'D', 'HKG', 'MAC'),
  documentNumber: fc.stringMatching(/^[A-Z0-9]{1,9}$/),
  nationality: fc.constantFrom('UTO', 'CHN', 'D'),
  birthDate: yymmdd,
  sex: fc.constantFrom('M', 'F', 'X', '<'),
  expiryDate: yymmdd,
  surname: letters(1, 10),
  givenNames: letters(0, 10),
});

/** A well-formed MRZ of any format (sometimes a permit line), then a few characters replaced, cut or added. */
const nearValidMrz = fc
  .tuple(
    fc.oneof(
      mrzFields.map((f) => formatTd3Mrz(f)),
      mrzFields.map((f) => formatTd2Mrz(f)),
      mrzFields.map((f) => formatTd1Mrz(f)),
      fc
        .tuple(fc.stringMatching(/^C[A-Z0-9][0-9]{7}$/), yymmdd, yymmdd)
        .map(([documentNumber, expiryDate, birthDate]) =>
          formatPermitMrz({ kind: PermitKind.ExitEntryHkMacao, documentNumber, expiryDate, birthDate }),
        ),
    ),
    fc.array(fc.tuple(fc.nat(), fc.nat(), fc.constantFrom('replace', 'delete', 'insert', 'cut'), mrzChar), {
      maxLength: 4,
    }),
  )
  .map(([lines, edits]) => {
    const out = [...lines];
    for (const [li, at, kind, ch] of edits) {
      const i = li % out.length;
      const line = out[i]!;
      const p = line.length === 0 ? 0 : at % line.length;
      out[i] =
        kind === 'replace'
          ? line.slice(0, p) + ch + line.slice(p + 1)
          : kind === 'delete'
            ? line.slice(0, p) + line.slice(p + 1)
            : kind === 'insert'
              ? line.slice(0, p) + ch + line.slice(p)
              : line.slice(0, p);
    }
    return out;
  });

const mrzInput = fc.oneof(
  nearValidMrz,
  nearValidMrz.map((lines) => lines.join('\n')),
  fc.array(mrzLine, { maxLength: 4 }),
  mrzLine,
  fc.string({ unit: 'binary', maxLength: 120 }),
  // Not strings at all: the documented RuleError, nothing else.
  fc.anything({ maxDepth: 1 }),
);
const referenceDate = fc.option(
  fc.oneof(
    fc.date({ noInvalidDate: false }),
    fc.constantFrom('2026-11-26', 'not a date', '', '9999-99-99', '2026-02-30'),
  ),
  { nil: undefined },
);

describe('fuzz: MRZ parsers', () => {
  it(
    `parseMrz, parsePermitMrz and repairMrz answer any input with a result or a RuleError (${RUNS} cases)`,
    () => {
      let results = 0;
      fc.assert(
        fc.property(
          mrzInput,
          fc.constantFrom(undefined, 'TD1', 'TD2', 'TD3', 'permit-1x30'),
          referenceDate,
          (input, format, ref) => {
            const opts = ref === undefined ? {} : { referenceDate: ref };
            const lines = input as string | string[];
            const mrzFormat = format === 'permit-1x30' ? undefined : format;
            const threw = [
              onlyTyped(() => {
                const r = parseMrz(lines, { ...opts, ...(mrzFormat ? { format: mrzFormat } : {}) });
                // A result is consistent: valid exactly when it lists no error.
                expect(r.valid).toBe(r.errors.length === 0);
                expect(Array.isArray(r.lines)).toBe(true);
              }, ruleErrorOnly),
              onlyTyped(() => {
                const r = parsePermitMrz(lines, opts);
                expect(r.valid).toBe(r.errors.length === 0);
              }, ruleErrorOnly),
              onlyTyped(() => {
                const r = repairMrz(lines, format);
                for (const c of r.corrections) expect(c.line).toBeLessThan(Math.max(1, r.lines.length));
              }, ruleErrorOnly),
            ];
            if (!threw.some(Boolean)) results += 1;
          },
        ),
        params,
      );
      // Not vacuous: most inputs are strings and get a result.
      expect(results).toBeGreaterThan(RUNS / 2);
    },
    TIMEOUT,
  );

  it(
    `repairMrz leaves well-formed lines unchanged and valid (${Math.ceil(RUNS / 10)} cases)`,
    () => {
      fc.assert(
        fc.property(
          mrzFields.map((f) => formatTd3Mrz(f)),
          (lines) => {
            const r = repairMrz(lines);
            expect(r.lines).toEqual(lines);
            expect(r.corrections).toEqual([]);
          },
        ),
        { numRuns: Math.ceil(RUNS / 10) },
      );
    },
    TIMEOUT,
  );
});

const idLike = fc.oneof(
  fc.stringMatching(/^[0-9]{17}[0-9Xx]$/),
  fc.stringMatching(/^[0-9]{15}$/),
  fc.stringMatching(/^[A-Z]{1,2}[0-9]{6}\(?[0-9A]\)?$/),
  fc.stringMatching(/^[1578][0-9]{6}\(?[0-9]\)?$/),
  fc.stringMatching(/^[CHM][A-Z0-9][0-9]{7,9}$/),
  fc.stringMatching(/^[0-9]{8,10}$/),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.string({ maxLength: 30 }).map((s) => ` ${s}\t`),
  fc.anything({ maxDepth: 1 }),
);

describe('fuzz: ID-number validators', () => {
  it(
    `validateCnResidentId, validateHkid, validateMacaoId and validatePermitNumber throw only RuleError (${RUNS} cases)`,
    () => {
      fc.assert(
        fc.property(
          idLike,
          fc.boolean(),
          referenceDate,
          fc.constantFrom(...Object.values(PermitKind)),
          (value, allowLegacy15, ref, kind) => {
            const id = value as string;
            const checks = [
              () => validateCnResidentId(id, { allowLegacy15, ...(ref === undefined ? {} : { referenceDate: ref }) }),
              () => validateHkid(id),
              () => validateMacaoId(id),
              () => validatePermitNumber(kind, id),
            ];
            for (const check of checks) {
              onlyTyped(() => {
                const r = check();
                expect(r.valid).toBe(r.errors.length === 0);
                // Positions point into the string as given.
                for (const issue of r.errors) {
                  if (issue.position !== undefined) expect(issue.position).toBeLessThanOrEqual(id.length);
                }
              }, ruleErrorOnly);
            }
            // A non-string is always refused with the typed error.
            if (typeof value !== 'string') expect(() => validateHkid(id)).toThrow(RuleError);
          },
        ),
        params,
      );
    },
    TIMEOUT,
  );

  it('counts positions in the input as given even where upper-casing changes the length (found by this fuzzer)', () => {
    // 'ß'.toUpperCase() is 'SS' and 'ῒ' becomes three characters: the validators used to report 36 characters here.
    const cn = validateCnResidentId('ß'.repeat(18));
    expect(cn.errors[0]).toMatchObject({ code: 'CHARACTER', position: 0 });
    expect(cn.errors.every((e) => e.code !== 'LENGTH' && (e.position ?? 0) < 18)).toBe(true);
    expect(validateHkid('ῒ').errors.every((e) => (e.position ?? 0) < 1)).toBe(true);
    expect(validateCnResidentId('11010519491231002x').normalised).toBe('11010519491231002X');
  });

  it('validatePermitNumber refuses an unknown kind with a RuleError', () => {
    fc.assert(
      fc.property(fc.string(), (kind) => {
        fc.pre(!(Object.values(PermitKind) as string[]).includes(kind));
        expect(() => validatePermitNumber(kind as PermitKind, 'C12345678')).toThrow(RuleError);
      }),
      { numRuns: Math.ceil(RUNS / 10) },
    );
  });
});

const REQUEST_ERROR_CODES = new Set(['MissingParameter', 'InvalidParameter', 'ToolargeImage']);
const requestErrorOnly = (e: unknown) =>
  isDocOcrError(e) && REQUEST_ERROR_CODES.has(e.code) && e.httpStatus < 500 && !e.retryable;

const VALID_WIRE = {
  ProductCode: 'ID_OCR_MIN',
  MerchantBizId: 'biz1',
  MerchantUserId: 'user-1',
  IdOcrPictureBase64: '/9j/4AAQSkZJRg==',
  DocType: '01000000',
  Ocr: 'T',
  IdThreshold: '0',
};
const hostileValue = fc.oneof(
  fc.constantFrom(undefined, null, '', ' ', 'T', 'F', '0', '4', 'ID_OCR_MAX', ...DOC_TYPES, ...ID_THRESHOLDS),
  fc.constantFrom('\uD800', '\uFFFD\uFFFD', 'a\u0000b', 'data:image/png;base64,', 'http://127.0.0.1/', 'x'.repeat(300)),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.uint8Array({ maxLength: 16 }),
  fc.anything({ maxDepth: 2, withNullPrototype: true, withTypedArray: true }),
);
const nearValidWire = fc
  .array(
    fc.tuple(
      fc.constantFrom(...Object.keys(VALID_WIRE), 'IdOcrPictureUrl', 'CardSide', 'Spoof', '__proto__', 'constructor'),
      hostileValue,
    ),
    {
      minLength: 1,
      maxLength: 3,
    },
  )
  .map((edits) => {
    const request: Record<string, unknown> = { ...VALID_WIRE };
    for (const [name, value] of edits)
      Object.defineProperty(request, name, { value, enumerable: true, writable: true });
    return request;
  });

describe('fuzz: request schema', () => {
  it(
    `parseDocOcrV2Request throws only request errors for arbitrary objects and near-valid wire requests (${RUNS} cases)`,
    () => {
      let accepted = 0;
      fc.assert(
        fc.property(
          fc.oneof(
            nearValidWire,
            fc.anything({ maxDepth: 2, withNullPrototype: true, withMap: true, withSet: true, withTypedArray: true }),
          ),
          (input) => {
            if (!onlyTyped(() => parseDocOcrV2Request(input), requestErrorOnly)) accepted += 1;
          },
        ),
        params,
      );
      // Not vacuous: some mutations (an extra valid flag, a different DocType) still pass.
      expect(accepted).toBeGreaterThan(RUNS / 100);
    },
    TIMEOUT,
  );
});

const SECRET = 'fuzzSecret';
const NOW = Date.parse('2026-11-26T08:00:00Z');

function signedRequest(query: Record<string, string>, body: Uint8Array) {
  const headers: Record<string, string> = {
    host: '127.0.0.1:8080',
    'content-type': 'application/x-www-form-urlencoded',
    'x-acs-action': 'DocOcrV2',
    'x-acs-version': '2022-08-09',
    'x-acs-date': formatAcsDate(new Date(NOW)),
    'x-acs-signature-nonce': 'nonce-1',
    'x-acs-content-sha256': sha256Hex(body),
  };
  const signature = signAcs3({
    method: 'POST',
    path: '/',
    query,
    headers,
    body,
    accessKeyId: 'LTAIfuzz',
    accessKeySecret: SECRET,
  });
  return { headers: { ...headers, authorization: signature.authorization } as Record<string, string>, query };
}

const CODES = new Set<string>(Object.values(Acs3VerifyCode));
function verify(input: Omit<Parameters<typeof verifyAcs3Request>[0], 'lookupSecret' | 'now'>): VerifyAcs3Result {
  const result = verifyAcs3Request({
    ...input,
    now: NOW,
    lookupSecret: (id) => (id === 'LTAIfuzz' ? SECRET : undefined),
  });
  if (!result.ok) {
    expect(CODES.has(result.code)).toBe(true);
    expect(typeof result.message).toBe('string');
  }
  return result;
}

const headerValue = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.array(fc.string({ maxLength: 20 }), { maxLength: 3 }),
  fc.integer(),
  fc.constant(undefined),
  fc.constantFrom(
    'ACS3-HMAC-SHA256 Credential=LTAIfuzz,SignedHeaders=host;x-acs-date,Signature=' + '0'.repeat(64),
    'ACS3-HMAC-SHA256 ',
    'ACS3-HMAC-SHA256 Credential=,SignedHeaders=;;;,Signature=zz',
    '2026-11-26T08:00:00Z',
    '9999-12-31T23:59:59Z',
  ),
);
const headerName = fc.oneof(
  fc.constantFrom(
    'authorization',
    'Authorization',
    'host',
    'x-acs-date',
    'x-acs-signature-nonce',
    'x-acs-content-sha256',
    'x-acs-accesskey-id',
    'x-acs-security-token',
    'content-type',
    '__proto__',
  ),
  fc.string({ maxLength: 12 }),
);
const arbitraryHeaders = fc.array(fc.tuple(headerName, headerValue), { maxLength: 8 }).map((entries) => {
  const headers: Record<string, unknown> = {};
  for (const [name, value] of entries)
    Object.defineProperty(headers, name, { value, enumerable: true, writable: true });
  return headers as Acs3Headers;
});
const rawQuery = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.constantFrom('%', '%E0%A4%A', '%FF%FE=%C0%80', 'a=%ZZ&&=&b', '?DocType=01000000&DocType=2'),
);

describe('fuzz: signature verifier', () => {
  it(
    `verifyAcs3Request answers arbitrary headers, query and body with { ok: false, code } and never throws (${RUNS} cases)`,
    () => {
      fc.assert(
        fc.property(
          arbitraryHeaders,
          fc.option(rawQuery, { nil: undefined }),
          fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ unit: 'binary', maxLength: 16 }), { maxKeys: 4 }),
          fc.uint8Array({ maxLength: 64 }),
          fc.constantFrom('POST', 'GET', '', 'pOsT'),
          fc.constantFrom('/', '', '/../', '/%ZZ'),
          (headers, raw, query, body, method, path) => {
            const result = verify({
              method,
              path,
              headers,
              body,
              query,
              ...(raw === undefined ? {} : { rawQuery: raw }),
            });
            expect(result.ok).toBe(false);
          },
        ),
        params,
      );
    },
    TIMEOUT,
  );

  it(
    `a signed request verifies, and any single change to it is refused with a code (${RUNS} cases)`,
    () => {
      const mutation = fc.oneof(
        fc.record({
          kind: fc.constant('header' as const),
          name: headerName,
          value: fc.option(fc.string({ maxLength: 40 }), { nil: undefined }),
        }),
        fc.record({
          kind: fc.constant('query' as const),
          name: fc.string({ maxLength: 8 }),
          value: fc.string({ maxLength: 8 }),
        }),
        fc.record({ kind: fc.constant('body' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
        fc.record({ kind: fc.constant('none' as const) }),
      );
      fc.assert(
        fc.property(
          fc.dictionary(fc.stringMatching(/^[A-Za-z]{1,8}$/), fc.string({ maxLength: 16 }), { maxKeys: 4 }),
          fc.uint8Array({ minLength: 1, maxLength: 48 }),
          mutation,
          (query, original, change) => {
            const body = new Uint8Array(original);
            const signed = signedRequest(query, body);
            const headers: Record<string, unknown> = { ...signed.headers };
            const sentQuery: Record<string, string> = { ...signed.query };
            if (change.kind === 'header') {
              Object.defineProperty(headers, change.name, { value: change.value, enumerable: true, writable: true });
            } else if (change.kind === 'query') {
              sentQuery[change.name] = change.value;
            } else if (change.kind === 'body') {
              body[change.at % body.length]! ^= 1 << change.bit;
            }
            const result = verify({
              method: 'POST',
              path: '/',
              headers: headers as Acs3Headers,
              query: sentQuery,
              body,
            });
            if (change.kind === 'none') expect(result).toMatchObject({ ok: true, accessKeyId: 'LTAIfuzz' });
            if (change.kind === 'body') expect(result.ok).toBe(false);
            if (change.kind === 'query') expect(result.ok).toBe(signed.query[change.name] === change.value);
            if (change.kind === 'header') {
              const name = change.name.toLowerCase();
              // Extra text in Authorization may parse to the same credential; the first property covers its shapes.
              if (name === 'authorization') return;
              const signedName =
                Object.hasOwn(signed.headers, name) || name.startsWith('x-acs-') || name === 'content-type';
              const before = Object.hasOwn(signed.headers, name) ? signed.headers[name] : undefined;
              // What the verifier sees under that name afterwards: a second spelling of a present header joins it.
              const after =
                change.value === undefined
                  ? name === change.name
                    ? undefined
                    : before
                  : name !== change.name && before !== undefined
                    ? '\u0000joined'
                    : change.value.trim();
              // An extra unsigned header (user-agent, anything) is allowed; a changed, removed or added signed one not.
              expect(result.ok).toBe(!signedName || after === before);
            }
          },
        ),
        params,
      );
    },
    TIMEOUT,
  );
});
