// Reads what the emulator received upstream, in each provider's own terms, so a cell can prove the
// feature reached the provider (image bytes, the reasoning ask, the schema, the tool result).
import type { ProviderName } from '../../../src/canonical/types.js';

type Json = Record<string, unknown>;

export interface UpstreamView {
  imageCount: number;
  /** How the request asked for reasoning in the provider's terms, e.g. `thinking.budget_tokens=4096`. */
  reasoningAsk: string | undefined;
  /** The JSON schema the provider was asked to enforce. */
  schema: Json | undefined;
  toolNames: string[];
  /** Call ids answered by tool results in the request. */
  toolResultIds: string[];
  /** Opaque reasoning state replayed to the provider (signatures, encrypted content), in order. */
  replayedSignatures: string[];
  /** Provider protocol rules the request breaks (the real API would answer 400). */
  violations: string[];
}

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const objects = (v: unknown): Json[] => (Array.isArray(v) ? v.filter(isObject) : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

export function upstreamView(provider: ProviderName, body: unknown): UpstreamView {
  const b = isObject(body) ? body : {};
  switch (provider) {
    case 'openai':
      return openaiView(b);
    case 'gemini':
      return geminiView(b);
    case 'anthropic':
      return anthropicView(b);
  }
}

/** https://platform.openai.com/docs/api-reference/responses/create */
function openaiView(b: Json): UpstreamView {
  const input = objects(b.input);
  const reasoning = isObject(b.reasoning) ? b.reasoning : {};
  const effort = str(reasoning.effort);
  const format = isObject(b.text) && isObject(b.text.format) ? b.text.format : {};
  return {
    imageCount: input.flatMap((i) => objects(i.content)).filter((c) => c.type === 'input_image').length,
    reasoningAsk: effort !== undefined && effort !== 'none' ? `reasoning.effort=${effort}` : undefined,
    schema: format.type === 'json_schema' && isObject(format.schema) ? format.schema : undefined,
    toolNames: objects(b.tools).flatMap((t) => str(t.name) ?? []),
    toolResultIds: input.filter((i) => i.type === 'function_call_output').flatMap((i) => str(i.call_id) ?? []),
    replayedSignatures: input.filter((i) => i.type === 'reasoning').flatMap((i) => str(i.encrypted_content) ?? []),
    violations: [],
  };
}

/** https://ai.google.dev/api/interactions-api */
function geminiView(b: Json): UpstreamView {
  const steps = objects(b.input);
  const contents = [...steps, ...steps.flatMap((s) => objects(s.content))];
  const config = isObject(b.generation_config) ? b.generation_config : {};
  const level = str(config.thinking_level);
  const formats = Array.isArray(b.response_format) ? objects(b.response_format) : isObject(b.response_format) ? [b.response_format] : [];
  const schema = formats.map((f) => f.schema).find(isObject);
  return {
    imageCount: contents.filter((c) => c.type === 'image').length,
    reasoningAsk: level !== undefined ? `generation_config.thinking_level=${level}` : undefined,
    schema,
    toolNames: objects(b.tools).flatMap((t) => str(t.name) ?? []),
    toolResultIds: steps.filter((s) => s.type === 'function_result').flatMap((s) => str(s.call_id) ?? []),
    replayedSignatures: steps
      .filter((s) => s.type === 'thought' || s.type === 'function_call')
      .flatMap((s) => (str(s.signature) ? [str(s.signature) ?? ''] : [])),
    violations: [],
  };
}

/** https://platform.claude.com/docs/en/api/messages */
function anthropicView(b: Json): UpstreamView {
  const messages = objects(b.messages);
  const blocks = messages.flatMap((m) => objects(m.content));
  const assistantBlocks = messages.filter((m) => m.role === 'assistant').flatMap((m) => objects(m.content));
  const thinking = isObject(b.thinking) ? b.thinking : {};
  const format = isObject(b.output_config) && isObject(b.output_config.format) ? b.output_config.format : {};
  return {
    imageCount: blocks.filter((c) => c.type === 'image').length,
    reasoningAsk: thinkingAsk(thinking),
    schema: format.type === 'json_schema' && isObject(format.schema) ? format.schema : undefined,
    toolNames: objects(b.tools).flatMap((t) => str(t.name) ?? []),
    toolResultIds: blocks.filter((c) => c.type === 'tool_result').flatMap((c) => str(c.tool_use_id) ?? []),
    replayedSignatures: assistantBlocks.flatMap((c) =>
      c.type === 'thinking' ? (str(c.signature) ?? []) : c.type === 'redacted_thinking' ? (str(c.data) ?? []) : [],
    ),
    violations: thinkingRule(thinking, messages),
  };
}

/**
 * With thinking on, the final assistant turn of a tool loop must start with its thinking block.
 * https://platform.claude.com/docs/en/build-with-claude/extended-thinking#extended-thinking-with-tool-use
 */
function thinkingRule(thinking: Json, messages: Json[]): string[] {
  if (thinking.type !== 'enabled' && thinking.type !== 'adaptive') return [];
  const last = messages.findLast((m) => m.role === 'assistant');
  const blocks = objects(last?.content);
  if (!blocks.some((b) => b.type === 'tool_use')) return [];
  const first = blocks[0]?.type;
  return first === 'thinking' || first === 'redacted_thinking'
    ? []
    : ['thinking is enabled but the final assistant tool turn does not start with a thinking block'];
}

function thinkingAsk(thinking: Json): string | undefined {
  if (thinking.type === 'enabled') return `thinking.budget_tokens=${String(thinking.budget_tokens)}`;
  if (thinking.type === 'adaptive') return 'thinking.type=adaptive';
  return undefined;
}
