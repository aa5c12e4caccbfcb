// Which offline responder answers which agent. Each takes the validated input and a confidence.
import type { AgentInput, AgentOutput } from '../definitions.js';
import type { AgentKind } from '../client/types.js';
import { coordinate } from './coordinator.js';
import { heal } from './healer.js';
import { draftMarketing } from './marketing.js';
import { reviewContent } from './reviewer.js';
import { answerSales } from './sales.js';

export type Responder<K extends AgentKind> = (input: AgentInput<K>, confidence: number) => AgentOutput<K>;

export const RESPONDERS: { readonly [K in AgentKind]: Responder<K> } = {
  marketing: draftMarketing,
  sales: answerSales,
  reviewer: reviewContent,
  coordinator: coordinate,
  healer: heal,
};
