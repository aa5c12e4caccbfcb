// What the HTTP API exposes and the CLI consumes: the supervisor's surface and views, owned by
// the core (machines/contract.ts) and re-exported here for the server's side of the contract.
export type * from '../machines/contract.js';
export { TERMINAL_STATUSES } from '../machines/contract.js';
