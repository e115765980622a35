// What the emulated model answers, independent of any wire format: a list of blocks (reasoning,
// text, refusal, tool call) already cut into stream deltas, a finish reason and token usage.
// Content is derived from (seed, model, last user text) only, so flex and standard tiers answer
// the same request identically — a fallback changes the tier, never the answer.
import { stripDirectives, type Script } from './directives.js';
import { createRng, hashParts, type Rng } from './rng.js';
import { valueForSchema } from './schema-value.js';
import type { TierClass } from './types.js';

export interface AskTool {
  name: string;
  parameters: unknown;
}

/** The wire-independent view of a request that the answer and capacity model need. */
export interface Ask {
  model: string;
  /** Provider's tier name after defaults (`flex`, `default`, `standard_only`, …). */
  tier: string;
  tierClass: TierClass;
  stream: boolean;
  lastUserText: string;
  /** Characters of all input text (instructions, messages, tool results, tool schemas). */
  inputChars: number;
  hasImage: boolean;
  /** The last user turn carries a document (a PDF). */
  hasDocument?: boolean;
  /** A hosted web search tool was offered: a text answer searches first and cites what it found. */
  webSearch?: boolean;
  /** The API can pause a server-side tool loop before the answer (Anthropic `pause_turn`). */
  pausesTurns?: boolean;
  /** OpenAI's hosted code interpreter was offered: a text answer runs a line of code first. */
  codeInterpreter?: boolean;
  /** The conversation ends with a tool result: the model answers instead of calling again. */
  endsWithToolResult: boolean;
  tools: AskTool[];
  /** The tool choice forces a call: `true` for any tool, or the name of the one tool allowed. */
  forcedTool?: true | string;
  /** Structured output was requested; `schema` absent means any JSON object. */
  json?: { schema?: unknown };
  wantsReasoning: boolean;
  maxOutputTokens?: number;
}

export type ReplyBlock =
  | { kind: 'reasoning'; text: string; chunks: string[]; tokens: number }
  | { kind: 'search'; query: string; results: SearchResult[] }
  | { kind: 'code'; code: string; chunks: string[]; logs: string }
  | { kind: 'text'; text: string; chunks: string[]; citations?: Citation[] }
  | { kind: 'refusal'; text: string; chunks: string[] }
  | { kind: 'tool_call'; name: string; arguments: string; chunks: string[] };

export interface SearchResult {
  url: string;
  title: string;
}

/** `text.slice(start, end)` is supported by the result at `url`. */
export interface Citation extends SearchResult {
  start: number;
  end: number;
}

/** `pause`: a server-side tool loop stopped before the answer (only where `Ask.pausesTurns`). */
export type Finish = 'stop' | 'tool_calls' | 'length' | 'refusal' | 'pause';

export interface ReplyUsage {
  /** All input tokens (cached included). */
  inputTokens: number;
  cachedTokens: number;
  /** All output tokens (reasoning included). */
  outputTokens: number;
  reasoningTokens: number;
}

export interface Reply {
  blocks: ReplyBlock[];
  finish: Finish;
  usage: ReplyUsage;
}

const WORDS = [
  'amber', 'bright', 'canyon', 'delta', 'ember', 'falcon', 'garden', 'harbor', 'island', 'jasper',
  'kettle', 'lantern', 'meadow', 'nimbus', 'orchard', 'pebble', 'quartz', 'river', 'summit', 'timber',
  'umbra', 'valley', 'willow', 'xenon', 'yonder', 'zephyr', 'quiet', 'steady', 'careful', 'simple',
  'answer', 'signal', 'window', 'paper', 'morning', 'forest', 'copper', 'silver', 'stone', 'cloud',
];

export const REFUSAL_TEXT = "I'm sorry, but I can't help with that.";

/** Roughly four characters per token, at least one. */
export function estimateTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

function sentence(rng: Rng, min: number, max: number): string {
  const n = min + rng.int(max - min + 1);
  const words: string[] = [];
  for (let i = 0; i < n; i++) words.push(rng.pick(WORDS));
  const text = words.join(' ');
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
}

/** Word-sized deltas (" word"), like a tokenizer's pieces. */
export function wordChunks(text: string): string[] {
  const chunks = text.match(/\s*\S+\s*?/g) ?? [];
  // Trailing whitespace (a text cut before a cited span) is kept: deltas always join to the text.
  const rest = text.slice(chunks.join('').length);
  return rest === '' ? chunks : [...chunks, rest];
}

/** JSON text cut into 1–8 character pieces, like the real argument deltas. */
export function jsonChunks(text: string, rng: Rng): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; ) {
    const n = 1 + rng.int(8);
    out.push(text.slice(i, i + n));
    i += n;
  }
  return out;
}

interface Draft {
  reasoning?: string;
  search?: ReplyBlock & { kind: 'search' };
  code?: ReplyBlock & { kind: 'code' };
  block: ReplyBlock;
}

/**
 * A deterministic web search: two results on example.com named after the question's first long
 * word, and an answer whose sentence after the lead cites the first of them.
 */
function searched(ask: Ask, block: ReplyBlock & { kind: 'text' }, rng: Rng): Pick<Draft, 'search' | 'block'> {
  const query = stripDirectives(ask.lastUserText).slice(0, 80) || 'search';
  const topic = (/[A-Za-z]{4,}/.exec(query)?.[0] ?? 'topic').toLowerCase();
  const results = [1, 2].map((n) => ({ url: `https://example.com/${topic}/${n}`, title: `${topic} source ${n}` }));
  const lead = 'From the web: ';
  const cited = sentence(rng, 6, 14);
  const text = `${block.text} ${lead}${cited}`;
  const first = results[0] ?? { url: 'https://example.com/', title: 'source' };
  const start = text.length - cited.length;
  return {
    search: { kind: 'search', query, results },
    block: { kind: 'text', text, chunks: wordChunks(text), citations: [{ ...first, start, end: text.length }] },
  };
}

/** A deterministic code run: one line adding two numbers, and an answer that starts with the sum. */
function coded(block: ReplyBlock & { kind: 'text' }, rng: Rng): Pick<Draft, 'code' | 'block'> {
  const a = 2 + rng.int(90);
  const b = 2 + rng.int(90);
  const code = `print(${a} + ${b})\n`;
  const text = `The code printed ${a + b}. ${block.text}`;
  return {
    code: { kind: 'code', code, chunks: wordChunks(code), logs: `${a + b}\n` },
    block: { kind: 'text', text, chunks: wordChunks(text) },
  };
}

function draftAnswer(ask: Ask, script: Script, rng: Rng): ReplyBlock {
  const topic = /[A-Za-z]{4,}/.exec(stripDirectives(ask.lastUserText))?.[0] ?? 'example';
  const answer = script.answer ?? (ask.json ? 'json' : 'text');
  const tool = ask.tools[0];
  // A forced tool choice is obeyed whatever the conversation holds, as the providers do.
  const forced = ask.forcedTool !== undefined && tool !== undefined;
  if (forced || (answer === 'tool_call' && !ask.endsWithToolResult && (script.toolName !== undefined || tool))) {
    const name = typeof ask.forcedTool === 'string' ? ask.forcedTool : (script.toolName ?? tool?.name ?? 'tool');
    const schema = ask.tools.find((t) => t.name === name)?.parameters;
    const args = JSON.stringify(script.toolArgs ?? valueForSchema(schema ?? {}, topic));
    return { kind: 'tool_call', name, arguments: args, chunks: jsonChunks(args, rng) };
  }
  if (answer === 'refusal') return { kind: 'refusal', text: REFUSAL_TEXT, chunks: wordChunks(REFUSAL_TEXT) };
  if (answer === 'json') {
    const value = ask.json?.schema !== undefined ? valueForSchema(ask.json.schema, topic) : { answer: sentence(rng, 3, 8) };
    const text = JSON.stringify(value);
    return { kind: 'text', text, chunks: jsonChunks(text, rng) };
  }
  const lead = `${ask.hasImage ? 'I see an image. ' : ''}${ask.hasDocument ? 'I read a document. ' : ''}${ask.endsWithToolResult ? 'Using the tool result: ' : ''}`;
  const text = `${lead}${sentence(rng, 6, 20)}`;
  return { kind: 'text', text, chunks: wordChunks(text) };
}

function draft(ask: Ask, script: Script, seed: number): Draft {
  const rng = createRng(hashParts(seed, ask.model, ask.lastUserText));
  const reasoning = script.reasoning || ask.wantsReasoning ? `**Considering the request**\n\n${sentence(rng, 10, 24)}` : undefined;
  const answer = draftAnswer(ask, script, rng);
  const plainText = answer.kind === 'text' && script.answer !== 'json' && !ask.json && !ask.endsWithToolResult;
  let drafted: Omit<Draft, 'reasoning'> = { block: answer };
  if (plainText && ask.webSearch === true && answer.kind === 'text') drafted = searched(ask, answer, rng);
  else if (plainText && ask.codeInterpreter === true && answer.kind === 'text') drafted = coded(answer, rng);
  return reasoning === undefined ? drafted : { reasoning, ...drafted };
}

function blockTokens(block: ReplyBlock): number {
  switch (block.kind) {
    case 'reasoning':
      return block.tokens;
    case 'search':
      return 0;
    case 'code':
      return estimateTokens(block.code);
    case 'text':
    case 'refusal':
      return estimateTokens(block.text);
    case 'tool_call':
      return estimateTokens(block.arguments);
  }
}

function finishFor(block: ReplyBlock): Finish {
  switch (block.kind) {
    case 'tool_call':
      return 'tool_calls';
    case 'refusal':
      return 'refusal';
    case 'reasoning':
    case 'search':
    case 'code':
    case 'text':
      return 'stop';
  }
}

/** Cuts a block to `tokens` output tokens (four characters each); undefined when nothing is left. */
function cutBlock(block: ReplyBlock, tokens: number, rng: Rng): ReplyBlock | undefined {
  if (tokens <= 0) return undefined;
  const chars = tokens * 4;
  switch (block.kind) {
    case 'reasoning':
      return { ...block, tokens };
    case 'search':
    case 'code':
      return block;
    case 'text':
    case 'refusal': {
      const text = block.text.slice(0, chars);
      const citations = block.kind === 'text' ? (block.citations ?? []).filter((c) => c.end <= text.length) : [];
      return { kind: block.kind, text, chunks: wordChunks(text), ...(citations.length > 0 ? { citations } : {}) };
    }
    case 'tool_call': {
      const args = block.arguments.slice(0, chars);
      return { ...block, arguments: args, chunks: jsonChunks(args, rng) };
    }
  }
}

/**
 * Builds the reply. Output beyond the request's limit is cut (finish `length`), as the real
 * models do; `[emulate:truncate]` cuts at the limit, or at half the answer when there is none.
 */
export function buildReply(ask: Ask, script: Script, seed: number): Reply {
  const d = draft(ask, script, seed);
  const rng = createRng(hashParts(seed, 'cut', ask.lastUserText));
  let reasoning: ReplyBlock | undefined;
  if (d.reasoning !== undefined) {
    reasoning = { kind: 'reasoning', text: d.reasoning, chunks: wordChunks(d.reasoning), tokens: estimateTokens(d.reasoning) * 2 };
  }
  const full = (reasoning ? blockTokens(reasoning) : 0) + blockTokens(d.block);
  const limit = script.truncate ? (ask.maxOutputTokens ?? Math.max(1, Math.floor(full / 2))) : ask.maxOutputTokens;
  const inputTokens = Math.max(1, Math.ceil(ask.inputChars / 4));
  const lead: ReplyBlock[] = [...(reasoning ? [reasoning] : []), ...(d.search ? [d.search] : []), ...(d.code ? [d.code] : [])];
  if (script.pauseTurn && ask.pausesTurns === true && d.search) {
    return { blocks: lead, finish: 'pause', usage: usage(inputTokens, lead) };
  }
  if (limit === undefined || (full <= limit && !script.truncate)) {
    const blocks = [...lead, d.block];
    return { blocks, finish: finishFor(d.block), usage: usage(inputTokens, blocks) };
  }
  const blocks: ReplyBlock[] = [];
  const reasoningCut = reasoning ? cutBlock(reasoning, Math.min(blockTokens(reasoning), limit), rng) : undefined;
  if (reasoningCut) blocks.push(reasoningCut);
  if (d.search) blocks.push(d.search);
  if (d.code) blocks.push(d.code);
  const left = limit - (reasoningCut ? blockTokens(reasoningCut) : 0) - (d.code ? blockTokens(d.code) : 0);
  const answerCut = cutBlock(d.block, Math.min(left, Math.max(0, blockTokens(d.block) - 1)), rng);
  if (answerCut) blocks.push(answerCut);
  const u = usage(inputTokens, blocks);
  return { blocks, finish: 'length', usage: { ...u, outputTokens: Math.max(u.outputTokens, limit) } };
}

function usage(inputTokens: number, blocks: ReplyBlock[]): ReplyUsage {
  let outputTokens = 0;
  let reasoningTokens = 0;
  for (const b of blocks) {
    const t = blockTokens(b);
    outputTokens += t;
    if (b.kind === 'reasoning') reasoningTokens += t;
  }
  return { inputTokens, cachedTokens: 0, outputTokens, reasoningTokens };
}
