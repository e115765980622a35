// How long a provider asked callers to wait before retrying a refused request: OpenAI's
// `retry-after-ms`, the standard `Retry-After` (seconds or an HTTP date, RFC 9110 §10.2.3), or in a
// Google error body the google.rpc.RetryInfo detail's `retryDelay` ("34.4s",
// https://cloud.google.com/apis/design/errors#error_details). Undefined when none is usable.

type Headers = Record<string, string | string[] | undefined>;

const first = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v)?.trim();

export function retryAfterFromHeaders(headers: Headers, now: number = Date.now()): number | undefined {
  const ms = Number(first(headers['retry-after-ms']));
  if (first(headers['retry-after-ms']) && Number.isFinite(ms) && ms >= 0) return ms;
  const raw = first(headers['retry-after']);
  if (!raw) return undefined;
  if (/^\d+(\.\d+)?$/.test(raw)) return Number(raw) * 1000;
  if (!/^[A-Za-z]{3}, /.test(raw)) return undefined; // IMF-fixdate: "Wed, 21 Oct 2026 07:28:00 GMT"
  const at = Date.parse(raw);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** `{"error":{"details":[{"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"34.4s"}]}}` */
export function retryAfterFromGoogleBody(body: unknown): number | undefined {
  const error = body !== null && typeof body === 'object' ? (body as { error?: unknown }).error : undefined;
  const details = error !== null && typeof error === 'object' ? (error as { details?: unknown }).details : undefined;
  if (!Array.isArray(details)) return undefined;
  for (const d of details as unknown[]) {
    if (d === null || typeof d !== 'object') continue;
    const { '@type': type, retryDelay } = d as Record<string, unknown>;
    if (typeof type !== 'string' || !type.endsWith('google.rpc.RetryInfo') || typeof retryDelay !== 'string') continue;
    const match = /^(\d+(?:\.\d+)?)s$/.exec(retryDelay.trim());
    if (match?.[1]) return Number(match[1]) * 1000;
  }
  return undefined;
}
