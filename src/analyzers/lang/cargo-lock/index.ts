// Rust projects: Cargo.lock `[[package]]` entries (name, version, source).
//
// Choice: entries without `source` are the project's own crates (workspace members and path
// dependencies). They are not reported: they are not dependencies, and looking them up on
// crates.io by name would match whatever unrelated crate owns that name there. Crates from
// git or from another registry are reported with their source in metadata.source.
import { baseName, lockfileDiscoverable } from "../../shared/paths.js";
import type { Analyzer, AnalyzerFile, FileAnalysis, Package } from "../../types.js";
import { readPackages } from "./toml.js";
import { finalizeWithPurl } from "../../shared/finalize.js";

const CRATES_IO = "registry+https://github.com/rust-lang/crates.io-index";

export function wanted(path: string): boolean {
  return baseName(path) === "Cargo.lock" && lockfileDiscoverable(path);
}

export const cargoLockAnalyzer: Analyzer = {
  id: "lang/cargo-lock",
  evidence: "declared",
  version: 1,
  maxFileSize: 32 * 2 ** 20,
  required: wanted,
  analyze(file: AnalyzerFile): FileAnalysis | null {
    const { packages: tables, errors } = readPackages(file.content.toString("utf8"));
    const location = "/" + file.path;
    const packages: Package[] = [];
    let unnamed = 0;
    for (const t of tables) {
      const { name, version, source } = t;
      if (typeof name !== "string" || typeof version !== "string" || !name || !version) {
        unnamed++;
        continue;
      }
      if (typeof source !== "string") continue;
      const metadata = source === CRATES_IO ? undefined : { source };
      packages.push({ type: "cargo", name, version, purl: "", source: null, licenses: [], locations: [{ path: location }], ...(metadata ? { metadata } : {}) });
    }
    if (unnamed) errors.push(`${unnamed} [[package]] entries without name/version`);
    return { packages, ...(errors.length ? { errors: errors.map((e) => `${file.path}: ${e}`) } : {}) };
  },
  finalize: finalizeWithPurl("cargo"),
};

