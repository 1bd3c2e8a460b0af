// Rust binaries built with cargo-auditable: the ELF section `.dep-v0` holds zlib-compressed
// JSON `{"packages":[{name, version, source, kind?, dependencies?, root?}]}` describing every
// crate compiled in. Each is reported as a cargo package, the root crate (the binary's own,
// metadata.root = "true") included; build-time crates (proc macros, build scripts) carry
// metadata.kind = "build". Binaries without the section (most) return null.
import { inflateSync } from "node:zlib";
import { findSection, openSource, readElf, readSection } from "../../shared/elf.js";
import type { Analyzer, AnalyzerFile, FileAnalysis, FileInfo, Package } from "../../types.js";
import { finalizeWithPurl } from "../../shared/finalize.js";

const MIN_SIZE = 1024;
const MAX_SIZE = 512 * 2 ** 20;
const NOT_BINARY = /\.(sh|bash|py|pl|rb|js|mjs|cjs|php|lua|txt|md|json|ya?ml|conf|cfg|h|c|rs|html?|css)$/i;
const MAX_COMPRESSED = 8 * 2 ** 20;
/** Guard against zlib bombs: real dependency lists are a few hundred KiB. */
const MAX_JSON = 32 * 2 ** 20;
const MAX_PACKAGES = 100_000;

export function wanted(path: string, info?: FileInfo): boolean {
  if (!info || !(info.mode & 0o111)) return false;
  if (info.size < MIN_SIZE || info.size > MAX_SIZE) return false;
  return !NOT_BINARY.test(path);
}

// The section's name sits in the section-name string table of every binary that has it.
const RUST_MARKERS = [Buffer.from(".dep-v0", "latin1")];

export const rustAnalyzer: Analyzer = {
  id: "lang/rust",
  evidence: "installed",
  version: 1,
  input: "file",
  maxFileSize: MAX_SIZE,
  required: wanted,
  markers: () => RUST_MARKERS,
  async analyze(file: AnalyzerFile): Promise<FileAnalysis | null> {
    const src = await openSource(file);
    try {
      const elf = await readElf(src).catch(() => null);
      const section = elf && findSection(elf, ".dep-v0");
      if (!section) return null;
      const fail = (why: string): FileAnalysis => ({ errors: [`${file.path}: cargo-auditable data: ${why}`] });
      let json: Buffer;
      try {
        json = inflateSync(await readSection(src, section, MAX_COMPRESSED), { maxOutputLength: MAX_JSON });
      } catch (e) {
        return fail(`cannot decompress .dep-v0 (${(e as Error).message})`);
      }
      try {
        return parseAuditData(json.toString("utf8"), "/" + file.path);
      } catch (e) {
        return fail((e as Error).message);
      }
    } finally {
      await src.close();
    }
  },
  finalize: finalizeWithPurl("cargo"),
};

export function parseAuditData(text: string, location: string): FileAnalysis {
  const doc: unknown = JSON.parse(text);
  const list = (doc as { packages?: unknown })?.packages;
  if (!Array.isArray(list)) throw new Error("no packages list");
  const packages: Package[] = [];
  let skipped = 0;
  for (const raw of list.slice(0, MAX_PACKAGES)) {
    const p = raw as Record<string, unknown>;
    if (typeof p?.name !== "string" || typeof p.version !== "string" || !p.name || !p.version) {
      skipped++;
      continue;
    }
    const metadata: Record<string, string> = {};
    if (typeof p.source === "string") metadata.source = p.source;
    if (p.kind === "build") metadata.kind = "build";
    if (p.root === true) metadata.root = "true";
    packages.push({ type: "cargo", name: p.name, version: p.version, purl: "", source: null, licenses: [], locations: [{ path: location }], ...(Object.keys(metadata).length ? { metadata } : {}) });
  }
  const errors = skipped ? [`${location}: ${skipped} package entries without name/version skipped`] : [];
  if (list.length > MAX_PACKAGES) errors.push(`${location}: more than ${MAX_PACKAGES} packages, rest ignored`);
  return { packages, ...(errors.length ? { errors } : {}) };
}

