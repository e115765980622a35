// The surface interface: one caller dialect (request, response, stream, errors) ⇄ canonical.
// A surface never calls a provider.
import type {
  CanonicalRequest,
  CanonicalResponse,
  CanonicalStreamEvent,
  ServedTier,
  SurfaceName,
  Warning,
} from '../canonical/types.js';
import type { FlexError } from '../errors/catalog.js';
import type { RenderedError } from '../errors/render.js';

export interface EncodeContext {
  /** The tier the race committed to (known before the first byte is written). */
  servedTier: ServedTier;
  requestId: string;
  /** Public base URL for `doc_url` in in-stream error events (as passed to `renderError`). */
  docsBaseUrl?: string;
}

export interface StreamEncoder {
  /** Bytes for one canonical event ('' when the dialect has nothing to say for it). */
  event(event: CanonicalStreamEvent): string;
  /** Bytes that end the stream with a failure in the dialect's error event shape. */
  error(err: FlexError): string;
  /** Trailing bytes after `response.completed` (e.g. `data: [DONE]\n\n`). */
  end(): string;
}

/** A decoded request with its encoders bound to what the caller asked for. */
export interface DecodedRequest {
  request: CanonicalRequest;
  stream: boolean;
  /** What decoding changed to fit the canonical form (the answer reports them with the provider's). */
  warnings: readonly Warning[];
  /**
   * Keep the answer's output items for a while so later requests can name them by id (Responses
   * `store`, which defaults to true); the request may hold such references (`item_reference`).
   */
  keepOutput?: boolean;
  encodeResponse(response: CanonicalResponse, ctx: EncodeContext): unknown;
  createStreamEncoder(ctx: EncodeContext): StreamEncoder;
}

export interface Surface {
  readonly name: SurfaceName;
  /** Route path, e.g. `/v1/responses`. */
  readonly path: string;
  /** The body field that carries the output token limit (for `missing_max_tokens`). */
  readonly maxTokensParam: string;
  /** A minimal valid body, shown as the example of errors about the body as a whole. */
  readonly exampleBody: string;
  /**
   * Validates and decodes a parsed JSON object body. `model` and `start_within` were already
   * checked by the server (they sit at the top level in every dialect); `start_within` must be
   * ignored here. Throws FlexError: `invalid_parameter` (param = dotted path),
   * `unsupported_parameter`, `service_tier_not_allowed`, `missing_max_tokens` (where the dialect
   * always requires it).
   */
  decode(body: Record<string, unknown>): DecodedRequest;
  /** The dialect's error envelope. */
  renderError(err: FlexError, docsBaseUrl: string): RenderedError;
}
