import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { createClientAddressResolver } from './client-address.js';

function request(remoteAddress: string, forwardedFor?: string): IncomingMessage {
  const headers = forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor };
  return { socket: { remoteAddress }, headers } as unknown as IncomingMessage;
}

describe('client address', () => {
  const behindProxy = createClientAddressResolver(['10.0.0.0/8', '127.0.0.1']);

  it('is the socket peer when no proxy is trusted, whatever X-Forwarded-For says', () => {
    const direct = createClientAddressResolver([]);
    expect(direct(request('198.51.100.4', '203.0.113.9'))).toBe('198.51.100.4');
    expect(direct(request('::ffff:198.51.100.4'))).toBe('198.51.100.4');
  });

  it('is the right-most hop that is not a trusted proxy', () => {
    expect(behindProxy(request('10.0.0.5', '203.0.113.9'))).toBe('203.0.113.9');
    expect(behindProxy(request('10.0.0.5', '203.0.113.9, 10.1.1.1'))).toBe('203.0.113.9');
    // The left-most hop is the client's own writing: rotating it changes nothing.
    expect(behindProxy(request('10.0.0.5', '1.1.1.1, 203.0.113.9'))).toBe('203.0.113.9');
    expect(behindProxy(request('10.0.0.5', '2.2.2.2, 203.0.113.9, 10.1.1.1'))).toBe('203.0.113.9');
  });

  it('ignores X-Forwarded-For from a peer that is not a trusted proxy', () => {
    expect(behindProxy(request('198.51.100.4', '203.0.113.9'))).toBe('198.51.100.4');
  });

  it('reads ports, brackets, IPv4-mapped and IPv6 hops, grouping IPv6 by /64', () => {
    expect(behindProxy(request('::ffff:127.0.0.1', '203.0.113.9:51234'))).toBe('203.0.113.9');
    expect(behindProxy(request('127.0.0.1', '[2001:db8:1:2:3:4:5:6]:443'))).toBe('2001:db8:1:2::/64');
    expect(behindProxy(request('127.0.0.1', '::ffff:203.0.113.9'))).toBe('203.0.113.9');
  });

  it('stops at an unreadable hop: the last trusted proxy is all that can be vouched for', () => {
    expect(behindProxy(request('127.0.0.1', '203.0.113.9, not-an-address, 10.2.2.2'))).toBe('10.2.2.2');
    expect(behindProxy(request('127.0.0.1'))).toBe('127.0.0.1');
  });

  it('falls back to the left-most hop when every hop is a trusted proxy', () => {
    expect(behindProxy(request('127.0.0.1', '10.9.9.9, 10.1.1.1'))).toBe('10.9.9.9');
  });
});
