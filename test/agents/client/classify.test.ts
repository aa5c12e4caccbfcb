import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError, AnthropicError } from '@anthropic-ai/sdk';
import { describe, expect, it } from 'vitest';
import { classifyError } from '../../../agents/client/classify.js';
import { ModelCallError, SystemError, UserError } from '../../../core/errors.js';

function apiError(status: number): APIError {
  const headers = new Headers({ 'request-id': `req_${status}` });
  return APIError.generate(status, { type: 'error', error: { type: 'x_error', message: 'm' } }, undefined, headers);
}

describe('classifyError', () => {
  it.each([
    [429, 'MODEL_RATE_LIMITED', true],
    [529, 'MODEL_OVERLOADED', true],
    [500, 'MODEL_OVERLOADED', true],
    [503, 'MODEL_OVERLOADED', true],
    [400, 'MODEL_BAD_REQUEST', false],
    [404, 'MODEL_BAD_REQUEST', false],
    [413, 'MODEL_BAD_REQUEST', false],
    [422, 'MODEL_BAD_REQUEST', false],
    [401, 'MODEL_AUTH', false],
    [403, 'MODEL_AUTH', false],
  ] as const)('maps HTTP %i to %s', (status, code, retryable) => {
    const err = classifyError(apiError(status), { stepKey: 's' });
    expect(err).toBeInstanceOf(ModelCallError);
    expect(err).toMatchObject({ code, retryable, status, details: { status, requestId: `req_${status}`, stepKey: 's' } });
  });

  it('maps connection-level classes, timeout before connection', () => {
    expect(classifyError(new APIConnectionTimeoutError())).toMatchObject({ code: 'MODEL_TIMEOUT', retryable: true, status: null });
    expect(classifyError(new APIConnectionError({ message: 'down' }))).toMatchObject({ code: 'MODEL_CONNECTION', retryable: true });
    expect(classifyError(new APIUserAbortError())).toMatchObject({ code: 'MODEL_ABORTED', retryable: false });
    expect(classifyError(new APIUserAbortError(), {}, true)).toMatchObject({ code: 'MODEL_TIMEOUT' });
    expect(classifyError(new DOMException('stop', 'AbortError'))).toMatchObject({ code: 'MODEL_ABORTED' });
  });

  it('keeps AgentryErrors, refuses client-side SDK errors, and calls anything else our bug', () => {
    const mine = new UserError('INVALID_CONFIG', 'x');
    expect(classifyError(mine)).toBe(mine);
    expect(classifyError(new AnthropicError('Streaming is required'))).toMatchObject({ code: 'MODEL_BAD_REQUEST', retryable: false });
    const bug = classifyError(new TypeError('undefined is not a function'));
    expect(bug).toBeInstanceOf(SystemError);
    expect(bug.code).toBe('INTERNAL');
  });
});
