// The server folder's public surface: start the API, reach it as a client, find its socket.
export { startApiServer } from './http-server.js';
export type { ApiServer, ApiServerOptions, TcpOptions } from './http-server.js';
export { ApiError, createApiClient } from './api-client.js';
export type { ApiClient, ApiClientTarget, FollowedEvent } from './api-client.js';
export { DELIVERY_TTL_MS } from './delivery-store.js';
export type { DeliveryStore } from './delivery-store.js';
export { ensureTokenFile, readTokenFile } from './security.js';
export { planSocketPath, resolveSocketPath, SOCKET_NAME, SOCKET_RECORD_NAME } from './socket-path.js';
export { signGithubPayload, verifyGithubSignature } from './github-signature.js';
export { HTTP_ERROR_CODES, STATUS_BY_CODE } from './errors-http.js';
export type { ErrorBody, HttpErrorCode } from './errors-http.js';
export { ROUTES } from './routes.js';
