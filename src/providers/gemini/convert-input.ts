// Canonical input items → Interactions `input` steps (stateless: the whole history is sent).
// Steps: https://ai.google.dev/api/interactions-api — user_input / model_output carry content
// blocks; thought carries the signature Gemini needs back; function_call / function_result pair
// by call id.
import type {
  FileContent,
  FunctionCallItem,
  FunctionCallOutputItem,
  ImageSource,
  InputContent,
  InputItem,
  InputMessage,
  ReasoningItem,
} from '../../canonical/types.js';
import { FlexError } from '../../errors/catalog.js';
import { isObject } from '../json.js';
import { dropUnreplayable } from '../provider-items.js';
import type { Warn } from '../warnings.js';
import type { WireContent, WireDocumentContent, WireImageContent, WireStep, WireTextContent } from './wire.js';

export interface ConvertedGeminiInput {
  steps: WireStep[];
  /** Text of system / developer messages, in order; joined into `system_instruction`. */
  systemTexts: string[];
}

interface Builder extends ConvertedGeminiInput {
  warn: Warn;
  /** The item being converted, as warnings name it (`input[2]`). */
  field: string;
}

export function convertGeminiInput(input: readonly InputItem[], warn: Warn): ConvertedGeminiInput {
  const out: Builder = { steps: [], systemTexts: [], warn, field: 'input' };
  const callNames = functionNamesByCallId(input);
  input.forEach((item, index) => {
    out.field = `input[${index}]`;
    convertItem(item, out, callNames);
  });
  return { steps: out.steps, systemTexts: out.systemTexts };
}

function convertItem(item: InputItem, out: Builder, callNames: ReadonlyMap<string, string>): void {
  switch (item.type) {
    case 'message':
      return convertMessage(item, out);
    case 'reasoning':
      return convertReasoning(item, out);
    case 'function_call':
      out.steps.push(convertFunctionCall(item, out));
      return;
    case 'function_call_output':
      out.steps.push(convertFunctionResult(item, callNames.get(item.callId), out));
      return;
    case 'item_reference':
    case 'web_search_call':
    case 'provider_item':
      return dropUnreplayable(out.warn, out.field, item, 'Gemini');
    default:
      assertNever(item);
  }
}

/** Interactions wants the function name beside each result; the canonical output only has the id. */
function functionNamesByCallId(input: readonly InputItem[]): Map<string, string> {
  const names = new Map<string, string>();
  for (const item of input) {
    if (item.type === 'function_call') names.set(item.callId, item.name);
  }
  return names;
}

function convertMessage(message: InputMessage, out: Builder): void {
  switch (message.role) {
    case 'system':
    case 'developer': {
      const texts = message.content.flatMap((c) => (c.type === 'text' || c.type === 'refusal' ? [contentText(c)] : []));
      if (texts.length < message.content.length) {
        out.warn('translated', out.field, 'Images and files in system/developer messages have no Gemini system_instruction counterpart and were dropped.');
      }
      if (texts.length > 0) out.systemTexts.push(texts.join('\n'));
      return;
    }
    case 'user':
      out.steps.push({ type: 'user_input', content: message.content.map((c) => convertContent(c, out)) });
      return;
    case 'assistant':
      out.steps.push({ type: 'model_output', content: message.content.map((c) => convertContent(c, out)) });
      return;
    default:
      assertNever(message.role);
  }
}

function convertReasoning(item: ReasoningItem, out: Builder): void {
  // Only Gemini's own thought signatures mean anything to Gemini; other providers' opaque
  // reasoning cannot be replayed here.
  if (item.opaque?.provider !== 'gemini') {
    out.warn('reasoning_item_dropped', out.field, `The reasoning item ${item.id} did not come from Gemini and cannot be replayed to it; it was dropped.`);
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
function convertFunctionCall(item: FunctionCallItem, out: Builder): WireStep {
  return {
    type: 'function_call',
    id: item.callId,
    name: item.name,
    arguments: parseArguments(item.arguments, `${out.field}.arguments`, out.warn),
  };
}

/** Interactions takes the arguments as an object; canonical keeps JSON text. */
function parseArguments(text: string, field: string, warn: Warn): Record<string, unknown> {
  if (text.trim() === '') return {};
  try {
    const parsed: unknown = JSON.parse(text);
    if (isObject(parsed)) return parsed;
    warn('translated', field, 'Function call arguments that are not a JSON object were wrapped as {"value": …}.');
    return { value: parsed };
  } catch {
    warn('translated', field, 'Function call arguments that are not valid JSON were wrapped as {"value": "<text>"}.');
    return { value: text };
  }
}

function convertFunctionResult(item: FunctionCallOutputItem, name: string | undefined, out: Builder): WireStep {
  return {
    type: 'function_result',
    call_id: item.callId,
    ...(name === undefined ? {} : { name }),
    result: typeof item.output === 'string' ? item.output : item.output.map((c) => convertContent(c, out)),
    ...(item.isError ? { is_error: true } : {}),
  };
}

function convertContent(content: InputContent, out: Builder): WireContent {
  switch (content.type) {
    case 'text':
    case 'refusal':
      return { type: 'text', text: contentText(content) };
    case 'image':
      return convertImage(content.source, content.detail);
    case 'file':
      return convertFile(content, out);
    default:
      return assertNever(content);
  }
}

/**
 * A file as a document content block: inline bytes, or a URI (a Gemini Files API URI, or an http
 * URL). https://ai.google.dev/gemini-api/docs/document-processing
 */
function convertFile(file: FileContent, out: Builder): WireDocumentContent {
  const { source } = file;
  // Document content has no resolution field (images have one); Gemini picks its own.
  if (file.detail !== undefined && file.detail !== 'auto') {
    out.warn('translated', out.field, `File detail "${file.detail}" has no Gemini equivalent and was ignored.`);
  }
  switch (source.type) {
    case 'base64':
      return { type: 'document', data: source.data, mime_type: source.mediaType };
    case 'url':
      return { type: 'document', uri: source.url, ...(file.filename?.toLowerCase().endsWith('.pdf') ? { mime_type: 'application/pdf' } : {}) };
    case 'file_id':
      if (source.provider === 'gemini') return { type: 'document', uri: source.id };
      throw new FlexError('unsupported_parameter', {
        param: out.field,
        detail: `A file uploaded to ${source.provider} (${source.id}) cannot be read by Gemini. Send the file's content as base64 data (a data URL in \`file_data\`) or by URL instead.`,
      });
  }
}

function contentText(content: Extract<InputContent, { type: 'text' | 'refusal' }>): string {
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

function assertNever(value: never): never {
  throw new Error(`unexpected value: ${JSON.stringify(value)}`);
}
