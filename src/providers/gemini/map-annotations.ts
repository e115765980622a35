// Interactions text annotations → canonical URL citations. Gemini measures a cited span in UTF-8
// bytes of the text (URLCitation: "Index indicates the start of the segment, measured in bytes");
// canonical offsets are JavaScript string indexes, as `text.slice(start, end)` takes them.
// https://ai.google.dev/api/interactions-api (URLCitation)
import type { UrlCitation } from '../../canonical/types.js';

/** The `url_citation` annotations of one text, offsets converted; other kinds are not carried. */
export function urlCitations(annotations: readonly unknown[], text: string): UrlCitation[] {
  const out: UrlCitation[] = [];
  let offsets: number[] | undefined;
  for (const raw of annotations) {
    if (typeof raw !== 'object' || raw === null) continue;
    const a = raw as { type?: unknown; url?: unknown; title?: unknown; start_index?: unknown; end_index?: unknown };
    if (a.type !== 'url_citation' || typeof a.url !== 'string') continue;
    offsets ??= byteToIndex(text);
    out.push({
      type: 'url_citation',
      url: a.url,
      title: typeof a.title === 'string' ? a.title : '',
      startIndex: indexAt(offsets, a.start_index, 0),
      endIndex: indexAt(offsets, a.end_index, text.length),
    });
  }
  return out;
}

/** For each UTF-8 byte offset 0..byteLength, the string index of the character starting there or after. */
function byteToIndex(text: string): number[] {
  const map: number[] = [];
  let index = 0;
  for (const char of text) {
    const bytes = Buffer.byteLength(char, 'utf8');
    for (let i = 0; i < bytes; i += 1) map.push(index);
    index += char.length;
  }
  map.push(index);
  return map;
}

function indexAt(offsets: readonly number[], byte: unknown, fallback: number): number {
  if (typeof byte !== 'number' || !Number.isInteger(byte) || byte < 0) return fallback;
  return offsets[Math.min(byte, offsets.length - 1)] ?? fallback;
}
