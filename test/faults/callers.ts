// The four caller surfaces as plain HTTP: a request builder per surface, and checks that an answer
// is a complete success, an error envelope of that dialect, or a stream that ended with that
// dialect's error event (never a stream that looks complete).
import { expect } from 'vitest';

export const SURFACES = ['responses', 'chat', 'messages', 'interactions'] as const;
export type SurfaceName = (typeof SURFACES)[number];

export interface CallerRequest {
  path: string;
  body: Record<string, unknown>;
}

export function callerRequest(surface: SurfaceName, opts: { model: string; text: string; stream: boolean; startWithin: string }): CallerRequest {
  const { model, text, stream, startWithin } = opts;
  const common = { model, stream, start_within: startWithin };
  switch (surface) {
    case 'responses':
      return { path: '/v1/responses', body: { ...common, input: text, max_output_tokens: 256 } };
    case 'chat':
      return { path: '/v1/chat/completions', body: { ...common, messages: [{ role: 'user', content: text }], max_completion_tokens: 256 } };
    case 'messages':
      return { path: '/v1/messages', body: { ...common, max_tokens: 256, messages: [{ role: 'user', content: text }] } };
    case 'interactions':
      return { path: '/v1/interactions', body: { ...common, input: text, generation_config: { max_output_tokens: 256 } } };
  }
}

export interface CallerAnswer {
  status: number;
  headers: Headers;
  text: string;
  /** Milliseconds from sending to the last byte. */
  ms: number;
}

const GOOGLE_STATUS = /^(CANCELLED|UNKNOWN|INVALID_ARGUMENT|DEADLINE_EXCEEDED|NOT_FOUND|ALREADY_EXISTS|PERMISSION_DENIED|RESOURCE_EXHAUSTED|FAILED_PRECONDITION|ABORTED|OUT_OF_RANGE|UNIMPLEMENTED|INTERNAL|UNAVAILABLE|DATA_LOSS|UNAUTHENTICATED)$/;

/** A complete, successful answer in the surface's shape. */
export function expectSuccess(surface: SurfaceName, stream: boolean, answer: CallerAnswer): void {
  expect(answer.status, answer.text.slice(0, 500)).toBe(200);
  if (stream) {
    expect(answer.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const terminal = { responses: 'event: response.completed', chat: 'data: [DONE]', messages: 'event: message_stop', interactions: '"event_type":"interaction.completed"' }[surface];
    expect(answer.text, answer.text.slice(-500)).toContain(terminal);
    expect(answer.text).not.toMatch(/^event: error$|^data: \{"error":|"event_type":"error"/m);
    return;
  }
  const body = JSON.parse(answer.text) as Record<string, unknown>;
  switch (surface) {
    case 'responses':
      expect(body).toMatchObject({ object: 'response', status: 'completed' });
      return;
    case 'chat':
      expect(body).toMatchObject({ object: 'chat.completion' });
      expect((body.choices as Array<{ message: { content: string } }>)[0]?.message.content.length).toBeGreaterThan(0);
      return;
    case 'messages':
      expect(body).toMatchObject({ type: 'message', role: 'assistant' });
      return;
    case 'interactions':
      expect(body).toMatchObject({ object: 'interaction', status: 'completed' });
      return;
  }
}

/** An error answered before any byte of a body: the surface's own envelope, with this status. */
export function expectErrorEnvelope(surface: SurfaceName, answer: CallerAnswer, statuses: readonly number[]): void {
  expect(statuses, answer.text.slice(0, 500)).toContain(answer.status);
  expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
  const body = JSON.parse(answer.text) as { error?: Record<string, unknown>; type?: string };
  expect(answer.text).not.toMatch(/\n\s+at /);
  switch (surface) {
    case 'responses':
    case 'chat':
      expect(body.error).toMatchObject({ message: expect.any(String), type: expect.any(String), code: expect.any(String) });
      return;
    case 'messages':
      expect(body.type).toBe('error');
      expect(body.error).toMatchObject({ type: expect.any(String), message: expect.any(String) });
      return;
    case 'interactions':
      expect(body.error).toMatchObject({ code: answer.status, message: expect.any(String), status: expect.stringMatching(GOOGLE_STATUS) });
      return;
  }
}

/** A stream that started (200) and ended with the dialect's error event, not its success terminal. */
export function expectStreamError(surface: SurfaceName, answer: CallerAnswer): void {
  expect(answer.status, answer.text.slice(0, 500)).toBe(200);
  const text = answer.text;
  switch (surface) {
    case 'responses':
      expect(text).toContain('event: error');
      expect(text).toContain('event: response.failed');
      expect(text).not.toContain('event: response.completed');
      return;
    case 'chat':
      expect(text).toMatch(/data: \{"error":\{/);
      expect(text).not.toContain('data: [DONE]');
      return;
    case 'messages':
      expect(text).toMatch(/event: error\ndata: \{"type":"error","error":\{"type":"\w+"/);
      expect(text).not.toContain('event: message_stop');
      return;
    case 'interactions': {
      const error = /data: (\{"error":.*"event_type":"error"\})/.exec(text)?.[1];
      expect(error, text.slice(-500)).toBeDefined();
      const code = (JSON.parse(error ?? '{}') as { error: { code: string } }).error.code;
      expect(code.toUpperCase()).toMatch(GOOGLE_STATUS);
      expect(text).not.toContain('"event_type":"interaction.completed"');
      return;
    }
  }
}

export async function send(baseUrl: string, key: string, request: CallerRequest, signal?: AbortSignal): Promise<CallerAnswer> {
  const started = performance.now();
  const res = await fetch(`${baseUrl}${request.path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(request.body),
    ...(signal ? { signal } : {}),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, ms: performance.now() - started };
}
