// The request parameters a Responses `response` object echoes back (instructions, tools, text,
// reasoning, …), in OpenAI's wire form with OpenAI's defaults for what the caller left unset.
// Built once at decode time; every response object and stream snapshot reuses it.
// Shape: test/fixtures/openai-responses/openai-reasoning-encrypted-content.1.json
import type { CanonicalRequest, OutputFormat, ToolChoice } from '../../canonical/types.js';

export interface ResponsesEcho {
  instructions: string | null;
  max_output_tokens: number | null;
  parallel_tool_calls: boolean;
  reasoning: { effort: string | null; summary: string | null };
  safety_identifier: string | null;
  store: boolean;
  temperature: number;
  text: { format: Record<string, unknown>; verbosity: 'medium' };
  tool_choice: string | { type: 'function'; name: string };
  tools: Record<string, unknown>[];
  top_p: number;
  user: string | null;
  metadata: Record<string, string>;
}

export interface EchoExtras {
  store: boolean | undefined;
  user: string | undefined;
  safetyIdentifier: string | undefined;
}

export function buildEcho(request: CanonicalRequest, extras: EchoExtras): ResponsesEcho {
  return {
    instructions: request.instructions ?? null,
    max_output_tokens: request.maxOutputTokens ?? null,
    parallel_tool_calls: request.parallelToolCalls ?? true,
    reasoning: { effort: request.reasoning?.effort ?? null, summary: request.reasoning?.summary ?? null },
    safety_identifier: extras.safetyIdentifier ?? null,
    // True only while FlexInference really keeps the output items (see server/kept-items.ts).
    store: extras.store ?? true,
    temperature: request.temperature ?? 1,
    text: { format: echoFormat(request.output), verbosity: 'medium' },
    tool_choice: echoToolChoice(request.toolChoice),
    tools: [
      ...(request.tools ?? []).map((tool) => ({
        type: 'function',
        description: tool.description ?? null,
        name: tool.name,
        parameters: tool.parameters,
        // Responses function tools are strict unless the caller says otherwise.
        strict: tool.strict ?? true,
      })),
      ...(request.webSearch?.raw?.provider === 'openai' ? [request.webSearch.raw.tool] : []),
    ],
    top_p: request.topP ?? 1,
    user: extras.user ?? null,
    metadata: request.metadata ?? {},
  };
}

function echoFormat(format: OutputFormat | undefined): Record<string, unknown> {
  if (!format) return { type: 'text' };
  switch (format.type) {
    case 'text':
    case 'json_object':
      return { type: format.type };
    case 'json_schema':
      return {
        type: 'json_schema',
        description: format.description ?? null,
        name: format.name,
        schema: format.schema,
        strict: format.strict ?? false,
      };
  }
}

function echoToolChoice(choice: ToolChoice | undefined): ResponsesEcho['tool_choice'] {
  if (!choice) return 'auto';
  return choice.type === 'function' ? { type: 'function', name: choice.name } : choice.type;
}
