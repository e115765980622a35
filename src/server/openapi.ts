// GET /openapi.json: the OpenAPI 3.1 description of every route this gateway serves. The caller
// endpoints are described by what FlexInference adds and checks (`start_within`, the served tier,
// its headers and error envelopes); the rest of each body is the provider API's own, passed
// through (additional properties allowed), as documented by that provider.
import { ERROR_CATALOG } from '../errors/catalog.js';
import { WARNING_CODES } from '../usage/warnings.js';
import { VERSION } from '../version.js';
import { adminPaths, adminSchemas } from './openapi-admin.js';
import { schemas } from './openapi-schemas.js';

type Json = Record<string, unknown>;
type Envelope = 'OpenAIError' | 'AnthropicError' | 'GoogleError';

const ref = (name: string): Json => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: Json): Json => ({ 'application/json': { schema } });

const REQUEST_ID = { description: 'This request’s id (also in the access log, the ledger and the trace).', schema: { type: 'string' } };
const RETRY_AFTER = { description: 'Seconds to wait before retrying (429, 503).', schema: { type: 'integer' } };

/**
 * The statuses a generation endpoint answers with an error, from the catalog (provider errors with
 * other statuses fall under `default`); 404 and 405 belong to other paths and methods.
 */
const GENERATION_ERROR_STATUSES = [...new Set(Object.values(ERROR_CATALOG).map((e) => e.status))].filter((s) => s !== 404 && s !== 405).sort();

function errorResponse(envelope: Envelope, description: string): Json {
  return {
    description,
    headers: { 'x-request-id': REQUEST_ID, 'retry-after': RETRY_AFTER },
    content: json(ref(envelope)),
  };
}

function errorResponses(envelope: Envelope, statuses: readonly number[]): Json {
  const described: Record<number, string> = {
    400: 'The request breaks a rule (invalid JSON or parameter, `start_within`, refused field, missing key for the provider …).',
    401: 'Missing or invalid API key.',
    404: 'No such route.',
    405: 'The route exists for another method.',
    413: 'The body is over 1,000,000 bytes.',
    429: 'Rate or budget limit (with Retry-After), or the provider’s own 429.',
    500: 'Internal fault, or the provider’s 500.',
    502: 'The provider failed or could not be reached.',
    503: 'The provider is unavailable, or the gateway is shutting down.',
    504: 'The provider was silent too long (`upstream_timeout`).',
  };
  return {
    ...Object.fromEntries(statuses.map((s) => [String(s), errorResponse(envelope, described[s] ?? 'Error.')])),
    default: errorResponse(envelope, 'A provider error, with the provider’s status and message.'),
  };
}

const GENERATION_HEADERS = {
  'x-request-id': REQUEST_ID,
  'x-flexinference-tier': { description: 'The tier that served the request.', schema: { enum: ['flex', 'standard', 'priority', 'auto'] } },
  'x-flexinference-route': {
    description: 'The routing decision.',
    schema: { enum: ['direct', 'flex_admitted', 'flex_timeout', 'flex_unavailable', 'flex_error', 'flex_skipped_predicted_miss', 'flex_failed_after_admission'] },
  },
  'x-flexinference-warnings': {
    description:
      'Present only when the request was changed to fit its provider or model: `code:field` entries separated by `;`, ' +
      'e.g. `sampling_dropped:temperature;output_limit_raised:max_output_tokens`. `code` is one of ' +
      `${WARNING_CODES.map((c) => `\`${c}\``).join(', ')}; \`field\` is the path in the caller's body when decoding changed it, ` +
      'otherwise the canonical field in the Responses API spelling (`temperature`, `reasoning.effort`, `input[2]`). ' +
      'Each entry appears once; the same warnings, with a sentence each, are in the usage ledger row.',
    schema: { type: 'string', pattern: '^[a-z_]+:[^;]+(;[a-z_]+:[^;]+)*$' },
  },
};

interface Generation {
  path: string;
  summary: string;
  tag: string;
  request: string;
  response: string;
  envelope: Envelope;
  operationId: string;
}

const GENERATIONS: Generation[] = [
  { path: '/v1/responses', operationId: 'createResponse', summary: 'OpenAI Responses API', tag: 'OpenAI', request: 'ResponsesRequest', response: 'ResponsesResponse', envelope: 'OpenAIError' },
  { path: '/v1/chat/completions', operationId: 'createChatCompletion', summary: 'OpenAI Chat Completions', tag: 'OpenAI', request: 'ChatCompletionsRequest', response: 'ChatCompletion', envelope: 'OpenAIError' },
  { path: '/v1/messages', operationId: 'createMessage', summary: 'Anthropic Messages API', tag: 'Anthropic', request: 'MessagesRequest', response: 'Message', envelope: 'AnthropicError' },
  { path: '/v1/interactions', operationId: 'createInteraction', summary: 'Gemini Interactions API', tag: 'Gemini', request: 'InteractionsRequest', response: 'Interaction', envelope: 'GoogleError' },
];

function generationPath(g: Generation): Json {
  return {
    post: {
      operationId: g.operationId,
      tags: ['Generation'],
      summary: `${g.summary}, any model, any provider, with \`start_within\``,
      description:
        `The ${g.tag} caller shape, for every provider. \`start_within\` (required unless the key has a default) picks the tier or runs the flex race; ` +
        'set `stream: true` for server-sent events in the same dialect. Errors come in this endpoint’s own envelope.',
      security: [{ bearer: [] }, { apiKeyHeader: [] }, { googApiKeyHeader: [] }],
      parameters: [
        {
          name: 'x-flexinference-start-within',
          in: 'header',
          required: false,
          description: '`start_within` as a header, for clients that cannot add a body field (the body wins when both are present).',
          schema: ref('StartWithin'),
        },
      ],
      requestBody: { required: true, content: json(ref(g.request)) },
      responses: {
        200: {
          description: 'The answer, in this endpoint’s shape, with the served tier in the body; or its event stream when `stream` is true.',
          headers: GENERATION_HEADERS,
          content: { ...json(ref(g.response)), 'text/event-stream': { schema: { type: 'string', description: 'Server-sent events in this endpoint’s dialect; a failure after the start is an error event.' } } },
        },
        ...errorResponses(g.envelope, GENERATION_ERROR_STATUSES),
      },
    },
  };
}

function getPath(operationId: string, summary: string, responses: Json, extra: Json = {}): Json {
  return { get: { operationId, summary, ...extra, responses } };
}

const ok = (description: string, content: Json): Json => ({ description, headers: { 'x-request-id': REQUEST_ID }, content });

export function openApiDocument(publicUrl: string): Json {
  const paths: Json = Object.fromEntries(GENERATIONS.map((g) => [g.path, generationPath(g)]));
  paths['/v1/models'] = getPath('listModels', 'The model catalog', { 200: ok('Every catalogued model, with flex capability and prices.', json(ref('ModelList'))) }, { tags: ['Catalog'] });
  paths['/v1/usage'] = getPath(
    'getUsage',
    'Usage summary of the caller’s organization',
    { 200: ok('Requests, flex share, spend and saving, in total, by model and by route.', json(ref('UsageSummary'))), ...errorResponses('OpenAIError', [400, 401, 429]) },
    {
      tags: ['Usage'],
      security: [{ bearer: [] }, { apiKeyHeader: [] }, { googApiKeyHeader: [] }],
      parameters: [{ name: 'since', in: 'query', required: false, description: 'Only requests from this ISO 8601 date on.', schema: { type: 'string' } }],
    },
  );
  paths['/healthz'] = getPath('health', 'Liveness', { 200: ok('The process is up.', json(ref('Status'))) }, { tags: ['Operations'] });
  paths['/readyz'] = getPath(
    'ready',
    'Readiness',
    { 200: ok('Ready to serve.', json(ref('Status'))), 503: ok('Shutting down: stop routing here.', json(ref('Status'))) },
    { tags: ['Operations'] },
  );
  paths['/metrics'] = getPath('metrics', 'Prometheus metrics', { 200: ok('Prometheus text exposition format.', { 'text/plain': { schema: { type: 'string' } } }) }, { tags: ['Operations'] });
  paths['/docs/errors'] = getPath('errorCatalog', 'The error catalog, as a page', { 200: ok('Every error code with its rule, fix and example; `doc_url` points here.', { 'text/html': { schema: { type: 'string' } } }) }, { tags: ['Operations'] });
  Object.assign(paths, adminPaths());
  paths['/openapi.json'] = getPath('openApi', 'This document', { 200: ok('The OpenAPI 3.1 description of this gateway.', json({ type: 'object' })) }, { tags: ['Operations'] });
  return {
    openapi: '3.1.0',
    info: {
      title: 'FlexInference',
      version: VERSION,
      description:
        'A deadline-aware inference router. The official OpenAI, Anthropic and Google clients work unchanged; add `start_within` and FlexInference runs the request on the provider’s cheaper flex tier when it can start in time, and on standard when it cannot.',
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    servers: [{ url: publicUrl }],
    tags: [
      { name: 'Generation', description: 'The four caller endpoints.' },
      { name: 'Catalog' },
      { name: 'Usage' },
      { name: 'Operations', description: 'Health, readiness, metrics and documentation.' },
      { name: 'Admin', description: 'Organizations, API keys and their settings, provider keys, usage.' },
    ],
    paths,
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'A FlexInference key, `flex_live_…`.' },
        apiKeyHeader: { type: 'apiKey', in: 'header', name: 'x-api-key', description: 'The same key, as older Anthropic clients send it.' },
        googApiKeyHeader: { type: 'apiKey', in: 'header', name: 'x-goog-api-key', description: 'The same key, as Google’s clients send it.' },
        adminToken: { type: 'http', scheme: 'bearer', description: 'The admin token (FLEX_ADMIN_TOKEN, or the one printed at first start).' },
        dashboardSession: {
          type: 'apiKey',
          in: 'cookie',
          name: 'flex_dashboard',
          description: 'The dashboard’s session; changes also need its anti-forgery header x-flexinference-csrf.',
        },
      },
      schemas: { ...schemas, ...adminSchemas },
    },
  };
}
