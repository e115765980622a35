// Content blocks of /v1/messages → canonical input content (text, images, documents).
// https://platform.claude.com/docs/en/api/messages (content block params)
import type { ImageSource, InputContent } from '../../canonical/types.js';
import { expectArray, expectObject, expectString, invalid, isUnset, unsupported } from '../fields.js';
import type { JsonObject } from '../fields.js';
import { refuseCacheControl, refuseUnknownKeys, typeOf } from './fields.js';

export type Warn = (warning: string) => void;

const TEXT_KEYS = new Set(['type', 'text', 'cache_control', 'citations']);
const IMAGE_KEYS = new Set(['type', 'source', 'cache_control']);
const DOCUMENT_KEYS = new Set(['type', 'source', 'cache_control', 'citations', 'title', 'context']);

/** A text block; cited text (citations passed back by the caller) has no canonical counterpart. */
export function decodeTextBlock(block: JsonObject, param: string): InputContent {
  refuseUnknownKeys(block, TEXT_KEYS, param);
  refuseCacheControl(block, param);
  const citations = block.citations;
  if (!isUnset(citations) && !(Array.isArray(citations) && citations.length === 0)) {
    throw unsupported(`${param}.citations`, `\`${param}.citations\` is not supported: citations cannot be carried to every provider.`);
  }
  return { type: 'text', text: expectString(block.text, `${param}.text`) };
}

export function decodeImageBlock(block: JsonObject, param: string): InputContent {
  refuseUnknownKeys(block, IMAGE_KEYS, param);
  refuseCacheControl(block, param);
  return { type: 'image', source: decodeImageSource(block.source, `${param}.source`) };
}

function decodeImageSource(value: unknown, param: string): ImageSource {
  const source = expectObject(value, param);
  const type = typeOf(source, param);
  switch (type) {
    case 'base64':
      refuseUnknownKeys(source, new Set(['type', 'media_type', 'data']), param);
      return {
        type: 'base64',
        mediaType: expectString(source.media_type, `${param}.media_type`),
        data: expectString(source.data, `${param}.data`),
      };
    case 'url':
      refuseUnknownKeys(source, new Set(['type', 'url']), param);
      return { type: 'url', url: expectString(source.url, `${param}.url`) };
    case 'file':
      throw unsupported(`${param}.type`, `\`${param}.type\` "file" is not supported: files uploaded to Anthropic cannot be read by other providers. Send the image as base64 or by URL.`);
    default:
      throw invalid(`${param}.type`, `\`${param}.type\` must be "base64" or "url"; got "${type}".`);
  }
}

/**
 * Documents: only a plain-text source without citations can be carried (as text). PDFs, files and
 * citations have no canonical counterpart and are refused (docs/product.md §6).
 */
export function decodeDocumentBlock(block: JsonObject, param: string, warn: Warn): InputContent {
  refuseUnknownKeys(block, DOCUMENT_KEYS, param);
  refuseCacheControl(block, param);
  const citations = block.citations;
  if (!isUnset(citations) && !(isCitationsOff(citations))) {
    throw unsupported(`${param}.citations`, `\`${param}.citations\` is not supported: document citations cannot be carried to every provider.`);
  }
  const source = expectObject(block.source, `${param}.source`);
  const sourceType = typeOf(source, `${param}.source`);
  if (sourceType !== 'text') {
    throw unsupported(`${param}.source.type`, `Document blocks with a "${sourceType}" source are not supported: only plain-text documents can be carried to every provider. Send the content as text or images.`);
  }
  if (!isUnset(block.title) || !isUnset(block.context)) {
    warn(`${param}: document title/context were dropped; the document text was sent as a text part`);
  }
  return { type: 'text', text: expectString(source.data, `${param}.source.data`) };
}

function isCitationsOff(value: unknown): boolean {
  return typeof value === 'object' && value !== null && (value as JsonObject).enabled === false;
}

/** `content` of a tool_result: a string, or text / image blocks. */
export function decodeToolResultContent(value: unknown, param: string, warn: Warn): string | InputContent[] {
  if (isUnset(value)) return '';
  if (typeof value === 'string') return value;
  return expectArray(value, param).map((raw, index) => {
    const path = `${param}.${index}`;
    const block = expectObject(raw, path);
    const type = typeOf(block, path);
    switch (type) {
      case 'text':
        return decodeTextBlock(block, path);
      case 'image':
        return decodeImageBlock(block, path);
      case 'document':
        return decodeDocumentBlock(block, path, warn);
      default:
        throw unsupported(`${path}.type`, `Tool result blocks of type "${type}" are not supported; use text or image blocks.`);
    }
  });
}
