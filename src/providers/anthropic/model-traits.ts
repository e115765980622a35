// What a Claude model accepts, read from its name. Anthropic documents these per model:
// - adaptive thinking (`thinking: {type:'adaptive'}`): Opus/Sonnet 4.6 and newer; budget thinking
//   (`type:'enabled'`) is deprecated there and refused (400) from Opus 4.7, Mythos and Fable on.
//   https://platform.claude.com/docs/en/build-with-claude/adaptive-thinking
// - `output_config.effort`: Opus 4.5, and every family from 4.6 on; `max` from 4.6, `xhigh` from 4.7
//   (not on Mythos Preview). https://platform.claude.com/docs/en/build-with-claude/effort
// - structured outputs (`output_config.format`, `strict` tools): the 4.5 generation and newer.
//   https://platform.claude.com/docs/en/build-with-claude/structured-outputs
// Unknown names (older `claude-3-5-sonnet-…` style included) get the conservative answer: no.

export interface ModelTraits {
  adaptiveThinking: boolean;
  /** Budget thinking is refused; only adaptive thinking works. */
  adaptiveOnly: boolean;
  effort: boolean;
  maxEffort: boolean;
  xhighEffort: boolean;
  structuredOutputs: boolean;
}

const NONE: ModelTraits = {
  adaptiveThinking: false,
  adaptiveOnly: false,
  effort: false,
  maxEffort: false,
  xhighEffort: false,
  structuredOutputs: false,
};

// claude-<family>-<major>[-<minor>][-<yyyymmdd>]; the minor is one or two digits, never a date.
const VERSIONED = /^claude-(opus|sonnet|haiku)-(\d+)(?:[-.](\d{1,2}))?(?!\d)/;
// Families introduced with adaptive-only thinking.
const ADAPTIVE_FAMILIES = /^claude-(mythos|fable)-/;

export function modelTraits(model: string): ModelTraits {
  if (ADAPTIVE_FAMILIES.test(model)) {
    return {
      adaptiveThinking: true,
      adaptiveOnly: true,
      effort: true,
      maxEffort: true,
      xhighEffort: !model.startsWith('claude-mythos-preview'),
      structuredOutputs: true,
    };
  }
  const match = VERSIONED.exec(model);
  if (!match) return NONE;
  const family = match[1];
  const version = Number(match[2]) * 100 + Number(match[3] ?? 0);
  return {
    adaptiveThinking: version >= 406,
    adaptiveOnly: version >= 407,
    effort: version >= 406 || (family === 'opus' && version >= 405),
    maxEffort: version >= 406,
    xhighEffort: version >= 407,
    structuredOutputs: version >= 405,
  };
}
