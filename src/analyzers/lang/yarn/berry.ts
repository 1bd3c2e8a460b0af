// yarn berry (v2+) lockfile: YAML, one entry per resolution, `resolution: "name@protocol:ref"`.
import { parseDocument } from "yaml";
import { assertFlowDepth } from "../../shared/yaml-depth.js";
import { splitDescriptor, type YarnEntry } from "./descriptor.js";

/** Protocols that point at the project's own code rather than a dependency. */
const LOCAL = ["workspace:", "link:", "portal:"];

export function parseBerry(text: string, path: string): { entries: YarnEntry[]; errors: string[] } {
  // Failsafe: every scalar stays a string, so `version: 1.10` is not read as the number 1.1.
  // Older berry versions wrote some duplicate keys; they are harmless.
  assertFlowDepth(text, 64, path);
  const doc = parseDocument(text, { schema: "failsafe", uniqueKeys: false });
  if (doc.errors.length) throw new Error(`invalid YAML in ${path}: ${doc.errors[0]!.message.split("\n")[0]}`);
  const root: unknown = doc.toJS({ maxAliasCount: 100 });
  if (!root || typeof root !== "object" || Array.isArray(root)) throw new Error(`${path} is not a YAML mapping`);
  const entries: YarnEntry[] = [];
  const errors: string[] = [];
  for (const [key, value] of Object.entries(root as Record<string, unknown>)) {
    if (key === "__metadata" || !value || typeof value !== "object") continue;
    const e = value as Record<string, unknown>;
    const resolution = typeof e.resolution === "string" ? e.resolution : "";
    const version = typeof e.version === "string" ? e.version : "";
    const d = splitDescriptor(resolution);
    if (!d || !version) {
      if (errors.length < 20) errors.push(`${path}: entry ${JSON.stringify(key.slice(0, 100))} has no usable resolution/version`);
      continue;
    }
    if (LOCAL.some((p) => d.rest.startsWith(p)) || version === "0.0.0-use.local") continue;
    // patch:name@npm%3A1.0.0#… patches a package whose version is the `version` field.
    entries.push({ name: d.name, version });
  }
  return { entries, errors };
}
