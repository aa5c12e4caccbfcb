// The package's public surface (`import … from 'agentry'`): named re-exports only (STYLE §11).
// Start a supervisor in your own process, reach a running one over its API, load and check config.

// The supervisor and the contract it serves
export { Supervisor } from './machines/supervisor/supervisor.js';
export type { SupervisorOptions } from './machines/supervisor/supervisor.js';
export { TERMINAL_STATUSES } from './machines/contract.js';
export type {
  AgentView,
  ApprovalView,
  CreateTaskRequest,
  DecideApprovalRequest,
  EmitEventRequest,
  EmitEventResult,
  HookResult,
  Mode,
  ReviewView,
  StatusView,
  SupervisorApi,
  TaskStatus,
  TaskView,
} from './machines/contract.js';
export { createEvent } from './machines/events.js';
export type { EventOf, EventType, SupervisorEvent } from './machines/events.js';

// Config
export { CONFIG_FILE, loadConfig, parseConfig, resolveConfig } from './config/load.js';
export type { ResolvedConfig } from './config/load.js';

// Models: the Anthropic client and the offline model
export { AGENT_KINDS, createAnthropicModel } from './agents/client/index.js';
export type { AgentKind, AnthropicModelOptions, StructuredCallRequest, StructuredCallResult, StructuredModel } from './agents/client/index.js';
export { createOfflineModel, OFFLINE_MODEL_ID } from './agents/offline/index.js';
export type { OfflineModelOptions } from './agents/offline/index.js';

// The HTTP API: serve a supervisor, or call a running one
export { ApiError, createApiClient, startApiServer } from './server/index.js';
export type { ApiClient, ApiClientTarget, ApiServer, ApiServerOptions, FollowedEvent } from './server/index.js';

// Schemas, errors, time
export { check, schemaOf, validate } from './schemas/registry.js';
export type { SchemaName } from './schemas/registry.js';
export {
  AgentryError,
  ERROR_CODES,
  ModelBehaviorError,
  ModelCallError,
  PolicyError,
  SchemaValidationError,
  StoreError,
  SystemError,
  UserError,
} from './core/errors.js';
export type { ErrorCode, ValidationIssue } from './core/errors.js';
export { systemClock } from './core/clock.js';
export type { Clock } from './core/clock.js';
