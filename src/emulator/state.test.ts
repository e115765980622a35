import { describe, expect, it } from 'vitest';
import { createState } from './state.js';

describe('emulator draws', () => {
  it('give the first call of a request the same draw on every tier, and a repeat on the same tier a fresh one', () => {
    const state = createState({ seed: 5 });
    const first = (tier: string): number => state.rngFor(['openai', 'gpt-5-mini', 'Task 7'], tier).next();
    const flex = first('flex');
    expect(first('default')).toBe(flex); // a fallback draws what all-standard draws
    expect(first('flex')).not.toBe(flex); // a retry on flex draws afresh
    expect(createState({ seed: 6 }).rngFor(['openai', 'gpt-5-mini', 'Task 7'], 'flex').next()).not.toBe(flex);
  });
});
