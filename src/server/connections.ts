// Connections that send nothing are closed, and no single address holds more than its share.
//
// Node closes a connection whose request headers are incomplete after `headersTimeout` and one
// idle between requests after `keepAliveTimeout`, but a connection that never sends a first byte
// is never timed out. Here it gets the same idle bound as a keep-alive connection (cleared as soon
// as its first request arrives, so a long answer is never cut), and each client address may hold
// at most `maxPerAddress` open connections (trusted proxies, which carry many clients, are exempt).
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import { groupAddress, plainAddress } from './client-address.js';

export interface ConnectionLimits {
  /** Longest wait for the first byte of a new connection. */
  idleTimeoutMs: number;
  /** Open connections per client address (IPv6: per /64); 0 = unlimited. */
  maxPerAddress: number;
  /** Addresses exempt from the per-address cap (trusted proxies). */
  exempt: (address: string) => boolean;
}

export interface ConnectionGuard {
  /** Call first thing for each request: the connection is no longer idle-timed. */
  requestStarted(socket: Socket): void;
  /** Open connections per address (for tests and metrics). */
  openFrom(address: string): number;
}

export function guardConnections(server: Server, limits: ConnectionLimits): ConnectionGuard {
  const open = new Map<string, number>();
  const awaitingFirstRequest = new WeakSet<Socket>();
  server.on('connection', (socket: Socket) => {
    const peer = plainAddress(socket.remoteAddress ?? 'unknown');
    const address = groupAddress(peer);
    if (limits.maxPerAddress > 0 && !limits.exempt(peer)) {
      const count = (open.get(address) ?? 0) + 1;
      if (count > limits.maxPerAddress) {
        socket.destroy();
        return;
      }
      open.set(address, count);
      socket.once('close', () => {
        const left = (open.get(address) ?? 1) - 1;
        if (left <= 0) open.delete(address);
        else open.set(address, left);
      });
    }
    if (limits.idleTimeoutMs > 0) {
      // With no 'timeout' listener of ours, Node's own handler destroys the socket on expiry.
      socket.setTimeout(limits.idleTimeoutMs);
      awaitingFirstRequest.add(socket);
    }
  });
  return {
    requestStarted(socket) {
      if (awaitingFirstRequest.delete(socket)) socket.setTimeout(0);
    },
    openFrom: (address) => open.get(address) ?? 0,
  };
}

