// Content blocks of /v1/messages → canonical input content (text, images, documents).
// https://platform.claude.com/docs/en/api/messages (content block params)
import type { FileContent, FileSource, ImageSource, InputContent, Warning } from '../../canonical/types.js';
import { expectArray, expectObject, expectString, invalid, isUnset, unsupported } from '../fields.js';
import type { JsonObject } from '../fields.js';
import { refuseCacheControl, refuseUnknownMessagesKeys, typeOf } from './fields.js';

/** Notes a change decoding made to fit the canonical form. */
export type Warn = (warning: Warning) => void;

const TEXT_KEYS = new Set(['type', 'text', 'cache_control', 'citations']);
const IMAGE_KEYS = new Set(['type', 'source', 'cache_control']);
const DOCUMENT_KEYS = new Set(['type', 'source', 'cache_control', 'citations', 'title', 'context']);

/** A text block; cited text (citations passed back by the caller) has no canonical counterpart. */
export function decodeTextBlock(block: JsonObject, param: string): InputContent {
  refuseUnknownMessagesKeys(block, TEXT_KEYS, param);
  refuseCacheControl(block, param);
  const citations = block.citations;
  if (!isUnset(citations) && !(Array.isArray(citations) && citations.length === 0)) {
    throw unsupported(`${param}.citations`, `\`${param}.citations\` is not supported: citations cannot be carried to every provider.`);
  }
  return { type: 'text', text: expectString(block.text, `${param}.text`) };
}

export function decodeImageBlock(block: JsonObject, param: string): InputContent {
  refuseUnknownMessagesKeys(block, IMAGE_KEYS, param);
  refuseCacheControl(block, param);
  return { type: 'image', source: decodeImageSource(block.source, `${param}.source`) };
}

function decodeImageSource(value: unknown, param: string): ImageSource {
  const source = expectObject(value, param);
  const type = typeOf(source, param);
  switch (type) {
    case 'base64':
      refuseUnknownMessagesKeys(source, new Set(['type', 'media_type', 'data']), param);
      return {
        type: 'base64',
        mediaType: expectString(source.media_type, `${param}.media_type`),
        data: expectString(source.data, `${param}.data`),
      };
    case 'url':
      refuseUnknownMessagesKeys(source, new Set(['type', 'url']), param);
      return { type: 'url', url: expectString(source.url, `${param}.url`) };
    case 'file':
      throw unsupported(`${param}.type`, `\`${param}.type\` "file" is not supported: files uploaded to Anthropic cannot be read by other providers. Send the image as base64 or by URL.`);
    default:
      throw invalid(`${param}.type`, `\`${param}.type\` must be "base64" or "url"; got "${type}".`);
  }
}

/**
 * Documents: a PDF (base64 or URL) or a file uploaded to Anthropic is a canonical file, which every
 * provider reads (docs/product.md §6); a plain-text source is carried as text. Citations on
 * documents have no counterpart elsewhere and are refused.
 * https://platform.claude.com/docs/en/build-with-claude/pdf-support
 */
export function decodeDocumentBlock(block: JsonObject, param: string, warn: Warn): InputContent {
  refuseUnknownMessagesKeys(block, DOCUMENT_KEYS, param);
  refuseCacheControl(block, param);
  const citations = block.citations;
  if (!isUnset(citations) && !(isCitationsOff(citations))) {
    throw unsupported(`${param}.citations`, `\`${param}.citations\` is not supported: document citations cannot be carried to every provider.`);
  }
  const source = expectObject(block.source, `${param}.source`);
  const sourceType = typeOf(source, `${param}.source`);
  const title = isUnset(block.title) ? undefined : expectString(block.title, `${param}.title`);
  if (!isUnset(block.context)) {
    warn({ code: 'translated', field: `${param}.context`, message: 'The document context was dropped; it has no counterpart on every provider.' });
  }
  if (sourceType === 'text') {
    if (title !== undefined) warn({ code: 'translated', field: `${param}.title`, message: 'The document title was dropped; the document text was sent as a text part.' });
    refuseUnknownMessagesKeys(source, new Set(['type', 'media_type', 'data']), `${param}.source`);
    return { type: 'text', text: expectString(source.data, `${param}.source.data`) };
  }
  const file: FileContent = { type: 'file', source: documentSource(source, sourceType, `${param}.source`) };
  if (title !== undefined) file.filename = title;
  return file;
}

function documentSource(source: JsonObject, type: string, param: string): FileSource {
  switch (type) {
    case 'base64':
      refuseUnknownMessagesKeys(source, new Set(['type', 'media_type', 'data']), param);
      return { type: 'base64', mediaType: expectString(source.media_type, `${param}.media_type`), data: expectString(source.data, `${param}.data`) };
    case 'url':
      refuseUnknownMessagesKeys(source, new Set(['type', 'url']), param);
      return { type: 'url', url: expectString(source.url, `${param}.url`) };
    case 'file':
      refuseUnknownMessagesKeys(source, new Set(['type', 'file_id']), param);
      return { type: 'file_id', provider: 'anthropic', id: expectString(source.file_id, `${param}.file_id`) };
    default:
      throw unsupported(`${param}.type`, `Document blocks with a "${type}" source are not supported: send a PDF as base64 or by URL, or plain text.`);
  }
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
