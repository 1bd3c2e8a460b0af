// Composer package entries, as written in both vendor/composer/installed.json and
// composer.lock, shared by lang/composer and lang/composer-lock.
import type { Package } from "../../model/index.js";
import { finalizeWith, purlOrEmpty } from "./finalize.js";

/**
 * One entry → a Package, or null when it lacks a usable name/version. The version is kept as
 * written ("v4.6.2" stays so), as osv-scanner sends it to OSV: Composer treats a leading "v"
 * as insignificant, and so does versioning/packagist, which drops it before comparing.
 */
export function composerPackage(entry: unknown, path: string, dev: boolean): Package | null {
  if (typeof entry !== "object" || entry === null) return null;
  const e = entry as Record<string, unknown>;
  const name = e["name"];
  const version = e["version"];
  if (typeof name !== "string" || typeof version !== "string" || !name || !version) return null;
  const lic = e["license"];
  const licenses = (Array.isArray(lic) ? lic : [lic]).filter((l): l is string => typeof l === "string" && l !== "");
  const pkg: Package = { type: "composer", name, version, purl: "", source: null, licenses, locations: [{ path: "/" + path }] };
  if (dev) pkg.dev = true;
  const ref = (e["source"] as { reference?: unknown } | null | undefined)?.reference;
  // A branch checkout (dev-main) is pinned by its commit: keep it for the report.
  if (version.startsWith("dev-") && typeof ref === "string" && ref) pkg.metadata = { reference: ref };
  return pkg;
}

/** Purls (`pkg:composer/vendor/package@version`) and a stable order. */
export const finalizeComposer = finalizeWith((p) => {
  const slash = p.name.indexOf("/");
  return slash > 0 ? purlOrEmpty("composer", p.name.slice(0, slash), p.name.slice(slash + 1), p.version) : purlOrEmpty("composer", undefined, p.name, p.version);
});
