// Pipfile.lock: JSON with `default` and `develop` maps of name → { version: "==1.2.3", … }.
import type { Locked } from "./toml-locks.js";

export function parsePipfileLock(text: string): Locked[] {
  const doc = JSON.parse(text) as unknown;
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) throw new Error("Pipfile.lock is not a JSON object");
  const byKey = new Map<string, Locked>();
  for (const [section, dev] of [["default", false], ["develop", true]] as const) {
    const deps = (doc as Record<string, unknown>)[section];
    if (typeof deps !== "object" || deps === null) continue;
    for (const [name, entry] of Object.entries(deps)) {
      const v = (entry as { version?: unknown } | null)?.version;
      // git/path/editable entries carry no version: nothing to report
      if (typeof v !== "string" || !v.startsWith("==")) continue;
      const version = v.replace(/^===?/, "").trim();
      const key = `${name}@${version}`;
      // Listed in both sections: it is installed in production.
      if (!byKey.has(key)) byKey.set(key, { name, version, dev });
    }
  }
  return [...byKey.values()];
}
