/**
 * The cross-document checks and the decision of a KYC application. Pure and deterministic (no node builtins, no
 * clock of their own), so the `kyc` workflow runs them directly and unit tests need no Temporal.
 */

/**
 * Recorded with every automatic KYC decision, so an auditor can tell which rules decided. Raise it whenever a check,
 * a normalisation or the precedence changes.
 */
export const KYC_CHECKS_VERSION = 'dococr-kyc-checks/1';

/** What the application's owner asks for. */
export interface KycPolicy {
  /** Reject an applicant younger than this on the workflow's clock; no age check when absent. */
  minimumAge?: number | undefined;
  /** How long a human reviewer has before the application is escalated. */
  reviewDeadlineSeconds: number;
  /** Every document must show the same person (name, birth date, sex); otherwise mismatches are only recorded. */
  requireSamePerson: boolean;
}

/** How one document of the application came out of its `docOcr` child. */
export interface KycDocumentOutcome {
  /** 1-based position in the application. */
  index: number;
  role: string;
  docType: string;
  cardSide?: 'OCR_ID_FACE' | 'OCR_ID_NATIONAL_EMBLEM' | undefined;
  workflowId: string;
  /** `read`: a DocOcrV2 success body; `refused`: the API's error body (bad image); `error`: the child failed. */
  status: 'read' | 'refused' | 'error';
  httpStatus?: number | undefined;
  /** The API's error code of a refused document. */
  code?: string | undefined;
  subCode?: string | undefined;
  passed?: 'Y' | 'N' | undefined;
  /** The fields read (PII): kept in encrypted workflow state only, never in queries, logs or the audit log. */
  ocrIdInfo?: Record<string, string> | undefined;
}

/**
 * One check. `ok` is null when it could not be made (a field unread, no common script). `onFailure` says what a
 * failed or impossible check does to the decision: `reject`, `review`, or `note` (recorded, not deciding).
 */
export interface KycCheck {
  name: string;
  documents: number[];
  ok: boolean | null;
  detail: string;
  onFailure: 'reject' | 'review' | 'note';
}

export type KycAutomaticDecision = 'approved' | 'rejected' | 'review';

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
/** The mainland ID card's validity without end. */
const LONG_TERM = '长期';

/** Upper-case Latin letters only, accents removed: 'Suen, Kwok-Hoi' and 'SUEN KWOK HOI' compare equal. */
export function normaliseLatinName(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toUpperCase()
    .replace(/[^A-Z]/g, '');
}

function latinTokens(name: string): string[] {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toUpperCase()
    .split(/[^A-Z]+/)
    .filter((t) => t !== '')
    .sort();
}

/** Chinese names compare without spaces and the middle dots of transliterated names. */
export function normaliseChineseName(name: string): string {
  return name.replace(/[\s·•・.]/g, '');
}

/**
 * Latin names match when their letters match (OCR drops spaces: 'HUYINGYI') or when their words match in any order
 * (a passport writes surname first, another card may write the given name first).
 */
export function latinNamesMatch(a: string, b: string): boolean {
  const [na, nb] = [normaliseLatinName(a), normaliseLatinName(b)];
  if (na === '' || nb === '') return false;
  if (na === nb) return true;
  const [ta, tb] = [latinTokens(a), latinTokens(b)];
  return ta.length > 1 && ta.join(' ') === tb.join(' ');
}

function normaliseSex(value: string | undefined): 'M' | 'F' | undefined {
  const v = (value ?? '').trim().toUpperCase();
  if (v === 'M' || v === 'MALE' || v === '男') return 'M';
  if (v === 'F' || v === 'FEMALE' || v === '女') return 'F';
  return undefined;
}

/** The identity a document shows, from its ocrIdInfo whatever its DocType. */
export interface PersonOnDocument {
  chineseName?: string;
  latinName?: string;
  birthDate?: string;
  sex?: 'M' | 'F';
}

export function personOf(info: Record<string, string> | undefined): PersonOnDocument {
  if (!info) return {};
  const person: PersonOnDocument = {};
  const chinese = normaliseChineseName(info.name ?? `${info.surnameCN ?? ''}${info.givennameCN ?? ''}`);
  if (chinese !== '') person.chineseName = chinese;
  const latin = (info.englishName ?? `${info.surname ?? ''} ${info.givenname ?? ''}`).trim();
  if (normaliseLatinName(latin) !== '') person.latinName = latin;
  if (info.birthDate && ISO_DATE.test(info.birthDate)) person.birthDate = info.birthDate;
  const sex = normaliseSex(info.sex);
  if (sex) person.sex = sex;
  return person;
}

/** Pinyin readings of names a document shows only in Chinese, by document index (computed by an activity). */
export type RomanisedNames = Readonly<Record<number, readonly string[]>>;

function compareNames(
  a: { index: number; person: PersonOnDocument },
  b: { index: number; person: PersonOnDocument },
  romanised: RomanisedNames,
): { ok: boolean | null; detail: string } {
  const names: boolean[] = [];
  if (a.person.latinName && b.person.latinName) names.push(latinNamesMatch(a.person.latinName, b.person.latinName));
  if (a.person.chineseName && b.person.chineseName) names.push(a.person.chineseName === b.person.chineseName);
  if (names.length > 0)
    return { ok: names.every(Boolean), detail: names.every(Boolean) ? 'names agree' : 'names differ' };
  // No script in common: a Chinese-only name against a romanised one, through its pinyin readings.
  for (const [chinese, latin] of [
    [a, b],
    [b, a],
  ] as const) {
    const readings = romanised[chinese.index];
    if (chinese.person.chineseName && latin.person.latinName && readings && readings.length > 0) {
      const ok = readings.some((r) => latinNamesMatch(r, latin.person.latinName!));
      return { ok, detail: ok ? 'pinyin of the Chinese name agrees' : 'pinyin of the Chinese name differs' };
    }
  }
  return { ok: null, detail: 'no script in common and no pinyin reading' };
}

/**
 * Same person across every pair of read documents: names on each script both documents print, or else the pinyin
 * of a Chinese-only name against the other's romanised name (mainland names; Hong Kong and Macao cards carry their own
 * Cantonese romanisation), birth dates and sex where both show them.
 */
export function samePersonChecks(
  documents: KycDocumentOutcome[],
  policy: KycPolicy,
  romanised: RomanisedNames = {},
): KycCheck[] {
  const onFailure = policy.requireSamePerson ? 'review' : 'note';
  const people = documents
    .filter((d) => d.status === 'read')
    .map((d) => ({ index: d.index, person: personOf(d.ocrIdInfo) }))
    .filter(({ person }) => person.chineseName || person.latinName || person.birthDate);
  const checks: KycCheck[] = [];
  for (let i = 0; i < people.length; i++) {
    for (let j = i + 1; j < people.length; j++) {
      const [a, b] = [people[i]!, people[j]!];
      const documentsPair = [a.index, b.index];
      checks.push({ name: 'samePerson.name', documents: documentsPair, ...compareNames(a, b, romanised), onFailure });
      const compare = (field: 'birthDate' | 'sex', same: string, different: string) => {
        const [va, vb] = [a.person[field], b.person[field]];
        if (!va || !vb) return;
        const ok = va === vb;
        checks.push({
          name: `samePerson.${field}`,
          documents: documentsPair,
          ok,
          detail: ok ? same : different,
          onFailure,
        });
      };
      compare('birthDate', 'same date', 'birth dates differ');
      compare('sex', 'same', 'differs');
    }
  }
  return checks;
}

/**
 * Every document that has an expiry date must still be valid on `today` (yyyy-mm-dd, the workflow's clock). A card
 * valid "long-term" passes; an expiry field left unread sends the application to review.
 */
export function expiryChecks(documents: KycDocumentOutcome[], today: string): KycCheck[] {
  const checks: KycCheck[] = [];
  for (const d of documents) {
    if (d.status !== 'read' || !d.ocrIdInfo || !('expiryDate' in d.ocrIdInfo)) continue;
    const expiry = d.ocrIdInfo.expiryDate ?? '';
    if (expiry === LONG_TERM) {
      checks.push({ name: 'expiry', documents: [d.index], ok: true, detail: 'valid long-term', onFailure: 'reject' });
    } else if (!ISO_DATE.test(expiry)) {
      checks.push({
        name: 'expiry',
        documents: [d.index],
        ok: null,
        detail: 'expiry date not read',
        onFailure: 'review',
      });
    } else {
      const ok = expiry >= today;
      checks.push({
        name: 'expiry',
        documents: [d.index],
        ok,
        detail: ok ? 'valid today' : 'expired',
        onFailure: 'reject',
      });
    }
  }
  return checks;
}

/** Full years between a birth date and `today`, both yyyy-mm-dd. */
export function ageOn(birthDate: string, today: string): number {
  const b = ISO_DATE.exec(birthDate);
  const t = ISO_DATE.exec(today);
  if (!b || !t) throw new RangeError('dates must be yyyy-mm-dd');
  const years = Number(t[1]) - Number(b[1]);
  return `${t[2]}-${t[3]}` < `${b[2]}-${b[3]}` ? years - 1 : years;
}

/**
 * The applicant's age against the policy's minimum. With several birth dates (documents that disagree) the youngest
 * counts; with none, the age cannot be established and the application goes to review.
 */
export function minimumAgeCheck(documents: KycDocumentOutcome[], policy: KycPolicy, today: string): KycCheck[] {
  if (policy.minimumAge === undefined) return [];
  const dated = documents
    .filter((d) => d.status === 'read')
    .map((d) => ({ index: d.index, birthDate: personOf(d.ocrIdInfo).birthDate }))
    .filter((d): d is { index: number; birthDate: string } => d.birthDate !== undefined && d.birthDate <= today);
  if (dated.length === 0) {
    return [{ name: 'minimumAge', documents: [], ok: null, detail: 'no birth date read', onFailure: 'review' }];
  }
  const youngest = Math.min(...dated.map((d) => ageOn(d.birthDate, today)));
  const ok = youngest >= policy.minimumAge;
  return [
    {
      name: 'minimumAge',
      documents: dated.map((d) => d.index),
      ok,
      detail: ok ? `at least ${policy.minimumAge}` : `younger than ${policy.minimumAge}`,
      onFailure: 'reject',
    },
  ];
}

/** Every check the workflow makes itself, on the workflow's clock. */
export function crossCheck(
  documents: KycDocumentOutcome[],
  policy: KycPolicy,
  today: string,
  romanised: RomanisedNames = {},
): KycCheck[] {
  return [
    ...samePersonChecks(documents, policy, romanised),
    ...expiryChecks(documents, today),
    ...minimumAgeCheck(documents, policy, today),
  ];
}

function describeDocument(d: KycDocumentOutcome): string {
  return `document ${d.index} (${d.role})`;
}

function describeCheck(c: KycCheck): string {
  const where = c.documents.length > 0 ? ` [documents ${c.documents.join(', ')}]` : '';
  return `${c.name}: ${c.detail}${where}`;
}

/**
 * The automatic decision, one precedence:
 * 1. rejected when a document was refused (its API error code) or did not pass (its SubCode: wrong type, quality,
 *    spoofing), or when a check whose failure is final failed (an expired document, an applicant under age);
 * 2. review when a document could not be processed, or a check failed or could not be made whose failure needs a
 *    person (names or birth dates that differ, a check digit that does not hold, a date not read);
 * 3. approved otherwise. `reasons` explain the decision; every check is kept in the workflow's status either way.
 */
export function decideKyc(
  documents: KycDocumentOutcome[],
  checks: KycCheck[],
): { decision: KycAutomaticDecision; reasons: string[] } {
  const rejecting = [
    ...documents
      .filter((d) => d.status === 'refused')
      .map((d) => `${describeDocument(d)}: refused with ${d.code ?? 'an error'}`),
    ...documents
      .filter((d) => d.status === 'read' && d.passed !== 'Y')
      .map((d) => `${describeDocument(d)}: SubCode ${d.subCode ?? 'missing'}`),
    ...checks.filter((c) => c.ok === false && c.onFailure === 'reject').map(describeCheck),
  ];
  if (rejecting.length > 0) return { decision: 'rejected', reasons: rejecting };
  const reviewing = [
    ...documents.filter((d) => d.status === 'error').map((d) => `${describeDocument(d)}: could not be processed`),
    ...checks.filter((c) => c.ok !== true && c.onFailure !== 'note').map(describeCheck),
  ];
  if (reviewing.length > 0) return { decision: 'review', reasons: reviewing };
  return { decision: 'approved', reasons: [] };
}
