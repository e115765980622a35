import { describe, expect, it } from 'vitest';
import type { ReasoningConfig, WarningCode } from '../../canonical/types.js';
import { warningList } from '../warnings.js';
import { modelTraits } from './model-traits.js';
import { thinkingParams } from './thinking-budget.js';

function params(model: string, reasoning: ReasoningConfig | undefined, maxTokens = 32000) {
  const { warn, warnings } = warningList();
  return { ...thinkingParams({ reasoning, maxTokens, traits: modelTraits(model), warn }), warnings };
}

const warned = (code: WarningCode, text: string): unknown => expect.objectContaining({ code, message: expect.stringContaining(text) as unknown });

describe('modelTraits', () => {
  it.each([
    ['claude-sonnet-4-20250514', { adaptiveThinking: false, effort: false, structuredOutputs: false }],
    ['claude-sonnet-4-0', { adaptiveThinking: false, structuredOutputs: false }],
    ['claude-3-7-sonnet-20250219', { adaptiveThinking: false, structuredOutputs: false }],
    ['claude-haiku-4-5-20251001', { adaptiveThinking: false, effort: false, structuredOutputs: true }],
    ['claude-opus-4-5-20251101', { adaptiveThinking: false, effort: true, maxEffort: false, structuredOutputs: true }],
    ['claude-sonnet-4-6', { adaptiveThinking: true, adaptiveOnly: false, maxEffort: true, xhighEffort: false }],
    ['claude-opus-4-7', { adaptiveThinking: true, adaptiveOnly: true, xhighEffort: true }],
    ['claude-opus-5', { adaptiveOnly: true, xhighEffort: true }],
    ['claude-mythos-preview', { adaptiveOnly: true, maxEffort: true, xhighEffort: false }],
    ['claude-fable-5', { adaptiveOnly: true, xhighEffort: true }],
  ])('reads %s', (model, expected) => {
    expect(modelTraits(model)).toMatchObject(expected);
  });
});

describe('thinkingParams', () => {
  it('leaves thinking off without reasoning, for none/minimal, and without effort or budget', () => {
    expect(params('claude-sonnet-4-5', undefined)).toEqual({ warnings: [] });
    expect(params('claude-sonnet-4-5', { effort: 'none' })).toEqual({ warnings: [] });
    expect(params('claude-opus-4-7', { effort: 'minimal' })).toEqual({ warnings: [] });
    expect(params('claude-sonnet-4-5', { summary: 'auto' })).toEqual({ warnings: [] });
  });

  it('uses a budget from the effort on models without adaptive thinking', () => {
    expect(params('claude-sonnet-4-5', { effort: 'low' }).thinking).toEqual({ type: 'enabled', budget_tokens: 1024 });
    expect(params('claude-sonnet-4-5', { effort: 'medium' }).thinking).toEqual({ type: 'enabled', budget_tokens: 4096 });
    expect(params('claude-sonnet-4-5', { effort: 'high' }).thinking).toEqual({ type: 'enabled', budget_tokens: 16384 });
    expect(params('claude-sonnet-4-5', { effort: 'high' }).effort).toBeUndefined();
  });

  it('keeps the budget below max_tokens, and skips thinking with a warning when it cannot fit', () => {
    expect(params('claude-sonnet-4-5', { effort: 'high' }, 2000).thinking).toEqual({ type: 'enabled', budget_tokens: 1999 });
    const tooSmall = params('claude-sonnet-4-5', { effort: 'low' }, 1000);
    expect(tooSmall.thinking).toBeUndefined();
    expect(tooSmall.warnings).toEqual([warned('thinking_disabled', '1024')]);
  });

  it('passes an explicit budget through', () => {
    expect(params('claude-sonnet-4-0', { budgetTokens: 3000, summary: 'auto' }).thinking).toEqual({ type: 'enabled', budget_tokens: 3000 });
  });

  it('clamps an explicit budget to max_tokens - 1 with a warning, or skips thinking when that is below 1024', () => {
    expect(params('claude-sonnet-4-0', { budgetTokens: 3000 }, 2000)).toEqual({
      thinking: { type: 'enabled', budget_tokens: 1999 },
      warnings: [warned('thinking_budget_changed', '3000 was sent as 1999')],
    });
    const tooSmall = params('claude-sonnet-4-0', { budgetTokens: 3000 }, 1024);
    expect(tooSmall.thinking).toBeUndefined();
    expect(tooSmall.warnings).toEqual([warned('thinking_disabled', 'Thinking was not enabled')]);
  });

  it('asks for summarized thinking only where the model omits it by default and a summary is wanted', () => {
    expect(params('claude-opus-4-6', { effort: 'high', summary: 'auto' }).thinking).toEqual({ type: 'adaptive' });
    expect(params('claude-opus-4-7', { effort: 'high', summary: 'auto' }).thinking).toEqual({ type: 'adaptive', display: 'summarized' });
    expect(params('claude-opus-4-7', { effort: 'high' }).thinking).toEqual({ type: 'adaptive' });
  });

  it('adds output_config.effort on budget models that accept it (Opus 4.5), stepping xhigh down with a warning', () => {
    expect(params('claude-opus-4-5-20251101', { effort: 'xhigh' }, 64000)).toEqual({
      thinking: { type: 'enabled', budget_tokens: 32768 },
      effort: 'high',
      warnings: [{ code: 'reasoning_changed', field: 'reasoning.effort', message: expect.stringContaining('"xhigh" was sent as "high"') as unknown }],
    });
    expect(params('claude-opus-4-5-20251101', { effort: 'high' }, 64000).warnings).toEqual([]);
  });

  it('uses adaptive thinking with effort on 4.6 models, budget only when one is given', () => {
    expect(params('claude-opus-4-6', { effort: 'low' })).toEqual({ thinking: { type: 'adaptive' }, effort: 'low', warnings: [] });
    expect(params('claude-sonnet-4-6', { effort: 'xhigh' }).effort).toBe('max');
    expect(params('claude-opus-4-6', { effort: 'high', budgetTokens: 5000 }).thinking).toEqual({ type: 'enabled', budget_tokens: 5000 });
  });

  it('never sends budget thinking to adaptive-only models', () => {
    expect(params('claude-opus-4-7', { effort: 'xhigh' })).toEqual({ thinking: { type: 'adaptive' }, effort: 'xhigh', warnings: [] });
    expect(params('claude-opus-4-7', { budgetTokens: 2000 })).toEqual({
      thinking: { type: 'adaptive' },
      effort: 'low',
      warnings: [{ code: 'thinking_budget_changed', field: 'reasoning.budget_tokens', message: expect.stringContaining('2000 tokens was sent as effort "low"') as unknown }],
    });
    expect(params('claude-mythos-preview', { effort: 'xhigh' }).effort).toBe('max');
  });
});
