import { describeStep } from "../../image-config/rules/util.js";
import type { RuleHit, RuleMeta } from "../../types.js";
import type { ContentsDoc, ShippedEntry } from "../types.js";

/** A hit on a path inside the image, tied to the layer that ships it. */
export interface ContentsHit extends RuleHit {
  /** Absolute path in the image (or the image name for image-wide hits). */
  path: string;
  layer?: number;
}

export interface ContentsRule extends RuleMeta {
  check(doc: ContentsDoc): ContentsHit[];
  /** Layer listings in the example format of ../example.ts: `bad` must hit, `good` must not. */
  examples: { good: string[]; bad: string[] };
}

/** "layer 3 (RUN apt-get install -y curl)": how people find a layer in `docker history`. */
export function layerName(doc: ContentsDoc, index: number): string {
  const createdBy = doc.layers[index]?.createdBy;
  // Shell steps without the `#(nop)` marker are RUN lines.
  const step = createdBy ? describeStep(createdBy.replace(/^\/bin\/sh -c (?!#\(nop\))/, "RUN "), 50) : "";
  return step ? `layer ${index + 1} (${step})` : `layer ${index + 1}`;
}

/** `pkg:deb/debian/login@1:4.13?arch=amd64` → `login`: the name people know a package by. */
export function packageName(purl: string): string {
  return purl.split("@")[0]!.replace(/^pkg:[^/]+\/[^/]+\//, "");
}


/** One hit per sensitive file of a kind, in every layer that shipped it. */
export function sensitiveHits(doc: ContentsDoc, kind: ShippedEntry["entry"]["sensitive"], what: (s: ShippedEntry) => string | null): ContentsHit[] {
  const out: ContentsHit[] = [];
  for (const s of doc.sensitive) {
    if (s.entry.sensitive !== kind) continue;
    const text = what(s);
    if (text === null) continue;
    const where = s.deleted ? `; a later layer deletes it, but ${layerName(doc, s.layer)} still ships it` : ` (added in ${layerName(doc, s.layer)})`;
    out.push({ message: `${text}${where}`, path: "/" + s.entry.path, layer: s.layer });
  }
  return out;
}

/** Keeps reports readable on images with thousands of hits: the rest become one summary hit. */
export function capped(hits: ContentsHit[], max: number, doc: ContentsDoc, what: string): ContentsHit[] {
  if (hits.length <= max) return hits;
  return [...hits.slice(0, max), { message: `${hits.length - max} more ${what} not listed`, path: doc.target }];
}
