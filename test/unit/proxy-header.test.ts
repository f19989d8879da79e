/**
 * The PROXY protocol's version-1 line as a load balancer writes it: the caller's address and port
 * are taken from a valid TCP4/TCP6 line, UNKNOWN keeps the connection's own, and anything else is
 * refused (the connection is then dropped).
 */
import { describe, expect, it } from 'vitest';
import { parseProxyLine } from '../../src/ssh/proxy-header.js';

describe('parseProxyLine', () => {
  it.each([
    ['PROXY TCP4 203.0.113.7 10.0.0.5 51234 2222', { address: '203.0.113.7', port: 51234 }],
    ['PROXY TCP6 2001:db8::7 2001:db8::1 40000 2222', { address: '2001:db8::7', port: 40000 }],
  ])('takes the caller from %s', (line, caller) => {
    expect(parseProxyLine(line)).toEqual(caller);
  });

  it('keeps the connection’s own address for UNKNOWN (a health check)', () => {
    expect(parseProxyLine('PROXY UNKNOWN')).toBeNull();
    expect(parseProxyLine('PROXY UNKNOWN ignored fields')).toBeNull();
  });

  it.each([
    'SSH-2.0-OpenSSH_9.2',
    'PROXY',
    'PROXY TCP4 203.0.113.7 10.0.0.5 51234',
    'PROXY TCP4 2001:db8::7 10.0.0.5 51234 2222',
    'PROXY TCP6 203.0.113.7 10.0.0.5 51234 2222',
    'PROXY TCP4 203.0.113.256 10.0.0.5 51234 2222',
    'PROXY TCP4 203.0.113.7 10.0.0.5 65536 2222',
    'PROXY TCP4 203.0.113.7 10.0.0.5 -1 2222',
    'PROXY UDP4 203.0.113.7 10.0.0.5 51234 2222',
    'proxy TCP4 203.0.113.7 10.0.0.5 51234 2222',
  ])('refuses %j', (line) => {
    expect(parseProxyLine(line)).toBeUndefined();
  });
});
