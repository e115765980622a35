// The `fetch` a client library is given in these tests: it adds FlexInference's `start_within` to
// each JSON request body (the way a user passes an extra body field through a library that has no
// slot for it) and records what the library sent, so tests can assert on its default requests.
export interface RecordingFetch {
  fetch: typeof fetch;
  /** Parsed JSON bodies, in order. */
  bodies: Record<string, unknown>[];
  /** Response statuses, in order. */
  statuses: number[];
}

export function clientFetch(startWithin: string): RecordingFetch {
  const bodies: Record<string, unknown>[] = [];
  const statuses: number[] = [];
  const wrapped: typeof fetch = async (input, init) => {
    let sent = init;
    if (typeof init?.body === 'string') {
      const json = JSON.parse(init.body) as Record<string, unknown>;
      bodies.push(json);
      sent = { ...init, body: JSON.stringify({ ...json, start_within: startWithin }) };
    }
    const res = await fetch(input, sent);
    statuses.push(res.status);
    return res;
  };
  return { fetch: wrapped, bodies, statuses };
}
