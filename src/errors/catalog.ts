// The one error catalog. Every error FlexInference returns is a FlexError carrying one of these
// codes; the server boundary and the stream encoders render it per dialect (see render.ts).
//
// Check order for a request (fixed; documented in README and on /docs/errors):
//   auth → size → JSON → model → start_within → field rules → provider key.

export type ErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'rate_limit_error'
  | 'flexinference_error'
  | 'upstream_error';

export interface CatalogEntry {
  status: number;
  type: ErrorType;
  /** Short default description of what went wrong. */
  title: string;
  /** The rule that was broken. */
  rule: string;
  /** How to fix it. */
  fix: string;
  example?: string;
}

export const ERROR_CATALOG = {
  missing_api_key: {
    status: 401,
    type: 'authentication_error',
    title: 'No API key was sent.',
    rule: 'Every request must carry a FlexInference key in `Authorization: Bearer`, `x-api-key` or `x-goog-api-key`.',
    fix: 'Pass the key your operator gave you (it starts with flex_live_) as the SDK api key.',
    example: 'Authorization: Bearer flex_live_0123456789abcdef01234567a1b2c3',
  },
  invalid_api_key: {
    status: 401,
    type: 'authentication_error',
    title: 'The API key is not valid.',
    rule: 'A key must be well-formed (flex_live_ followed by 24 lowercase hex characters and a 6-hex checksum), known to this gateway, and not revoked.',
    fix: 'Use an active key from your operator; `flexinference keys create --org <org>` creates one.',
  },
  rate_limit_exceeded: {
    status: 429,
    type: 'rate_limit_error',
    title: 'Too many requests.',
    rule: 'Requests are limited per organization, and failed authentication attempts per client address.',
    fix: 'Wait for the number of seconds in the Retry-After header, then retry.',
  },
  budget_exceeded: {
    status: 429,
    type: 'rate_limit_error',
    title: 'This API key has spent its monthly budget.',
    rule: 'An operator can give a key a monthly spend budget in USD; spend is counted from the usage ledger per calendar month (UTC).',
    fix: 'Wait until the budget resets (the message and Retry-After say when), or ask your operator to raise the key\'s `monthly_budget_usd`.',
  },
  model_not_allowed: {
    status: 403,
    type: 'invalid_request_error',
    title: 'This API key may not use this model.',
    rule: 'An operator can restrict a key to a list of models (its `allowed_models` setting).',
    fix: 'Use one of the models the key allows, or ask your operator to add this one.',
  },
  invalid_admin_token: {
    status: 401,
    type: 'authentication_error',
    title: 'The admin token is missing or wrong.',
    rule: 'The admin API takes `Authorization: Bearer <admin token>` (FLEX_ADMIN_TOKEN, or the token printed at first start); an organization\'s API key may only read its own organization.',
    fix: 'Send the admin token as a Bearer token; `flexinference admin-token rotate` prints a new one if it was lost.',
    example: 'Authorization: Bearer flex_admin_0123456789abcdef0123456789abcdef01234567',
  },
  forbidden: {
    status: 403,
    type: 'invalid_request_error',
    title: 'This action is not allowed.',
    rule: 'An organization\'s API key gives a read-only view of its own organization; changes need the admin token, and a dashboard change needs the page\'s own anti-forgery token.',
    fix: 'Sign in with the admin token to make changes, and make them from the dashboard page itself.',
  },
  conflict: {
    status: 409,
    type: 'invalid_request_error',
    title: 'This conflicts with what exists.',
    rule: 'Organization names are unique.',
    fix: 'Choose another name, or use the existing organization.',
  },
  request_too_large: {
    status: 413,
    type: 'invalid_request_error',
    title: 'The request body is too large.',
    rule: 'Request bodies may be at most 1,000,000 bytes.',
    fix: 'Send a smaller body: shorten the input, or pass large images by URL instead of inline base64.',
  },
  invalid_json: {
    status: 400,
    type: 'invalid_request_error',
    title: 'The request body is not valid JSON.',
    rule: 'The body must be one JSON object, sent with Content-Type: application/json.',
    fix: 'Check the body with a JSON validator.',
    example: '{"model":"gpt-5-mini","input":"Hello","start_within":"00h-00m-30s"}',
  },
  invalid_parameter: {
    status: 400,
    type: 'invalid_request_error',
    title: 'A parameter has the wrong type or shape.',
    rule: 'Each field must have the type and shape the endpoint documents.',
    fix: 'Correct the field named in `param`.',
  },
  missing_model: {
    status: 400,
    type: 'invalid_request_error',
    title: 'No model was given.',
    rule: '`model` is required and must be a non-empty string.',
    fix: 'Add the model you want; GET /v1/models lists the catalogued ones.',
    example: '"model": "gpt-5-mini"',
  },
  missing_start_within: {
    status: 400,
    type: 'invalid_request_error',
    title: '`start_within` is missing.',
    rule: 'Every request must say how long it may wait to start: "default", "priority", "auto", or a duration "HHh-MMm-SSs" from 00h-00m-05s to 00h-10m-00s.',
    fix: 'Add `start_within` as a top-level body field: an extra body property with the OpenAI and Anthropic SDKs, `extra_body` with @google/genai.',
    example: '"start_within": "00h-00m-30s"',
  },
  invalid_start_within: {
    status: 400,
    type: 'invalid_request_error',
    title: '`start_within` is not valid.',
    rule: 'It must be "default", "priority", "auto", or a duration matching HHh-MMm-SSs (two digits each, minutes and seconds 00-59) between 00h-00m-05s and 00h-10m-00s inclusive.',
    fix: 'Use one of the forms above.',
    example: '"00h-00m-30s", "00h-02m-00s", "default"',
  },
  model_not_flex_capable: {
    status: 400,
    type: 'invalid_request_error',
    title: 'This model has no flex tier.',
    rule: 'A duration in `start_within` runs the flex race, which needs a flex-capable model (GET /v1/models shows `flex_capable`).',
    fix: 'Use "default" or "priority" for this model, or pick a flex-capable model.',
    example: '"model": "gpt-5-mini", "start_within": "00h-00m-30s"',
  },
  flex_unsupported_for_anthropic: {
    status: 400,
    type: 'invalid_request_error',
    title: 'Anthropic models have no flex tier.',
    rule: 'A duration in `start_within` asks for flex, which Anthropic does not sell.',
    fix: 'Use "default", "priority" or "auto" for claude-* models.',
    example: '"start_within": "default"',
  },
  auto_unsupported_for_gemini: {
    status: 400,
    type: 'invalid_request_error',
    title: '"auto" is not available for Gemini models.',
    rule: 'Gemini has no provider-chosen tier.',
    fix: 'Use "default", "priority" or a duration for gemini-* models.',
    example: '"start_within": "00h-01m-00s"',
  },
  missing_max_tokens: {
    status: 400,
    type: 'invalid_request_error',
    title: 'No output token limit was given.',
    rule: 'Anthropic models (and every /v1/messages request) need a maximum output token count.',
    fix: 'Set max_output_tokens (Responses), max_completion_tokens or max_tokens (Chat), max_tokens (Messages) or generation_config.max_output_tokens (Interactions).',
    example: '"max_tokens": 1024',
  },
  unsupported_parameter: {
    status: 400,
    type: 'invalid_request_error',
    title: 'This parameter is not supported.',
    rule: 'FlexInference refuses fields it cannot carry faithfully to every provider rather than dropping them silently.',
    fix: 'Remove the field named in `param`, or set it to its default value.',
  },
  service_tier_not_allowed: {
    status: 400,
    type: 'invalid_request_error',
    title: '`service_tier` cannot be set by the caller.',
    rule: 'FlexInference chooses the tier itself from `start_within`.',
    fix: 'Drop `service_tier` and choose through `start_within`: "default", "priority", "auto" or a duration for flex.',
    example: '"start_within": "00h-00m-30s"',
  },
  no_byok_key: {
    status: 400,
    type: 'invalid_request_error',
    title: 'No OpenAI key is configured for your organization.',
    rule: 'Requests to OpenAI models use the organization\'s OpenAI key, or the deployment-wide OPENAI_API_KEY.',
    fix: 'Ask your operator to run `flexinference provider-keys set --org <org> --provider openai` or set OPENAI_API_KEY.',
  },
  no_gemini_key: {
    status: 400,
    type: 'invalid_request_error',
    title: 'No Gemini key is configured for your organization.',
    rule: 'Requests to gemini-* models use the organization\'s Gemini key, or the deployment-wide GEMINI_API_KEY.',
    fix: 'Ask your operator to run `flexinference provider-keys set --org <org> --provider gemini` or set GEMINI_API_KEY.',
  },
  no_anthropic_key: {
    status: 400,
    type: 'invalid_request_error',
    title: 'No Anthropic key is configured for your organization.',
    rule: 'Requests to claude-* models use the organization\'s Anthropic key, or the deployment-wide ANTHROPIC_API_KEY.',
    fix: 'Ask your operator to run `flexinference provider-keys set --org <org> --provider anthropic` or set ANTHROPIC_API_KEY.',
  },
  not_found: {
    status: 404,
    type: 'invalid_request_error',
    title: 'No such route.',
    rule: 'FlexInference serves POST /v1/responses, /v1/chat/completions, /v1/messages, /v1/interactions, GET /v1/models, /v1/usage, /healthz, /readyz, /metrics, /docs/errors, the admin API under /admin/v1/ and the dashboard at /dashboard; admin objects are addressed by their id.',
    fix: 'Check the path and the SDK base URL (OpenAI SDK: <host>/v1; Anthropic SDK: <host>; @google/genai: baseUrl <host> with apiVersion "v1").',
  },
  method_not_allowed: {
    status: 405,
    type: 'invalid_request_error',
    title: 'This method is not allowed on this route.',
    rule: 'Generation endpoints take POST; /v1/models, /healthz and /readyz take GET.',
    fix: 'Use the method the route documents.',
  },
  upstream_error: {
    status: 502,
    type: 'upstream_error',
    title: 'The provider returned an error.',
    rule: 'Provider errors keep the provider\'s status, message and code.',
    fix: 'Read the provider\'s message; retry later if it is a capacity or server error.',
  },
  upstream_timeout: {
    status: 504,
    type: 'upstream_error',
    title: 'The provider did not answer in time.',
    rule: 'FlexInference gives up on a provider that stops answering.',
    fix: 'Retry the request; if it keeps happening, check the provider\'s status page.',
  },
  upstream_unavailable: {
    status: 503,
    type: 'upstream_error',
    title: 'The provider could not be reached.',
    rule: 'FlexInference needs a working connection to the provider.',
    fix: 'Retry later; operators should check the provider base URL and network.',
  },
  internal_error: {
    status: 500,
    type: 'flexinference_error',
    title: 'FlexInference hit an internal error.',
    rule: 'This is a fault in FlexInference, not in your request.',
    fix: 'Retry; if it persists, report it with the x-request-id header value.',
  },
} as const satisfies Record<string, CatalogEntry>;

export type ErrorCode = keyof typeof ERROR_CATALOG;

export const ERROR_CODES = Object.keys(ERROR_CATALOG) as ErrorCode[];

/** Details of an error returned by a provider, kept so every dialect can render it faithfully. */
export interface UpstreamDetail {
  provider: string;
  status: number;
  /** The provider's own error code / type / status name, when it gave one. */
  providerCode?: string;
  providerType?: string;
  message: string;
  /** How long the provider asked callers to wait before retrying (Retry-After), in milliseconds. */
  retryAfterMs?: number;
}

export interface FlexErrorOptions {
  /** What exactly was wrong, leading the message. Defaults to the catalog title. */
  detail?: string;
  param?: string | null;
  /** Overrides the catalog status (upstream errors keep the provider's status). */
  status?: number;
  retryAfterSeconds?: number;
  upstream?: UpstreamDetail;
  cause?: unknown;
}

export class FlexError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly type: ErrorType;
  readonly param: string | null;
  readonly retryAfterSeconds: number | undefined;
  readonly upstream: UpstreamDetail | undefined;

  constructor(code: ErrorCode, options: FlexErrorOptions = {}) {
    const entry: CatalogEntry = ERROR_CATALOG[code];
    super(composeMessage(entry, options), options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'FlexError';
    this.code = code;
    this.status = options.status ?? entry.status;
    this.type = entry.type;
    this.param = options.param ?? null;
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.upstream = options.upstream;
  }
}

function composeMessage(entry: CatalogEntry, options: FlexErrorOptions): string {
  if (options.upstream) return redactSecrets(options.upstream.message);
  const what = options.detail ?? entry.title;
  const example = entry.example ? ` Example: ${entry.example}` : '';
  return `${what} ${entry.rule} ${entry.fix}${example}`;
}

/** Build the FlexError for a provider's error answer (HTTP or in-stream). */
export function upstreamError(detail: UpstreamDetail): FlexError {
  const code: ErrorCode =
    detail.status === 504 ? 'upstream_timeout' : 'upstream_error';
  return new FlexError(code, { status: detail.status, upstream: detail, param: null });
}

/** Anything that looks like a credential is masked before it can reach a log or a caller. */
export function redactSecrets(text: string): string {
  return text
    .replace(/flex_live_[0-9a-f]{6,}/g, 'flex_live_***')
    .replace(/\b(sk|sk-ant|sk-proj)-[A-Za-z0-9_*-]{8,}/g, '$1-***')
    .replace(/\bAIza[0-9A-Za-z_-]{10,}/g, 'AIza***');
}

export function isFlexError(value: unknown): value is FlexError {
  return value instanceof FlexError;
}

/** Wraps anything thrown into a FlexError; unknown faults become internal_error (no stack leaks). */
export function toFlexError(value: unknown): FlexError {
  if (value instanceof FlexError) return value;
  return new FlexError('internal_error', { cause: value });
}
