import { BlockList, isIP } from 'node:net';

/**
 * Address ranges a server-side fetch must never reach unless an allow-list names them: anything that is not a
 * globally routed unicast address (loopback, private, shared/CGNAT, link-local with the cloud metadata service,
 * multicast, reserved, documentation ranges) and IPv6 forms that embed an IPv4 address (mapped, NAT64, 6to4),
 * because they can reach the same hosts by another spelling.
 */
const REFUSED_RANGES: ReadonlyArray<readonly [string, number, 'ipv4' | 'ipv6', string]> = [
  ['0.0.0.0', 8, 'ipv4', 'unspecified ("this network")'],
  ['10.0.0.0', 8, 'ipv4', 'private'],
  ['100.64.0.0', 10, 'ipv4', 'shared address space (CGNAT)'],
  ['127.0.0.0', 8, 'ipv4', 'loopback'],
  ['169.254.0.0', 16, 'ipv4', 'link-local (cloud metadata)'],
  ['172.16.0.0', 12, 'ipv4', 'private'],
  ['192.0.0.0', 24, 'ipv4', 'IETF protocol assignments'],
  ['192.0.2.0', 24, 'ipv4', 'documentation'],
  ['192.88.99.0', 24, 'ipv4', '6to4 relay'],
  ['192.168.0.0', 16, 'ipv4', 'private'],
  ['198.18.0.0', 15, 'ipv4', 'benchmarking'],
  ['198.51.100.0', 24, 'ipv4', 'documentation'],
  ['203.0.113.0', 24, 'ipv4', 'documentation'],
  ['224.0.0.0', 4, 'ipv4', 'multicast'],
  ['240.0.0.0', 4, 'ipv4', 'reserved'],
  ['::', 128, 'ipv6', 'unspecified'],
  ['::1', 128, 'ipv6', 'loopback'],
  ['::ffff:0:0', 96, 'ipv6', 'IPv4-mapped'],
  ['::', 96, 'ipv6', 'IPv4-compatible'],
  ['64:ff9b::', 96, 'ipv6', 'NAT64'],
  ['64:ff9b:1::', 48, 'ipv6', 'NAT64 (local use)'],
  ['100::', 64, 'ipv6', 'discard-only'],
  ['2001:db8::', 32, 'ipv6', 'documentation'],
  ['2002::', 16, 'ipv6', '6to4'],
  ['fc00::', 7, 'ipv6', 'unique-local'],
  ['fe80::', 10, 'ipv6', 'link-local'],
  ['fec0::', 10, 'ipv6', 'site-local'],
  ['ff00::', 8, 'ipv6', 'multicast'],
];

export interface AddressPolicyOptions {
  /**
   * CIDR ranges (`127.0.0.1/32`, `10.1.0.0/16`, `::1/128`) or single addresses that are reachable even though they
   * fall in a refused range. Default: none.
   */
  allowCidrs?: readonly string[];
}

export type AddressVerdict = { allowed: true } | { allowed: false; reason: string };

export interface AddressPolicy {
  check(address: string): AddressVerdict;
}

function familyOf(address: string): 'ipv4' | 'ipv6' | undefined {
  const family = isIP(address);
  return family === 4 ? 'ipv4' : family === 6 ? 'ipv6' : undefined;
}

/** Adds `cidr` (or a single address) to `list`; throws a TypeError naming the entry when it is malformed. */
function addCidr(list: BlockList, cidr: string): void {
  const [address = '', prefixText] = cidr.trim().split('/');
  const type = familyOf(address);
  if (type === undefined) throw new TypeError(`not an IP address or CIDR range: ${JSON.stringify(cidr)}`);
  if (prefixText === undefined) {
    list.addAddress(address, type);
    return;
  }
  const prefix = Number(prefixText);
  const max = type === 'ipv4' ? 32 : 128;
  if (!/^\d+$/.test(prefixText) || prefix > max) throw new TypeError(`bad prefix length in ${JSON.stringify(cidr)}`);
  list.addSubnet(address, prefix, type);
}

/**
 * Decides whether a resolved address may be connected to.
 *
 * @example createAddressPolicy({ allowCidrs: ['127.0.0.1/32'] }).check('127.0.0.1') // { allowed: true }
 */
export function createAddressPolicy(options: AddressPolicyOptions = {}): AddressPolicy {
  const allowed = new BlockList();
  for (const cidr of options.allowCidrs ?? []) addCidr(allowed, cidr);
  const refused = REFUSED_RANGES.map(([address, prefix, type, reason]) => {
    const list = new BlockList();
    list.addSubnet(address, prefix, type);
    return { list, type, reason };
  });
  return {
    check(address: string): AddressVerdict {
      const bare = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
      const type = familyOf(bare);
      if (type === undefined) return { allowed: false, reason: 'not an IP address' };
      if (allowed.check(bare, type)) return { allowed: true };
      // Same family only: BlockList matches any IPv4 address against an IPv6 rule covering ::ffff:0:0/96.
      const hit = refused.find((r) => r.type === type && r.list.check(bare, type));
      return hit ? { allowed: false, reason: `${hit.reason} address` } : { allowed: true };
    },
  };
}

/** True when `address` is a globally routable unicast address (the default policy, no allow-list). */
export function isPublicAddress(address: string): boolean {
  return defaultPolicy.check(address).allowed;
}

const defaultPolicy = createAddressPolicy();
