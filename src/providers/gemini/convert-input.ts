// Canonical input items → Interactions `input` steps (stateless: the whole history is sent).
// Steps: https://ai.google.dev/api/interactions-api — user_input / model_output carry content
// blocks; thought carries the signature Gemini needs back; function_call / function_result pair
// by call id.
import type {
  FunctionCallItem,
  FunctionCallOutputItem,
  ImageSource,
  InputContent,
  InputItem,
  InputMessage,
  ReasoningItem,
} from '../../canonical/types.js';
import type { WireContent, WireImageContent, WireStep, WireTextContent } from './wire-types.js';

export interface ConvertedInput {
  steps: WireStep[];
  /** Text of system / developer messages, in order; joined into `system_instruction`. */
  systemTexts: string[];
  warnings: string[];
}

export function convertInput(input: readonly InputItem[]): ConvertedInput {
  const out: ConvertedInput = { steps: [], systemTexts: [], warnings: [] };
  const callNames = functionNamesByCallId(input);
  for (const item of input) {
    switch (item.type) {
      case 'message':
        convertMessage(item, out);
        break;
      case 'reasoning':
        convertReasoning(item, out);
        break;
      case 'function_call':
        out.steps.push(convertFunctionCall(item, out.warnings));
        break;
      case 'function_call_output':
        out.steps.push(convertFunctionResult(item, callNames.get(item.callId)));
        break;
      case 'item_reference':
        // The server resolves references before a provider is chosen; one left over has no content.
        out.warnings.push(`input: the item reference ${item.id} could not be resolved and was dropped`);
        break;
      default:
        assertNever(item);
    }
  }
  return out;
}

/** Interactions wants the function name beside each result; the canonical output only has the id. */
function functionNamesByCallId(input: readonly InputItem[]): Map<string, string> {
  const names = new Map<string, string>();
  for (const item of input) {
    if (item.type === 'function_call') names.set(item.callId, item.name);
  }
  return names;
}

function convertMessage(message: InputMessage, out: ConvertedInput): void {
  switch (message.role) {
    case 'system':
    case 'developer': {
      const texts = message.content.flatMap((c) => (c.type === 'image' ? [] : [contentText(c)]));
      if (texts.length < message.content.length) {
        pushOnce(out.warnings, 'gemini: images in system/developer messages have no system_instruction counterpart and were dropped');
      }
      if (texts.length > 0) out.systemTexts.push(texts.join('\n'));
      return;
    }
    case 'user':
      out.steps.push({ type: 'user_input', content: message.content.map(convertContent) });
      return;
    case 'assistant':
      out.steps.push({ type: 'model_output', content: message.content.map(convertContent) });
      return;
    default:
      assertNever(message.role);
  }
}

function convertReasoning(item: ReasoningItem, out: ConvertedInput): void {
  // Only Gemini's own thought signatures mean anything to Gemini; other providers' opaque
  // reasoning cannot be replayed here.
  if (item.opaque?.provider !== 'gemini') {
    pushOnce(out.warnings, 'gemini: reasoning items from another provider cannot be replayed to Gemini and were dropped');
    return;
  }
  const summary: WireTextContent[] = item.summary
    .filter((s) => s.length > 0)
    .map((text) => ({ type: 'text', text }));
  out.steps.push({
    type: 'thought',
    signature: item.opaque.data,
    ...(summary.length > 0 ? { summary } : {}),
  });
}

/**
 * The request-side FunctionCallStep has only arguments/id/name/type: a signature read from the
 * stream is not sent back (thought signatures travel on `thought` steps, replayed above).
 */
function convertFunctionCall(item: FunctionCallItem, warnings: string[]): WireStep {
  return {
    type: 'function_call',
    id: item.callId,
    name: item.name,
    arguments: parseArguments(item.arguments, warnings),
  };
}

/** Interactions takes the arguments as an object; canonical keeps JSON text. */
function parseArguments(text: string, warnings: string[]): Record<string, unknown> {
  if (text.trim() === '') return {};
  try {
    const parsed: unknown = JSON.parse(text);
    if (isPlainObject(parsed)) return parsed;
    pushOnce(warnings, 'gemini: function call arguments that are not a JSON object were wrapped as {"value": …}');
    return { value: parsed };
  } catch {
    pushOnce(warnings, 'gemini: function call arguments that are not valid JSON were wrapped as {"value": "<text>"}');
    return { value: text };
  }
}

function convertFunctionResult(item: FunctionCallOutputItem, name: string | undefined): WireStep {
  return {
    type: 'function_result',
    call_id: item.callId,
    ...(name === undefined ? {} : { name }),
    result: typeof item.output === 'string' ? item.output : item.output.map(convertContent),
    ...(item.isError ? { is_error: true } : {}),
  };
}

function convertContent(content: InputContent): WireContent {
  switch (content.type) {
    case 'text':
    case 'refusal':
      return { type: 'text', text: contentText(content) };
    case 'image':
      return convertImage(content.source, content.detail);
    default:
      return assertNever(content);
  }
}

function contentText(content: Exclude<InputContent, { type: 'image' }>): string {
  return content.type === 'text' ? content.text : content.refusal;
}

const DATA_URL = /^data:([^;,]+);base64,(.*)$/s;

function convertImage(source: ImageSource, detail: 'auto' | 'low' | 'high' | undefined): WireImageContent {
  const resolution = detail === 'low' || detail === 'high' ? { resolution: detail } : {};
  if (source.type === 'base64') {
    return { type: 'image', data: source.data, mime_type: source.mediaType, ...resolution };
  }
  // Inline data URLs travel as bytes; other URLs (Files API, http) are passed as `uri`.
  const match = DATA_URL.exec(source.url);
  if (match?.[1] !== undefined && match[2] !== undefined) {
    return { type: 'image', data: match[2], mime_type: match[1], ...resolution };
  }
  return { type: 'image', uri: source.url, ...resolution };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function pushOnce(warnings: string[], warning: string): void {
  if (!warnings.includes(warning)) warnings.push(warning);
}

function assertNever(value: never): never {
  throw new Error(`unexpected value: ${JSON.stringify(value)}`);
}
