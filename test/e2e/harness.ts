// Starts the real gateway and the real emulator on loopback ports for end-to-end tests.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request as httpRequest } from 'node:http';
import pino from 'pino';
import OpenAI from 'openai';
import { afterAll, beforeAll } from 'vitest';
import { createKey } from '../../src/store/api-keys.js';
import { loadConfig } from '../../src/config.js';
import type { EmulatorOptions, RunningEmulator } from '../../src/emulator/index.js';
import { startEmulator } from '../../src/emulator/index.js';
import type { RunningGateway, StartOptions } from '../../src/server/bootstrap.js';
import { startGateway } from '../../src/server/bootstrap.js';

export interface Harness {
  url: string;
  /** Temporary directory holding the database; close() removes it. */
  dir: string;
  key: string;
  emulator: RunningEmulator;
  gateway: RunningGateway;
  close(): Promise<void>;
}

export async function startHarness(
  options: { emulator?: EmulatorOptions; env?: Record<string, string>; gateway?: Partial<StartOptions> } = {},
): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'flexinf-e2e-'));
  const emulator = await startEmulator({ port: 0, host: '127.0.0.1', profile: 'instant', seed: 7, ...options.emulator });
  const config = loadConfig(
    {
      FLEX_DB: join(dir, 'e2e.db'),
      OPENAI_BASE_URL: `${emulator.url}/v1`,
      OPENAI_API_KEY: 'test-openai-key',
      GEMINI_BASE_URL: emulator.url,
      GEMINI_API_KEY: 'test-gemini-key',
      ANTHROPIC_BASE_URL: emulator.url,
      ANTHROPIC_API_KEY: 'test-anthropic-key',
      FLEX_MASTER_KEY: 'test-master-key',
      FLEX_SHUTDOWN_GRACE_MS: '2000',
      ...options.env,
    },
    { port: '0', host: '127.0.0.1' },
  );
  const gateway = await startGateway({ config, log: pino({ level: 'silent' }), ...options.gateway });
  const key = await createKey(gateway.deps.store, 'e2e', 'test');
  return {
    url: gateway.url,
    dir,
    key,
    emulator,
    gateway,
    async close() {
      await gateway.stop(1000);
      await emulator.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A test file's gateway and the official OpenAI client on it; read them inside tests, not at load. */
export interface OpenAIHarness {
  readonly h: Harness;
  readonly client: OpenAI;
}

/** The usual setup of a test file: one harness and an OpenAI client, started before its tests and closed after. */
export function useOpenAIHarness(options?: Parameters<typeof startHarness>[0]): OpenAIHarness {
  let started: { h: Harness; client: OpenAI } | undefined;
  const get = () => {
    if (!started) throw new Error('the harness is read before beforeAll started it');
    return started;
  };
  beforeAll(async () => {
    const h = await startHarness(options);
    started = { h, client: new OpenAI({ apiKey: h.key, baseURL: `${h.url}/v1`, maxRetries: 0 }) };
  });
  afterAll(async () => {
    await started?.h.close();
  });
  return {
    get h() {
      return get().h;
    },
    get client() {
      return get().client;
    },
  };
}

/**
 * Teaches the gateway standard's time to finish for `model` with eight non-streamed standard answers
 * (the samples a learned finish time needs). Until then a non-streamed race reserves the cautious
 * default finish (p99.9 6 s), so a 5 s window goes straight to standard; tests of the race itself
 * start from a gateway that has seen the model, as one in service has.
 */
export async function learnStandardFinish(h: Harness, model: string): Promise<void> {
  for (let i = 0; i < 8; i++) {
    const res = await post(`${h.url}/v1/responses`, JSON.stringify({ model, input: `warm-up ${i}`, start_within: 'default' }), {
      authorization: `Bearer ${h.key}`,
    });
    if (res.status !== 200) throw new Error(`warm-up answer ${res.status}: ${res.text}`);
  }
}

/** Raw HTTP helper for the cases SDKs cannot express (bad JSON, odd headers, oversized bodies). */
export async function post(
  url: string,
  body: string | Buffer,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; json: unknown; text: string }> {
  const res = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
  const text = await res.text();
  let json: unknown = undefined;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, json, text };
}

/** Streams `totalBytes` of spaces as a chunked body (no Content-Length) and reads the answer. */
export function postChunked(
  url: string,
  headers: Record<string, string>,
  totalBytes: number,
  timeoutMs = 10_000,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
      signal: AbortSignal.timeout(timeoutMs),
    });
    req.on('response', (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    const chunk = Buffer.alloc(64 * 1024, ' ');
    let sent = 0;
    const pump = (): void => {
      while (sent < totalBytes) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      req.end();
    };
    pump();
  });
}
