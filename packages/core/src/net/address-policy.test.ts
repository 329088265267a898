import { describe, expect, it } from 'vitest';
import { createAddressPolicy, isPublicAddress } from './address-policy.js';

describe('address policy', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.8.9.10', 'loopback'],
    ['::1', 'loopback'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['10.0.0.1', 'private'],
    ['172.16.5.4', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'CGNAT'],
    ['100.127.255.254', 'CGNAT'],
    ['169.254.169.254', 'link-local'],
    ['fe80::1', 'link-local'],
    ['fc00::1', 'unique-local'],
    ['fd12:3456::1', 'unique-local'],
    ['::ffff:127.0.0.1', 'IPv4-mapped'],
    ['::ffff:8.8.8.8', 'IPv4-mapped'],
    ['64:ff9b::a9fe:a9fe', 'NAT64'],
    ['2002:a9fe:a9fe::1', '6to4'],
    ['224.0.0.1', 'multicast'],
    ['ff02::1', 'multicast'],
    ['255.255.255.255', 'reserved'],
  ])('refuses %s (%s)', (address, reason) => {
    const verdict = createAddressPolicy().check(address);
    expect(verdict.allowed).toBe(false);
    expect(verdict.allowed ? '' : verdict.reason).toContain(reason);
  });

  it.each(['8.8.8.8', '1.1.1.1', '172.32.0.1', '100.128.0.1', '2606:4700:4700::1111', '[2001:4860:4860::8888]'])(
    'allows the public address %s',
    (address) => {
      expect(isPublicAddress(address)).toBe(true);
    },
  );

  it('refuses what is not an address', () => {
    expect(createAddressPolicy().check('localhost')).toEqual({ allowed: false, reason: 'not an IP address' });
  });

  it('lets an allow-list open single addresses and ranges, and nothing next to them', () => {
    const policy = createAddressPolicy({ allowCidrs: ['127.0.0.1/32', '10.1.0.0/16', '::1'] });
    expect(policy.check('127.0.0.1').allowed).toBe(true);
    expect(policy.check('::1').allowed).toBe(true);
    expect(policy.check('10.1.200.3').allowed).toBe(true);
    expect(policy.check('127.0.0.2').allowed).toBe(false);
    expect(policy.check('10.2.0.1').allowed).toBe(false);
  });

  it('rejects malformed allow-list entries when the policy is made', () => {
    expect(() => createAddressPolicy({ allowCidrs: ['10.0.0.0/33'] })).toThrow(/prefix/);
    expect(() => createAddressPolicy({ allowCidrs: ['example.com/8'] })).toThrow(/not an IP/);
  });
});
