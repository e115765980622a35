// /v1/messages through the official `@anthropic-ai/sdk` 1.x client: `messages.create` for a whole
// answer, `messages.stream()` (the SDK's event parser and message accumulator) for a stream.
import Anthropic from '@anthropic-ai/sdk';
import type { ConversationOptions, Dialect, DriverTarget, SurfaceDriver, ToolCall, TurnResult } from '../driver.js';
import { createConversation } from '../driver.js';
import { ANSWER_SCHEMA, MAX_TOKENS, START_WITHIN, WEATHER_TOOL } from '../matrix.js';

type Message = Anthropic.MessageParam;
type Params = Anthropic.MessageCreateParamsNonStreaming;

/** A medium thinking budget; MAX_TOKENS leaves room for it. */
const THINKING_BUDGET = 4096;

export function messagesDriver(target: DriverTarget): SurfaceDriver {
  const client = new Anthropic({ apiKey: target.key, baseURL: target.url, maxRetries: 0 });
  return { surface: 'messages', conversation: (options) => createConversation(dialect(client, options)) };
}

function userBlocks(turn: { text: string; imagePng?: string }): Anthropic.ContentBlockParam[] {
  return [
    ...(turn.imagePng === undefined
      ? []
      : [{ type: 'image', source: { type: 'base64', media_type: 'image/png', data: turn.imagePng } } as const]),
    { type: 'text', text: turn.text },
  ];
}

function dialect(client: Anthropic, options: ConversationOptions): Dialect<Message> {
  return {
    userTurn: (turn) => [{ role: 'user', content: userBlocks(turn) }],
    // Tool results lead the user turn; a follow-up question rides in the same turn after them.
    toolResults: (calls, output, then) => [
      {
        role: 'user',
        content: [
          ...calls.map((call): Anthropic.ToolResultBlockParam => ({ type: 'tool_result', tool_use_id: call.callId, content: output })),
          ...(then ? userBlocks(then) : []),
        ],
      },
    ],
    async send(history) {
      const body = params(options, history);
      const message = options.mode === 'stream' ? await streamed(client, body) : await client.messages.create(body);
      // The assistant turn goes back unchanged, thinking blocks and signatures included.
      return { turn: read(message), replay: [{ role: 'assistant', content: message.content }] };
    },
  };
}

function params(options: ConversationOptions, messages: readonly Message[]): Params {
  const body: Params & { start_within: string } = {
    model: options.model,
    max_tokens: MAX_TOKENS,
    messages: [...messages],
    start_within: START_WITHIN,
  };
  if (options.tools) body.tools = [{ name: WEATHER_TOOL.name, description: WEATHER_TOOL.description, input_schema: WEATHER_TOOL.parameters }];
  if (options.json) body.output_config = { format: { type: 'json_schema', schema: ANSWER_SCHEMA.schema } };
  if (options.reasoning) body.thinking = { type: 'enabled', budget_tokens: THINKING_BUDGET };
  return body;
}

async function streamed(client: Anthropic, body: Params): Promise<Anthropic.Message> {
  const stream = client.messages.stream(body);
  let deltas = '';
  stream.on('text', (delta) => {
    deltas += delta;
  });
  const message = await stream.finalMessage();
  if (deltas !== textOf(message)) throw new Error('streamed text deltas differ from the final message');
  return message;
}

function textOf(message: Anthropic.Message): string {
  return message.content.flatMap((b) => (b.type === 'text' ? [b.text] : [])).join('');
}

function read(message: Anthropic.Message): TurnResult {
  const calls: ToolCall[] = message.content.flatMap((b) => (b.type === 'tool_use' ? [{ callId: b.id, name: b.name, args: b.input }] : []));
  const thinking = message.content.find((b): b is Anthropic.ThinkingBlock => b.type === 'thinking' && b.thinking !== '');
  return {
    text: textOf(message),
    calls,
    reasoning: thinking ? { kind: 'shown', place: 'thinking block', signed: thinking.signature !== '' } : { kind: 'absent' },
    reasoningTokens: message.usage.output_tokens_details?.thinking_tokens ?? 0,
    opaque: message.content.flatMap((b) =>
      b.type === 'thinking' && b.signature !== '' ? [b.signature] : b.type === 'redacted_thinking' ? [b.data] : [],
    ),
    finish: message.stop_reason ?? 'unknown',
    servedTier: message.usage.service_tier ?? undefined,
  };
}
