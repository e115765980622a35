// The emulated APIs, by route.
import { anthropicDialect } from './anthropic/dialect.js';
import type { Dialect } from './dialect.js';
import { geminiDialect } from './gemini/dialect.js';
import { openAIDialect } from './openai/dialect.js';

export const DIALECTS: readonly Dialect[] = [openAIDialect, anthropicDialect, geminiDialect];
