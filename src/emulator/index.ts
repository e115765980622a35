// The provider emulator (docs/product.md §10): OpenAI Responses, Anthropic Messages and Gemini
// Interactions over real HTTP, with a seeded capacity model and `[emulate:…]` scenario scripting.
export { startEmulator } from './server.js';
export { createEmulatorHandler } from './handler.js';
export { runEmulatorCli, parseCliArgs } from './cli.js';
export { PROFILE_NAMES, profileCapacity } from './capacity.js';
export type {
  CapacityOverride,
  CapacityProfileName,
  EmulatedApi,
  EmulatorHandler,
  EmulatorOptions,
  EmulatorRequestLog,
  EmulatorState,
  RequestOutcome,
  RunningEmulator,
  TierCapacity,
  TierClass,
} from './types.js';
