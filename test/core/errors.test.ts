import { describe, expect, it } from 'vitest';
import { ERROR_CODES, SchemaValidationError, SystemError, UserError, notImplemented, toAgentryError } from '../../core/errors.js';

describe('error taxonomy', () => {
  it('renders validation issues as `path: expected X, got Y` with a stable code', () => {
    const err = new SchemaValidationError('INVALID_INPUT', 'marketing.input', [
      { path: 'channel', expected: 'one of "tweet", "email"', got: '"fax"' },
    ]);
    expect(err.code).toBe('INVALID_INPUT');
    expect(err.fault).toBe('user');
    expect(err.name).toBe('SchemaValidationError');
    expect(err.message).toBe('marketing.input: channel: expected one of "tweet", "email", got "fax"');
    expect(err.toJSON().details['issues']).toEqual(['channel: expected one of "tweet", "email", got "fax"']);
  });

  it('marks model output failures as the model fault', () => {
    expect(new SchemaValidationError('INVALID_OUTPUT', 'x', []).fault).toBe('model');
  });

  it('throws NOT_IMPLEMENTED for unfinished paths', () => {
    expect(() => notImplemented('teleport')).toThrowError(
      expect.objectContaining({ code: 'NOT_IMPLEMENTED', message: 'teleport is not implemented yet' }) as SystemError,
    );
  });

  it('wraps foreign errors as INTERNAL and keeps agentry errors as they are', () => {
    const mine = new UserError('USAGE', 'bad flag');
    expect(toAgentryError(mine)).toBe(mine);
    const wrapped = toAgentryError(new TypeError('boom'));
    expect(wrapped.code).toBe('INTERNAL');
    expect(wrapped.cause).toBeInstanceOf(TypeError);
  });

  it('describes every code', () => {
    for (const [code, text] of Object.entries(ERROR_CODES)) {
      expect(code).toMatch(/^[A-Z_]+$/);
      expect(text.length).toBeGreaterThan(5);
    }
  });
});
