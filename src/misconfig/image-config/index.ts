// Checks on an image's config and history (no Dockerfile needed).
import type { Misconfiguration } from "../../model/index.js";
import { failureMessage, runRules } from "../types.js";
import { imageConfigRules } from "./rules/index.js";
import type { ImageConfigLike, ImageDoc } from "./types.js";

export type { ImageConfigLike, ImageDoc } from "./types.js";
export { imageConfigRules } from "./rules/index.js";

/** Build the rule view of a config, tolerating missing or odd-shaped fields. */
export function imageDoc(config: ImageConfigLike, target: string): ImageDoc {
  const c = config && typeof config === "object" && config.config && typeof config.config === "object" ? config.config : {};
  const history = Array.isArray(config?.history) ? config.history : [];
  return {
    config: {
      ...c,
      Env: Array.isArray(c.Env) ? c.Env : [],
      Labels: c.Labels && typeof c.Labels === "object" ? c.Labels : null,
      ExposedPorts: c.ExposedPorts && typeof c.ExposedPorts === "object" ? c.ExposedPorts : null,
      User: typeof c.User === "string" ? c.User : "",
    },
    history: history.map((h, i) => ({ index: i + 1, createdBy: typeof h?.created_by === "string" ? h.created_by : "" })),
    target,
  };
}

/** `failures` receives one message per rule that threw (its other findings are kept). */
export function scanImageConfig(config: ImageConfigLike, target: string, failures: string[] = []): Misconfiguration[] {
  return runRules(imageConfigRules, imageDoc(config, target), target, null, (rule, e) => failures.push(failureMessage(rule, e)));
}
