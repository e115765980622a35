// Scenario scripting: `[emulate:…]` directives in the last user text say what to answer and how
// to behave. The gateway forwards prompts untouched, so SDK-driven end-to-end tests can script
// the upstream through it.
//
//   [emulate:text]                       plain text answer (the default)
//   [emulate:tool_call name=<fn> args=<json>]   call a tool (default: the request's first tool)
//   [emulate:reasoning]                  reason first (summary / thinking / thought step)
//   [emulate:json]                       JSON matching the requested schema, or {"answer": …}
//   [emulate:truncate]                   stop at the output limit (incomplete / max_tokens)
//   [emulate:refusal]                    refuse
//   [emulate:pause_turn]                 with web search offered on Anthropic: search, then pause
//                                        before the answer (stop_reason pause_turn)
//   [emulate:error=<status>]             answer the provider's error body with this HTTP status
//   [emulate:fail_midstream]             start the answer, then fail in-stream
//   [emulate:silence]                    send headers, then nothing
//   [emulate:flex_refuse]                refuse flex for capacity
//   [emulate:flex_delay=<ms>]            admission delay on flex (literal ms, not time-scaled)
//   [emulate:flex_error=<status>]        like error=, on the flex tier only
//   [emulate:flex_fail_midstream]        like fail_midstream, on the flex tier only
//   [emulate:delay=<ms>]                 admission delay on every tier (literal ms)

export type AnswerKind = 'text' | 'tool_call' | 'json' | 'refusal';

export interface Script {
  /** Absent when no directive chose: the request's own shape decides (JSON format → JSON). */
  answer?: AnswerKind;
  toolName?: string;
  /** Parsed `args=` JSON, when given. */
  toolArgs?: unknown;
  reasoning: boolean;
  truncate: boolean;
  pauseTurn: boolean;
  errorStatus?: number;
  flexErrorStatus?: number;
  failMidstream: boolean;
  flexFailMidstream: boolean;
  silence: boolean;
  flexRefuse: boolean;
  flexDelayMs?: number;
  delayMs?: number;
}

interface Directive {
  kind: string;
  value?: string;
  params: Record<string, string>;
}

const OPEN = '[emulate:';

export function parseScript(text: string): Script {
  const script: Script = {
    reasoning: false,
    truncate: false,
    pauseTurn: false,
    failMidstream: false,
    flexFailMidstream: false,
    silence: false,
    flexRefuse: false,
  };
  for (const d of scanDirectives(text)) applyDirective(script, d);
  return script;
}

/** The text with every directive removed (what a model would "read"). */
export function stripDirectives(text: string): string {
  let out = '';
  let from = 0;
  for (let at = text.indexOf(OPEN); at !== -1; at = text.indexOf(OPEN, from)) {
    out += text.slice(from, at);
    const end = readDirective(text, at + OPEN.length)?.end ?? text.length;
    from = end;
  }
  return (out + text.slice(from)).replace(/\s+/g, ' ').trim();
}

function applyDirective(script: Script, d: Directive): void {
  switch (d.kind) {
    case 'text':
    case 'json':
    case 'refusal':
      script.answer = d.kind;
      return;
    case 'tool_call': {
      script.answer = 'tool_call';
      if (d.params.name) script.toolName = d.params.name;
      if (d.params.args !== undefined) script.toolArgs = parseJsonOr(d.params.args, {});
      return;
    }
    case 'reasoning':
      script.reasoning = true;
      return;
    case 'truncate':
      script.truncate = true;
      return;
    case 'pause_turn':
      script.pauseTurn = true;
      return;
    case 'fail_midstream':
      script.failMidstream = true;
      return;
    case 'flex_fail_midstream':
      script.flexFailMidstream = true;
      return;
    case 'silence':
      script.silence = true;
      return;
    case 'flex_refuse':
      script.flexRefuse = true;
      return;
    case 'error':
    case 'flex_error': {
      const status = toInt(d.value);
      if (status === undefined || status < 400 || status > 599) return;
      if (d.kind === 'error') script.errorStatus = status;
      else script.flexErrorStatus = status;
      return;
    }
    case 'flex_delay': {
      const ms = toInt(d.value);
      if (ms !== undefined) script.flexDelayMs = ms;
      return;
    }
    case 'delay': {
      const ms = toInt(d.value);
      if (ms !== undefined) script.delayMs = ms;
      return;
    }
    default:
      return; // unknown directives are ignored, like any other prompt text
  }
}

function toInt(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d+$/.test(value)) return undefined;
  return Number(value);
}

function parseJsonOr(text: string, fallback: unknown): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return fallback;
  }
}

function scanDirectives(text: string): Directive[] {
  const out: Directive[] = [];
  let from = 0;
  for (let at = text.indexOf(OPEN); at !== -1; at = text.indexOf(OPEN, from)) {
    const read = readDirective(text, at + OPEN.length);
    if (!read) break;
    out.push(read.directive);
    from = read.end;
  }
  return out;
}

/** Reads `kind[=value] (key=value)* ]` from `start`; values may be balanced JSON. */
function readDirective(text: string, start: number): { directive: Directive; end: number } | undefined {
  let i = start;
  const kindEnd = findAny(text, i, ' =]');
  if (kindEnd === -1) return undefined;
  const directive: Directive = { kind: text.slice(i, kindEnd), params: {} };
  i = kindEnd;
  if (text[i] === '=') {
    const v = readValue(text, i + 1);
    directive.value = v.value;
    i = v.end;
  }
  for (;;) {
    while (text[i] === ' ') i++;
    if (i >= text.length) return undefined;
    if (text[i] === ']') return { directive, end: i + 1 };
    const eq = findAny(text, i, '= ]');
    if (eq === -1) return undefined;
    if (text[eq] !== '=') {
      i = eq;
      continue;
    }
    const key = text.slice(i, eq);
    const v = readValue(text, eq + 1);
    directive.params[key] = v.value;
    i = v.end;
  }
}

function findAny(text: string, from: number, chars: string): number {
  for (let i = from; i < text.length; i++) if (chars.includes(text.charAt(i))) return i;
  return -1;
}

function readValue(text: string, start: number): { value: string; end: number } {
  const first = text[start];
  if (first === '{' || first === '[' || first === '"') {
    const end = balancedEnd(text, start);
    return { value: text.slice(start, end), end };
  }
  let end = start;
  while (end < text.length && text[end] !== ' ' && text[end] !== ']') end++;
  return { value: text.slice(start, end), end };
}

/** End (exclusive) of the JSON value starting at `start`, honouring strings and escapes. */
function balancedEnd(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') {
        inString = false;
        if (depth === 0) return i + 1;
      }
      continue;
    }
    if (c === '"') inString = true;
    else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return text.length;
}
