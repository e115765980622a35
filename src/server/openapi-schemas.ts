// The schemas of /openapi.json: FlexInference's own fields and envelopes in full, the provider
// shapes by the fields a caller relies on (the rest passes through as the provider documents it).
type Json = Record<string, unknown>;

const str = { type: 'string' };
const int = { type: 'integer', minimum: 0 };
const ref = (name: string): Json => ({ $ref: `#/components/schemas/${name}` });
const object = (required: string[], properties: Json, extra: Json = {}): Json => ({ type: 'object', required, properties, ...extra });
/** A provider shape: the fields named here are checked, others are the provider's own. */
const open = (required: string[], properties: Json, description?: string): Json =>
  object(required, properties, { additionalProperties: true, ...(description ? { description } : {}) });

const startWithin = {
  description:
    'How long the caller is willing to wait for the answer to start: `default` (standard tier), `priority`, `auto` (the provider picks), ' +
    'or a duration `HHh-MMm-SSs` from 5 seconds to 10 minutes that runs the flex race. Required on every request unless the key has a default.',
  anyOf: [{ enum: ['default', 'priority', 'auto'] }, { type: 'string', pattern: '^\\d{2}h-[0-5]\\dm-[0-5]\\ds$' }],
  examples: ['00h-00m-30s', 'default'],
};

const tokenUsage = open(['input_tokens', 'output_tokens'], { input_tokens: int, output_tokens: int });

const requests: Record<string, Json> = {
  ResponsesRequest: open(['model'], {
    model: str,
    start_within: ref('StartWithin'),
    input: { anyOf: [str, { type: 'array' }] },
    instructions: str,
    stream: { type: 'boolean' },
    max_output_tokens: int,
    tools: { type: 'array' },
    reasoning: { type: 'object' },
  }, 'An OpenAI Responses API request; `service_tier` is refused (`start_within` chooses the tier).'),
  ChatCompletionsRequest: open(['model', 'messages'], {
    model: str,
    start_within: ref('StartWithin'),
    messages: { type: 'array', items: { type: 'object' } },
    stream: { type: 'boolean' },
    max_completion_tokens: int,
    max_tokens: int,
    tools: { type: 'array' },
  }, 'An OpenAI Chat Completions request; fields with no counterpart elsewhere (`logprobs`, `seed`, `n` > 1 …) are refused with `unsupported_parameter`.'),
  MessagesRequest: open(['model', 'max_tokens', 'messages'], {
    model: str,
    start_within: ref('StartWithin'),
    max_tokens: int,
    messages: { type: 'array', items: { type: 'object' } },
    system: { anyOf: [str, { type: 'array' }] },
    stream: { type: 'boolean' },
    tools: { type: 'array' },
    thinking: { type: 'object' },
  }, 'An Anthropic Messages API request.'),
  InteractionsRequest: open(['model'], {
    model: str,
    start_within: ref('StartWithin'),
    input: { anyOf: [str, { type: 'array' }, { type: 'object' }] },
    system_instruction: str,
    stream: { type: 'boolean' },
    generation_config: { type: 'object' },
    tools: { type: 'array' },
  }, 'A Gemini Interactions API request.'),
};

const responses: Record<string, Json> = {
  ResponsesResponse: open(['id', 'object', 'status', 'model', 'output', 'usage', 'service_tier'], {
    id: str,
    object: { const: 'response' },
    created_at: { type: 'number' },
    status: { enum: ['completed', 'incomplete', 'failed', 'in_progress'] },
    model: str,
    output: { type: 'array', items: { type: 'object' } },
    usage: tokenUsage,
    service_tier: { enum: ['flex', 'default', 'priority'], description: 'The tier that served the request.' },
  }),
  ChatCompletion: open(['id', 'object', 'created', 'model', 'choices', 'usage', 'service_tier'], {
    id: str,
    object: { const: 'chat.completion' },
    created: { type: 'integer' },
    model: str,
    choices: { type: 'array', items: open(['index', 'message', 'finish_reason'], { index: int, message: { type: 'object' }, finish_reason: str }) },
    usage: open(['prompt_tokens', 'completion_tokens', 'total_tokens'], { prompt_tokens: int, completion_tokens: int, total_tokens: int }),
    service_tier: { enum: ['flex', 'default', 'priority'], description: 'The tier that served the request.' },
  }),
  Message: open(['id', 'type', 'role', 'content', 'model', 'stop_reason', 'usage'], {
    id: str,
    type: { const: 'message' },
    role: { const: 'assistant' },
    content: { type: 'array', items: { type: 'object' } },
    model: str,
    stop_reason: { type: ['string', 'null'] },
    usage: open(['input_tokens', 'output_tokens', 'service_tier'], {
      input_tokens: int,
      output_tokens: int,
      service_tier: { enum: ['flex', 'standard', 'priority'], description: 'The tier that served the request.' },
    }),
  }),
  Interaction: open(['id', 'object', 'status', 'model', 'usage', 'service_tier'], {
    id: str,
    object: { const: 'interaction' },
    status: str,
    model: str,
    steps: { type: 'array', items: { type: 'object' } },
    usage: { type: 'object' },
    service_tier: { enum: ['flex', 'standard', 'priority'], description: 'The tier that served the request.' },
  }),
};

const errors: Record<string, Json> = {
  OpenAIError: object(['error'], {
    error: open(['message', 'type', 'code'], {
      message: str,
      type: { type: 'string', description: '`invalid_request_error`, `authentication_error`, `rate_limit_error`, `flexinference_error`, `upstream_error`.' },
      code: str,
      param: { type: ['string', 'null'] },
      doc_url: { type: 'string', description: 'This code’s entry on /docs/errors.' },
    }),
  }, { description: 'The error envelope of the OpenAI-shaped endpoints (and of routes no surface owns).' }),
  AnthropicError: object(['type', 'error'], {
    type: { const: 'error' },
    error: open(['type', 'message'], { type: str, message: str }),
  }, { description: 'The error envelope of /v1/messages.' }),
  GoogleError: object(['error'], {
    error: open(['code', 'message', 'status'], { code: { type: 'integer' }, message: str, status: str }),
  }, { description: 'The error envelope of /v1/interactions.' }),
};

const usageGroup = object(['requests', 'flexServed', 'flexShare', 'spendUsd', 'standardSpendUsd', 'savingUsd'], {
  requests: int,
  flexServed: int,
  flexShare: { type: 'number', minimum: 0, maximum: 1 },
  spendUsd: { type: 'number' },
  standardSpendUsd: { type: 'number' },
  savingUsd: { type: 'number' },
});

const operations: Record<string, Json> = {
  Model: object(['id', 'object', 'created', 'owned_by', 'provider', 'flex_capable', 'pricing'], {
    id: str,
    object: { const: 'model' },
    created: { type: 'integer' },
    owned_by: str,
    provider: { enum: ['openai', 'gemini', 'anthropic'] },
    flex_capable: { type: 'boolean' },
    pricing: { type: 'object', description: 'Per-million-token prices (input, cached input, output) by tier, in US dollars.' },
  }),
  ModelList: object(['object', 'data'], { object: { const: 'list' }, data: { type: 'array', items: ref('Model') } }),
  UsageGroup: usageGroup,
  UsageSummary: object(['object', 'organization', 'total', 'byModel', 'byRoute'], {
    object: { const: 'usage.summary' },
    organization: str,
    total: ref('UsageGroup'),
    byModel: { type: 'object', additionalProperties: ref('UsageGroup') },
    byRoute: { type: 'object', additionalProperties: ref('UsageGroup') },
  }),
  Status: object(['status'], { status: str }),
};

export const schemas: Record<string, Json> = { StartWithin: startWithin, ...requests, ...responses, ...errors, ...operations };
