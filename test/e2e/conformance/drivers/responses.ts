// /v1/responses through the official `openai` 6.x client: `responses.create` for a whole answer,
// `responses.stream` (the SDK's event parser and snapshot builder) for a stream.
import OpenAI from 'openai';
import type { ConversationOptions, Dialect, DriverTarget, SurfaceDriver, ToolCall, TurnResult } from '../driver.js';
import { createConversation, parseJsonArgs } from '../driver.js';
import { ANSWER_SCHEMA, MAX_TOKENS, START_WITHIN, WEATHER_TOOL } from '../matrix.js';

type Item = OpenAI.Responses.ResponseInputItem;
type Params = Omit<OpenAI.Responses.ResponseCreateParamsNonStreaming, 'stream'>;

export function responsesDriver(target: DriverTarget): SurfaceDriver {
  const client = new OpenAI({ apiKey: target.key, baseURL: `${target.url}/v1`, maxRetries: 0 });
  return { surface: 'responses', conversation: (options) => createConversation(dialect(client, options)) };
}

function dialect(client: OpenAI, options: ConversationOptions): Dialect<Item> {
  return {
    userTurn: (turn) => [
      {
        role: 'user',
        content: [
          { type: 'input_text', text: turn.text },
          ...(turn.imagePng === undefined
            ? []
            : [{ type: 'input_image', image_url: `data:image/png;base64,${turn.imagePng}`, detail: 'auto' } as const]),
        ],
      },
    ],
    toolResults: (calls, output, then) => [
      ...calls.map((call): Item => ({ type: 'function_call_output', call_id: call.callId, output })),
      ...(then ? dialect(client, options).userTurn(then) : []),
    ],
    async send(history) {
      const body = params(options, history);
      const response = options.mode === 'stream' ? await streamed(client, body) : await client.responses.create({ ...body, stream: false });
      // A stateless caller replays the output items exactly as received.
      return { turn: read(response), replay: response.output as Item[] };
    },
  };
}

function params(options: ConversationOptions, input: readonly Item[]): Params {
  const body: Params & { start_within: string } = {
    model: options.model,
    input: [...input],
    max_output_tokens: MAX_TOKENS,
    start_within: START_WITHIN,
  };
  if (options.tools) body.tools = [{ type: 'function', ...WEATHER_TOOL, strict: true }];
  if (options.json) body.text = { format: { type: 'json_schema', ...ANSWER_SCHEMA, strict: true } };
  if (options.reasoning) {
    body.reasoning = { effort: 'medium', summary: 'auto' };
    body.include = ['reasoning.encrypted_content'];
  }
  return body;
}

async function streamed(client: OpenAI, body: Params): Promise<OpenAI.Responses.Response> {
  const stream = client.responses.stream(body);
  let deltas = '';
  for await (const event of stream) {
    if (event.type === 'response.output_text.delta') deltas += event.delta;
  }
  const response = await stream.finalResponse();
  if (deltas !== response.output_text) throw new Error(`streamed text deltas ${JSON.stringify(deltas)} differ from the final text`);
  return response;
}

function read(response: OpenAI.Responses.Response): TurnResult {
  const calls: ToolCall[] = [];
  const opaque: string[] = [];
  let reasoning: TurnResult['reasoning'] = { kind: 'absent' };
  for (const item of response.output) {
    // Function calls carry opaque state in `encrypted_content` too (Gemini call signatures).
    const encrypted = (item as { encrypted_content?: string | null }).encrypted_content ?? '';
    if (encrypted !== '') opaque.push(encrypted);
    if (item.type === 'function_call') calls.push({ callId: item.call_id, name: item.name, args: parseJsonArgs(item.arguments) });
    if (item.type === 'reasoning' && reasoning.kind === 'absent') {
      reasoning = { kind: 'shown', place: 'reasoning item', signed: encrypted !== '' };
    }
  }
  return {
    text: response.output_text,
    calls,
    reasoning,
    reasoningTokens: response.usage?.output_tokens_details.reasoning_tokens ?? 0,
    opaque,
    finish: response.status ?? 'unknown',
    servedTier: response.service_tier ?? undefined,
  };
}
