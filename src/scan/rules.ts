// Every misconfiguration and secret rule, for `bulwark rules list`.
import { composeRules } from "../misconfig/compose/index.js";
import { dockerfileRules } from "../misconfig/dockerfile/index.js";
import { imageConfigRules } from "../misconfig/image-config/index.js";
import { imageContentsRules } from "../misconfig/image-contents/index.js";
import { kubernetesRules } from "../misconfig/kubernetes/index.js";
import type { RuleMeta } from "../misconfig/types.js";
import type { RuleReferences, RuleSeverity } from "../model/index.js";
import { secretRules } from "../secrets/index.js";
import { registryAuditRules } from "../registry/audit/index.js";

export interface RuleInfo {
  id: string;
  kind: "dockerfile" | "image-config" | "image-contents" | "kubernetes" | "compose" | "secret" | "registry";
  title: string;
  severity: RuleSeverity;
  remediation?: string;
  references: RuleReferences;
}

export function listRules(): RuleInfo[] {
  const meta = (kind: RuleInfo["kind"], rules: readonly RuleMeta[]): RuleInfo[] =>
    rules.map((r) => ({ id: r.id, kind, title: r.title, severity: r.severity, remediation: r.remediation, references: r.references }));
  return [
    ...meta("dockerfile", dockerfileRules),
    ...meta("image-config", imageConfigRules),
    ...meta("image-contents", imageContentsRules),
    ...meta("kubernetes", kubernetesRules),
    ...meta("compose", composeRules),
    ...meta("registry", registryAuditRules()),
    ...secretRules.map((r): RuleInfo => ({ id: r.id, kind: "secret", title: r.title, severity: r.severity, references: {} })),
  ];
}
