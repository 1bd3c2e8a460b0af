import type { RuleHit } from "../../types.js";
import type { ImageDoc } from "../types.js";
import { short } from "../../dockerfile/rules/util.js";

export function hit(doc: ImageDoc, message: string): RuleHit {
  return { message, resource: { kind: "image", name: doc.target } };
}

/** A history line without the legacy `/bin/sh -c #(nop)` noise, shortened, for messages. */
export function describeStep(createdBy: string, max = 60): string {
  return short(createdBy.replace(/^\/bin\/sh -c #\(nop\)\s*/, "").replace(/\s+/g, " ").trim(), max);
}

/** Split NAME=value; a bare NAME gets an empty value. */
export function splitEnv(entry: string): { name: string; value: string } {
  const eq = entry.indexOf("=");
  return eq < 0 ? { name: entry, value: "" } : { name: entry.slice(0, eq), value: entry.slice(eq + 1) };
}
