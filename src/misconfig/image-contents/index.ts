// Checks on what an image's layers contain (from tar headers alone): setuid and world-writable
// files, credentials and history left behind, package caches, and the attack-surface report.
import type { AttackSurface, Misconfiguration } from "../../model/index.js";
import type { ImageConfigLike } from "../image-config/types.js";
import { failureMessage } from "../types.js";
import { imageContentsRules } from "./rules/index.js";
import { attackSurface } from "./surface.js";
import type { ContentsDoc } from "./types.js";
import { buildView, type ContentsLayer } from "./view.js";

export { ContentsCollector } from "./collect.js";
export type { ContentsLayer } from "./view.js";
export type { EntryFacts, LayerContents } from "./types.js";
export { imageContentsRules } from "./rules/index.js";

export interface ContentsInput {
  target: string;
  layers: ContentsLayer[];
  config: ImageConfigLike;
  /** OS package purl by owned path (no leading slash), from the packages' file lists. */
  owners: Map<string, string>;
}

export function contentsDoc(input: ContentsInput): ContentsDoc {
  const view = buildView(input.layers);
  const refs = input.layers.map((l) => l.ref);
  return {
    target: input.target,
    layers: refs,
    live: view.live,
    sensitive: view.sensitive,
    caches: view.caches,
    owners: input.owners,
    surface: attackSurface(view.live, refs, input.owners, input.config),
  };
}

/** Like the other rule kinds (`runRules`), a rule that throws is reported in `failures` and the others' findings are kept. */
export function scanImageContents(input: ContentsInput, failures: string[] = []): { findings: Misconfiguration[]; attackSurface: AttackSurface } {
  const doc = contentsDoc(input);
  const findings: Misconfiguration[] = [];
  for (const rule of imageContentsRules) {
    let hits;
    try {
      hits = rule.check(doc);
    } catch (e) {
      failures.push(failureMessage(rule, e));
      continue;
    }
    for (const hit of hits) {
      const f: Misconfiguration = {
        ruleId: rule.id,
        severity: hit.severity ?? rule.severity,
        title: rule.title,
        message: hit.message,
        path: hit.path,
        resource: { kind: "image", name: input.target },
        remediation: rule.remediation,
        references: rule.references,
      };
      const ref = hit.layer === undefined ? undefined : doc.layers[hit.layer];
      if (ref) f.layer = ref;
      findings.push(f);
    }
  }
  return { findings, attackSurface: doc.surface };
}
