// Which models the healer's switch_model may pick for an agent: one of the configured tiers, or
// the agent's own configured model. A model id the healer names outside them (the most
// expensive priced model, say) is not taken.
import type { AgentKind } from '../../../agents/client/types.js';
import type { ResolvedConfig } from '../../../config/load.js';

export function allowedModels(cfg: ResolvedConfig, agent: AgentKind | null): ReadonlySet<string> {
  const own = agent === null ? undefined : cfg.models.byAgent[agent];
  return new Set([...cfg.models.tiers, own ?? cfg.models.default]);
}

/** `model` when the agent may switch to it, else undefined. */
export function allowedModel(cfg: ResolvedConfig, agent: AgentKind | null, model: string | undefined): string | undefined {
  return model !== undefined && allowedModels(cfg, agent).has(model) ? model : undefined;
}
