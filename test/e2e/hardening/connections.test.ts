// Connections that send nothing, or send their headers a byte at a time, are closed within their
// bounds; one address cannot hold more than its share of connections; real requests are unaffected.
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Harness } from '../harness.js';
import { post, startHarness } from '../harness.js';

const IDLE_MS = 600;
const HEADERS_MS = 800;

let h: Harness;
let port: number;
beforeAll(async () => {
  h = await startHarness({
    env: {
      FLEX_CLIENT_IDLE_TIMEOUT_MS: String(IDLE_MS),
      FLEX_CLIENT_HEADERS_TIMEOUT_MS: String(HEADERS_MS),
      FLEX_CLIENT_REQUEST_TIMEOUT_MS: '1500',
    },
  });
  port = Number(new URL(h.url).port);
});
afterAll(async () => {
  await h.close();
});

/** Opens a connection from `localAddress` and resolves how long it stayed open (ms). */
function openAndTime(localAddress = '127.0.0.1', onConnect: (socket: Socket) => void = () => undefined): { socket: Socket; closed: Promise<number> } {
  const started = performance.now();
  const socket = connect({ port, host: '127.0.0.1', localAddress });
  socket.on('error', () => undefined);
  socket.on('connect', () => onConnect(socket));
  const closed = new Promise<number>((resolve) => socket.once('close', () => resolve(performance.now() - started)));
  return { socket, closed };
}

/** Writes a request's headers one byte every 100 ms, never finishing them. */
function slowloris(socket: Socket): void {
  const head = 'POST /v1/responses HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nX-Pad: ';
  let i = 0;
  const timer = setInterval(() => {
    if (socket.destroyed) return clearInterval(timer);
    socket.write(head[i++] ?? 'a');
  }, 100);
}

describe('client connections', () => {
  it('closes 200 connections that send nothing or trickle their headers, each within its bound', async () => {
    const idle = Array.from({ length: 100 }, () => openAndTime());
    const trickling = Array.from({ length: 100 }, () => openAndTime('127.0.0.1', slowloris));
    const idleTimes = await Promise.all(idle.map((c) => c.closed));
    const trickleTimes = await Promise.all(trickling.map((c) => c.closed));
    // Never before their bound; after it, within generous slack for a loaded machine (before the
    // fix they stayed open indefinitely).
    expect(Math.min(...idleTimes)).toBeGreaterThanOrEqual(IDLE_MS - 50);
    expect(Math.max(...idleTimes)).toBeLessThan(IDLE_MS + 10_000);
    expect(Math.min(...trickleTimes)).toBeGreaterThanOrEqual(HEADERS_MS - 50);
    expect(Math.max(...trickleTimes)).toBeLessThan(HEADERS_MS + 10_000);
  });

  it('caps open connections per address; other addresses and real requests still get through', async () => {
    // A long idle bound here, so a connection closed at once can only be the cap's doing.
    const capped = await startHarness({ env: { FLEX_CLIENT_IDLE_TIMEOUT_MS: '60000', FLEX_MAX_CONNECTIONS_PER_ADDRESS: '50' } });
    const cappedPort = Number(new URL(capped.url).port);
    const open = (localAddress: string) => {
      const started = performance.now();
      const socket = connect({ port: cappedPort, host: '127.0.0.1', localAddress });
      socket.on('error', () => undefined);
      return { socket, closed: new Promise<number>((resolve) => socket.once('close', () => resolve(performance.now() - started))) };
    };
    try {
      const held = Array.from({ length: 50 }, () => open('127.0.0.3'));
      await Promise.all(held.map((c) => new Promise((r) => c.socket.once('connect', r))));
      await new Promise((r) => setTimeout(r, 100));
      expect(await open('127.0.0.3').closed).toBeLessThan(10_000);
      expect(held.filter((c) => c.socket.destroyed)).toHaveLength(0);
      // Another address is not affected, and a real request gets through.
      const other = open('127.0.0.4');
      await new Promise((r) => other.socket.once('connect', r));
      await new Promise((r) => setTimeout(r, 100));
      expect(other.socket.destroyed).toBe(false);
      other.socket.destroy();
      const res = await post(`${capped.url}/v1/responses`, JSON.stringify({ model: 'gpt-5-mini', input: 'hi', start_within: 'default' }), { authorization: `Bearer ${capped.key}` });
      expect(res.status).toBe(200);
      // Closing connections frees the address's share.
      for (const c of held) c.socket.destroy();
      await Promise.all(held.map((c) => c.closed));
      await new Promise((r) => setTimeout(r, 100));
      const again = open('127.0.0.3');
      await new Promise((r) => again.socket.once('connect', r));
      await new Promise((r) => setTimeout(r, 100));
      expect(again.socket.destroyed).toBe(false);
      again.socket.destroy();
    } finally {
      await capped.close();
    }
  });

  it('never cuts a request whose answer takes longer than the idle bound, nor a kept-alive connection in use', async () => {
    const body = JSON.stringify({ model: 'gpt-5-mini', input: `slow [emulate:delay=${IDLE_MS * 3}]`, start_within: 'default' });
    const slow = await post(`${h.url}/v1/responses`, body, { authorization: `Bearer ${h.key}` });
    expect(slow.status).toBe(200);
    const streamed = await post(`${h.url}/v1/responses`, JSON.stringify({ model: 'gpt-5-mini', input: `slow [emulate:delay=${IDLE_MS * 2}]`, stream: true, start_within: 'default' }), { authorization: `Bearer ${h.key}` });
    expect(streamed.status).toBe(200);
    expect(streamed.text).toContain('response.completed');
  });
});
