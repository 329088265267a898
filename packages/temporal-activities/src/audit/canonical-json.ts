export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/**
 * Canonical JSON: object keys sorted by UTF-16 code units, no whitespace, numbers and strings as `JSON.stringify`
 * writes them. For this JSON subset that is RFC 8785 (JCS), so a hash over it can be recomputed with standard tools.
 * Object properties whose value is `undefined` are left out, as `JSON.stringify` does; anything else that JSON cannot
 * represent faithfully (non-finite numbers, `undefined` in arrays, bigint, Date, Map, byte arrays, class instances)
 * throws, so that two equal-looking values never hash differently by accident.
 */
export function canonicalJson(value: unknown): string {
  return write(value, '$');
}

function write(value: unknown, path: string): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`canonical JSON: ${path} is ${value}`);
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) {
    return `[${value
      .map((item, index) => {
        if (item === undefined) throw new TypeError(`canonical JSON: ${path}[${index}] is undefined`);
        return write(item, `${path}[${index}]`);
      })
      .join(',')}]`;
  }
  if (typeof value === 'object') {
    const prototype = Object.getPrototypeOf(value) as unknown;
    if (prototype !== Object.prototype && prototype !== null) {
      throw new TypeError(
        `canonical JSON: ${path} is a ${value.constructor?.name ?? 'non-plain object'}, not plain data`,
      );
    }
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${write(item, `${path}.${key}`)}`).join(',')}}`;
  }
  throw new TypeError(`canonical JSON: ${path} is a ${typeof value}`);
}
