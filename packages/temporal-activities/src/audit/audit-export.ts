import { canonicalJson } from './canonical-json.js';
import type { AuditEvent } from './audit-types.js';

const CSV_COLUMNS = [
  'applicationId',
  'seq',
  'eventId',
  'workflowId',
  'runId',
  'step',
  'attempt',
  'startedAt',
  'endedAt',
  'recordedAt',
  'actor',
  'engineVersion',
  'inputDigest',
  'outputDigest',
  'outcome',
  'reasons',
  'data',
  'prevHash',
  'hash',
] as const satisfies ReadonlyArray<keyof AuditEvent>;

/** One canonical JSON object per line, each ending in `\n`: hash-verifiable line by line. */
export function toJsonLines(events: readonly AuditEvent[]): string {
  return events.map((event) => `${canonicalJson(event)}\n`).join('');
}

export function parseJsonLines(text: string): AuditEvent[] {
  return text
    .split('\n')
    .filter((line) => line.trim().length > 0)
    .map((line) => JSON.parse(line) as AuditEvent);
}

/** RFC 4180: CRLF line ends, fields quoted when they hold a comma, quote or line break; `reasons`, `data` as JSON. */
export function toCsv(events: readonly AuditEvent[]): string {
  const rows = events.map((event) =>
    CSV_COLUMNS.map((column) => {
      const value = event[column];
      if (value === null) return '';
      return csvField(typeof value === 'object' ? canonicalJson(value) : String(value));
    }).join(','),
  );
  return [CSV_COLUMNS.join(','), ...rows].map((row) => `${row}\r\n`).join('');
}

function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}
