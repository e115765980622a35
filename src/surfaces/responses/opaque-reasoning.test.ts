import { describe, expect, it } from 'vitest';
import type { OpaqueReasoning } from '../../canonical/types.js';
import { decodeOpaque, encodeOpaque } from './opaque-reasoning.js';

describe('opaque reasoning in encrypted_content', () => {
  it.each<[OpaqueReasoning, string]>([
    [{ provider: 'openai', data: 'gAAAAABpPMlcH0HH' }, 'gAAAAABpPMlcH0HH'],
    [{ provider: 'anthropic', data: 'EqQBCkYIBxgCKkA:x' }, 'flexinf:anthropic:EqQBCkYIBxgCKkA:x'],
    [{ provider: 'anthropic', data: 'ErUBCkYI', redacted: true }, 'flexinf:anthropic-redacted:ErUBCkYI'],
    [{ provider: 'gemini', data: 'CiQBjz1rX' }, 'flexinf:gemini:CiQBjz1rX'],
  ])('round-trips %j through %s', (opaque, wire) => {
    expect(encodeOpaque(opaque)).toBe(wire);
    expect(decodeOpaque(wire, 'input[0].encrypted_content')).toEqual(opaque);
  });

  it('refuses an unknown tag with the field path', () => {
    expect(() => decodeOpaque('flexinf:mistral:abc', 'input[3].encrypted_content')).toThrow(
      expect.objectContaining({ code: 'invalid_parameter', param: 'input[3].encrypted_content' }),
    );
  });
});
