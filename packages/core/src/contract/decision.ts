import { SubCode } from './doc-types.js';

/**
 * Which SubCode a verification's check results give. One precedence everywhere (the local engine and the workflow):
 * the wrong document first (nothing else is meaningful on it), then quality, then spoofing. Callers still record
 * every failed check, not only the one reported.
 */
export function decideSubCode(outcome: {
  docTypeMatched: boolean;
  qualityPassed?: boolean;
  spoofFound?: boolean;
}): SubCode {
  if (!outcome.docTypeMatched) return SubCode.WrongDocument;
  if (outcome.qualityPassed === false) return SubCode.Quality;
  if (outcome.spoofFound === true) return SubCode.Spoof;
  return SubCode.Passed;
}

/**
 * Names of the reading checks whose failure means the visual zone disagrees with the machine-readable data or the
 * ID number's check character: evidence of TAMPER.
 */
export const TAMPER_CONSISTENCY_CHECKS: ReadonlySet<string> = new Set([
  'mrz.valid',
  'mrz.checkDigits',
  'passportNo.matchesVisualZone',
  'birthDate.matchesIdNumber',
  'sex.matchesIdNumber',
]);

/** False when any consistency check among the reading checks failed. */
export function machineDataConsistent(checks: ReadonlyArray<{ name: string; ok: boolean }>): boolean {
  return !checks.some((c) => TAMPER_CONSISTENCY_CHECKS.has(c.name) && !c.ok);
}
