// The caller's address for per-address limits (failed authentications, open connections).
//
// Behind load balancers the socket's peer is the last proxy, and X-Forwarded-For lists the hops,
// each proxy appending the address it received the request from. Only the right-hand part written
// by proxies we trust is reliable: the left-most hop is whatever the client wrote. So the client is
// the right-most address that is not a trusted proxy (MDN "X-Forwarded-For", Selecting an IP
// address), and X-Forwarded-For is ignored unless the socket's peer is itself trusted.
import type { IncomingMessage } from 'node:http';
import { BlockList, isIP } from 'node:net';

export type ClientAddressOf = (req: IncomingMessage) => string;

/**
 * `trustedProxies`: addresses and CIDRs (`10.0.0.0/8`, `2001:db8::/32`, `192.0.2.7`), as
 * validated by the configuration. Empty: the socket's peer is the client.
 */
export function createClientAddressResolver(trustedProxies: readonly string[]): ClientAddressOf {
  if (trustedProxies.length === 0) return (req) => groupAddress(peerAddress(req));
  const isTrusted = createTrustCheck(trustedProxies);
  return (req) => {
    const peer = peerAddress(req);
    if (!isTrusted(peer)) return groupAddress(peer);
    const header = req.headers['x-forwarded-for'];
    if (typeof header !== 'string') return groupAddress(peer);
    const hops = header.split(',');
    let client = peer;
    for (let i = hops.length - 1; i >= 0; i--) {
      const hop = hopAddress(hops[i] ?? '');
      // An unreadable hop was not written by a proxy we trust: the last trusted one is the client.
      if (hop === undefined) break;
      client = hop;
      if (!isTrusted(hop)) break;
    }
    return groupAddress(client);
  };
}

/** The socket's peer as a plain address (IPv4-mapped IPv6 shown as IPv4). */
export function peerAddress(req: Pick<IncomingMessage, 'socket'>): string {
  return plainAddress(req.socket.remoteAddress ?? 'unknown');
}

export function plainAddress(address: string): string {
  return address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
}

/** IPv6 callers are grouped by their /64 network (one host usually owns a whole /64). */
export function groupAddress(address: string): string {
  if (isIP(address) !== 6) return address;
  return `${address.split(':').slice(0, 4).join(':')}::/64`;
}

/** One X-Forwarded-For entry: `1.2.3.4`, `1.2.3.4:5678`, `2001:db8::1`, `[2001:db8::1]:443`. */
function hopAddress(raw: string): string | undefined {
  let hop = raw.trim();
  if (hop.startsWith('[')) hop = hop.slice(1, hop.indexOf(']') === -1 ? undefined : hop.indexOf(']'));
  else if (hop.includes('.') && hop.lastIndexOf(':') > hop.lastIndexOf('.')) hop = hop.slice(0, hop.lastIndexOf(':'));
  hop = plainAddress(hop);
  return isIP(hop) === 0 ? undefined : hop;
}

/** True for an address inside one of the trusted proxy addresses or CIDRs. */
export function createTrustCheck(trustedProxies: readonly string[]): (address: string) => boolean {
  const list = new BlockList();
  for (const entry of trustedProxies) {
    const [address = '', prefix] = entry.split('/');
    const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    if (prefix === undefined) list.addAddress(address, family);
    else list.addSubnet(address, Number(prefix), family);
  }
  return (address) => {
    const family = isIP(address);
    return family !== 0 && list.check(address, family === 6 ? 'ipv6' : 'ipv4');
  };
}
