// /v1/chat/completions through the official `openai` 6.x client: `chat.completions.create` for a
// whole answer, `chat.completions.stream` (the SDK's chunk parser and accumulator) for a stream.
// Chat has no place for reasoning content; reasoning shows only as usage reasoning_tokens.
import OpenAI from 'openai';
import type { ConversationOptions, Dialect, DriverTarget, SurfaceDriver, TurnResult } from '../driver.js';
import { createConversation, parseJsonArgs } from '../driver.js';
import { ANSWER_SCHEMA, MAX_TOKENS, START_WITHIN, WEATHER_TOOL } from '../matrix.js';

type Message = OpenAI.Chat.ChatCompletionMessageParam;
type Params = OpenAI.Chat.ChatCompletionCreateParamsNonStreaming;

export function chatDriver(target: DriverTarget): SurfaceDriver {
  const client = new OpenAI({ apiKey: target.key, baseURL: `${target.url}/v1`, maxRetries: 0 });
  return { surface: 'chat', conversation: (options) => createConversation(dialect(client, options)) };
}

function dialect(client: OpenAI, options: ConversationOptions): Dialect<Message> {
  const userTurn: Dialect<Message>['userTurn'] = (turn) => [
    {
      role: 'user',
      content: [
        { type: 'text', text: turn.text },
        ...(turn.imagePng === undefined
          ? []
          : [{ type: 'image_url', image_url: { url: `data:image/png;base64,${turn.imagePng}` } } as const]),
      ],
    },
  ];
  return {
    userTurn,
    toolResults: (calls, output, then) => [
      ...calls.map((call): Message => ({ role: 'tool', tool_call_id: call.callId, content: output })),
      ...(then ? userTurn(then) : []),
    ],
    async send(history) {
      const body = params(options, history);
      const completion = options.mode === 'stream' ? await streamed(client, body) : await client.chat.completions.create(body);
      const message = completion.choices[0]?.message;
      if (!message) throw new Error('the completion has no choices[0].message');
      // The assistant message goes back as received (content, refusal, tool_calls, annotations).
      return { turn: read(completion, message), replay: [message] };
    },
  };
}

function params(options: ConversationOptions, messages: readonly Message[]): Params {
  const body: Params & { start_within: string } = {
    model: options.model,
    messages: [...messages],
    max_completion_tokens: MAX_TOKENS,
    start_within: START_WITHIN,
  };
  if (options.tools) {
    body.tools = [{ type: 'function', function: { ...WEATHER_TOOL, strict: true } }];
  }
  if (options.json) body.response_format = { type: 'json_schema', json_schema: { ...ANSWER_SCHEMA, strict: true } };
  if (options.reasoning) body.reasoning_effort = 'medium';
  return body;
}

async function streamed(client: OpenAI, body: Params): Promise<OpenAI.Chat.ChatCompletion> {
  const stream = client.chat.completions.stream({ ...body, stream: true, stream_options: { include_usage: true } });
  let deltas = '';
  let usageChunks = 0;
  for await (const chunk of stream) {
    deltas += chunk.choices[0]?.delta.content ?? '';
    if (chunk.usage) usageChunks++;
  }
  const completion = await stream.finalChatCompletion();
  if (usageChunks !== 1) throw new Error(`expected one usage chunk with include_usage, got ${usageChunks}`);
  if (deltas !== (completion.choices[0]?.message.content ?? '')) throw new Error('streamed content deltas differ from the final message');
  return completion;
}

function read(completion: OpenAI.Chat.ChatCompletion, message: OpenAI.Chat.ChatCompletionMessage): TurnResult {
  const calls = (message.tool_calls ?? []).flatMap((call) =>
    call.type === 'function' ? [{ callId: call.id, name: call.function.name, args: parseJsonArgs(call.function.arguments) }] : [],
  );
  return {
    text: message.content ?? '',
    calls,
    reasoning: { kind: 'no_place' },
    reasoningTokens: completion.usage?.completion_tokens_details?.reasoning_tokens ?? 0,
    opaque: [],
    finish: completion.choices[0]?.finish_reason ?? 'unknown',
    servedTier: completion.service_tier ?? undefined,
  };
}
