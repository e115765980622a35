// What the matrix asks of a caller surface: a conversation held in the surface's own dialect,
// driven through its official SDK, whose turns are read back into one comparable shape.
import type { SurfaceName } from '../../../src/canonical/types.js';
import type { Mode } from './matrix.js';

export interface ConversationOptions {
  model: string;
  mode: Mode;
  /** Offer the get_weather function tool. */
  tools?: boolean;
  /** Ask for JSON output matching ANSWER_SCHEMA. */
  json?: boolean;
  /** Ask for reasoning in the surface's own terms (effort, thinking, thinking_level). */
  reasoning?: boolean;
}

export interface UserTurn {
  text: string;
  /** A base64 PNG sent beside the text in the same user message. */
  imagePng?: string;
}

export interface ToolCall {
  callId: string;
  name: string;
  /** The arguments as the caller reads them (parsed from JSON text where the dialect sends text). */
  args: unknown;
}

/** Where the caller's dialect showed reasoning, when it did. */
export type ReasoningShown =
  | { kind: 'shown'; place: string; signed: boolean }
  | { kind: 'absent' }
  /** The dialect has no place for reasoning (Chat Completions); only usage counts it. */
  | { kind: 'no_place' };

export interface TurnResult {
  text: string;
  calls: ToolCall[];
  reasoning: ReasoningShown;
  reasoningTokens: number;
  /** Every opaque reasoning value the caller was given to replay (encrypted content, signatures). */
  opaque: string[];
  /** The dialect's own finish signal (finish_reason, stop_reason, status). */
  finish: string;
  /** The served tier as the body reports it. */
  servedTier: string | undefined;
}

export interface Conversation {
  /** Sends a user message (after any earlier turns) and keeps the assistant's answer in the history. */
  say(turn: UserTurn): Promise<TurnResult>;
  /** Answers the given calls with tool results (and optionally a new user message), then sends. */
  answer(calls: readonly ToolCall[], output: string, then?: UserTurn): Promise<TurnResult>;
}

export interface SurfaceDriver {
  readonly surface: SurfaceName;
  conversation(options: ConversationOptions): Conversation;
}

export interface DriverTarget {
  /** Gateway base URL, e.g. http://127.0.0.1:1234 */
  url: string;
  key: string;
}

/** The dialect-specific half of a conversation: how turns look and how one request is sent. */
export interface Dialect<Item> {
  userTurn(turn: UserTurn): Item[];
  toolResults(calls: readonly ToolCall[], output: string, then: UserTurn | undefined): Item[];
  /** Sends the whole history; returns the turn read back and the items to replay next time. */
  send(history: readonly Item[]): Promise<{ turn: TurnResult; replay: Item[] }>;
}

/** A stateless conversation: every request carries the whole history, replayed as received. */
export function createConversation<Item>(dialect: Dialect<Item>): Conversation {
  const history: Item[] = [];
  async function send(): Promise<TurnResult> {
    const { turn, replay } = await dialect.send(history);
    history.push(...replay);
    return turn;
  }
  return {
    say(turn) {
      history.push(...dialect.userTurn(turn));
      return send();
    },
    answer(calls, output, then) {
      history.push(...dialect.toolResults(calls, output, then));
      return send();
    },
  };
}

export function parseJsonArgs(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return { unparsable: text };
  }
}

