// `agentry/testing`: the fakes agentry's own tests use, for testing code built on agentry: a fake
// Anthropic Messages API on loopback (drive the real SDK against it) and a strict scripted model.
export { createFakeAnthropic } from './fake-anthropic.js';
export type { FakeAnthropic, FakeErrorStatus, FakeReply, FakeRequest, FakeServer, FakeStep, FakeUsage } from './fake-anthropic.js';
export { ScriptedModel } from './scripted-model.js';
export type { Deferred, RecordedCall } from './scripted-model.js';
