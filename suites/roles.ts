// The model roles a target configures: one spelling (the role, as features.yaml's `needs`
// says it), mapped once to its CLI flag, its key in a config's `models:` and in report.json.
import type { FeatureNeeds, ReportTarget } from '../spec/generated/types.js';
import type { TargetModels } from './target.js';

export type ModelRole = FeatureNeeds;

export interface RoleInfo {
  role: ModelRole;
  /** `relaycheck run --model ID` and friends. */
  flag: `--${string}`;
  /** The key under a config target's `models:`. */
  configKey: keyof TargetModels;
  /** The key in report.json's target. */
  reportKey: keyof ReportTarget & ('model' | 'reasoningModel' | 'visionModel' | 'messagesModel');
  /** How a human calls it, in messages. */
  name: string;
}

export const MODEL_ROLES: readonly RoleInfo[] = [
  { role: 'model', flag: '--model', configKey: 'model', reportKey: 'model', name: 'chat model' },
  {
    role: 'reasoning-model',
    flag: '--reasoning-model',
    configKey: 'reasoning',
    reportKey: 'reasoningModel',
    name: 'reasoning model',
  },
  { role: 'vision-model', flag: '--vision-model', configKey: 'vision', reportKey: 'visionModel', name: 'vision model' },
  {
    role: 'messages-model',
    flag: '--messages-model',
    configKey: 'messages',
    reportKey: 'messagesModel',
    name: 'Messages model',
  },
];

/**
 * A role that falls back on another when not configured: the Messages probes use the chat
 * model, so `--model claude-x` probes both surfaces and a relay that does not serve that
 * model over Messages gets those features skipped ("not served").
 */
const FALLBACK: Partial<Record<ModelRole, ModelRole>> = { 'messages-model': 'model' };

export function roleInfo(role: ModelRole): RoleInfo {
  return MODEL_ROLES.find((r) => r.role === role)!;
}

/** The model a role maps to on a target (undefined when not configured). */
export function modelForRole(models: TargetModels, role: ModelRole): string | undefined {
  const fallback = FALLBACK[role];
  return models[roleInfo(role).configKey] ?? (fallback ? modelForRole(models, fallback) : undefined);
}

/** The report's model fields for a target's configured models. */
export function reportModels(
  models: TargetModels,
): Pick<ReportTarget, 'model' | 'reasoningModel' | 'visionModel' | 'messagesModel'> {
  const out: Partial<Pick<ReportTarget, 'model' | 'reasoningModel' | 'visionModel' | 'messagesModel'>> = {};
  for (const r of MODEL_ROLES) {
    const id = models[r.configKey];
    if (id !== undefined) out[r.reportKey] = id;
  }
  return out as Pick<ReportTarget, 'model' | 'reasoningModel' | 'visionModel' | 'messagesModel'>;
}
