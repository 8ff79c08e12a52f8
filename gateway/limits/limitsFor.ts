/**
 * Which operation limits apply to a principal: the defaults, overridden for an integrator app by its id, else for
 * the first of the principal's roles that has overrides (configuration order decides between roles).
 */
import type { Principal } from "../../lib/principal.ts";
import { DEFAULT_LIMITS, type OperationLimits } from "./operationLimits.ts";

export interface LimitsConfig {
  default: Partial<OperationLimits>;
  roles: Record<string, Partial<OperationLimits>>;
  apps: Record<string, Partial<OperationLimits>>;
}

export function limitsResolver(config: LimitsConfig): (principal: Principal) => OperationLimits {
  const base: OperationLimits = { ...DEFAULT_LIMITS, ...config.default };
  const roleOrder = Object.keys(config.roles);
  return (principal) => {
    if (principal.kind === "app" && principal.id && config.apps[principal.id]) {
      return { ...base, ...config.apps[principal.id] };
    }
    const role = roleOrder.find((name) => principal.roles.includes(name));
    return role ? { ...base, ...config.roles[role] } : base;
  };
}
