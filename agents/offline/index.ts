// The offline model's public surface.
export { OFFLINE_MODEL_ID, createOfflineModel } from './model.js';
export type { OfflineModelOptions } from './model.js';
