// SBOMs as scan targets (`sbom:PATH`): CycloneDX or SPDX JSON written by any tool. Components are
// matched by their purls; the OS comes from an operating-system component or `distro=` qualifiers.
import { readFile, stat } from "node:fs/promises";
import { UserError } from "../errors.js";
import type { OSInfo, Package } from "../model/index.js";
import { osFromDistro, packageFromPurl } from "./purl.js";

export { osFromDistro, packageFromPurl } from "./purl.js";

const MAX_SBOM = 512 * 2 ** 20;

export interface SbomInventory {
  format: "cyclonedx" | "spdx";
  name?: string;
  os: OSInfo | null;
  packages: Package[];
  /** Components without a usable purl. */
  skipped: number;
}

export async function readSbom(path: string): Promise<SbomInventory> {
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch (e) {
    throw new UserError("NOT_FOUND", `${path}: no such file (${(e as NodeJS.ErrnoException).code ?? "error"})`);
  }
  if (size > MAX_SBOM) throw new UserError("LIMIT", `${path}: SBOM larger than ${MAX_SBOM} bytes`);
  let doc: unknown;
  try {
    doc = JSON.parse(await readFile(path, "utf8"));
  } catch (e) {
    throw new UserError("INPUT", `${path}: not a JSON SBOM (${(e as Error).message})`);
  }
  return parseSbom(doc, path);
}

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (typeof v === "string" && v ? v : undefined);

export function parseSbom(doc: unknown, path: string): SbomInventory {
  if (!isObj(doc)) throw new UserError("INPUT", `${path}: not an SBOM (expected a JSON object)`);
  let inv: SbomInventory;
  if (doc.bomFormat === "CycloneDX") inv = fromCycloneDX(doc);
  else if (typeof doc.spdxVersion === "string") inv = fromSpdx(doc);
  else throw new UserError("INPUT", `${path}: neither CycloneDX (bomFormat) nor SPDX (spdxVersion) JSON`);
  // Listed by a document, not seen on disk, unless the document says so (Bulwark's own SBOMs do).
  for (const p of inv.packages) p.evidence ??= "declared";
  return inv;
}

function fromCycloneDX(doc: Json): SbomInventory {
  const out: Package[] = [];
  let os: OSInfo | null = null;
  let skipped = 0;
  const walk = (list: unknown[], depth: number): void => {
    if (depth > 32) return;
    for (const c of list) {
      if (!isObj(c)) continue;
      if (c.type === "container") {
        // the image itself, not an inventory item
      } else if (c.type === "operating-system") {
        os ??= osComponent(str(c.name), str(c.version));
      } else if (str(c.purl)) {
        const hit = packageFromPurl(str(c.purl)!);
        if (hit) {
          applyProperties(hit.pkg, arr(c.properties));
          hit.pkg.licenses = cdxLicenses(arr(c.licenses));
          out.push(hit.pkg);
          if (!os && hit.os) os = hit.os;
        } else skipped++;
      } else if (c.type !== "file") skipped++;
      walk(arr(c.components), depth + 1);
    }
  };
  const meta = isObj(doc.metadata) ? doc.metadata : {};
  const top = isObj(meta.component) ? meta.component : undefined;
  walk(arr(doc.components), 0);
  if (top && top.type === "operating-system") os ??= osComponent(str(top.name), str(top.version));
  const inv: SbomInventory = { format: "cyclonedx", os, packages: out, skipped };
  if (top && str(top.name)) inv.name = str(top.name)!;
  return inv;
}

function fromSpdx(doc: Json): SbomInventory {
  const out: Package[] = [];
  let os: OSInfo | null = null;
  let skipped = 0;
  for (const p of arr(doc.packages)) {
    if (!isObj(p)) continue;
    const purpose = str(p.primaryPackagePurpose);
    if (purpose === "OPERATING_SYSTEM" || purpose === "OPERATING-SYSTEM") {
      os ??= osComponent(str(p.name), str(p.versionInfo));
      continue;
    }
    if (purpose === "CONTAINER") continue;
    const ref = arr(p.externalRefs).find((r) => isObj(r) && r.referenceType === "purl");
    const purl = isObj(ref) ? str(ref.referenceLocator) : undefined;
    if (!purl) {
      if (purpose !== "CONTAINER" && purpose !== "FILE") skipped++;
      continue;
    }
    const hit = packageFromPurl(purl);
    if (!hit) {
      skipped++;
      continue;
    }
    // Bulwark's own SPDX names the source package in sourceInfo (SPDX has no field for it).
    const src = /built from source package (\S+) (\S+?)[;]/.exec(str(p.sourceInfo) ?? "");
    if (src && !hit.pkg.source) hit.pkg.source = { name: src[1]!, version: src[2]! };
    const ev = /^(installed|declared): /.exec(str(p.sourceInfo) ?? "");
    if (ev) hit.pkg.evidence = ev[1] as "installed" | "declared";
    const lic = str(p.licenseDeclared) ?? str(p.licenseConcluded);
    if (lic && lic !== "NOASSERTION" && lic !== "NONE") hit.pkg.licenses = [lic];
    out.push(hit.pkg);
    if (!os && hit.os) os = hit.os;
  }
  const inv: SbomInventory = { format: "spdx", os, packages: out, skipped };
  if (str(doc.name)) inv.name = str(doc.name)!;
  return inv;
}

function osComponent(name: string | undefined, version: string | undefined): OSInfo | null {
  if (!name) return null;
  const family = name.toLowerCase().replace(/^redhat$/, "rhel");
  if (!version) return { family, version: "" };
  const parsed = osFromDistro(`${family}-${version}`);
  return parsed ?? { family, version };
}

// Source package facts as Trivy, Syft and Bulwark write them in CycloneDX properties.
function applyProperties(pkg: Package, props: unknown[]): void {
  const get = (...names: string[]): string | undefined => {
    for (const p of props) if (isObj(p) && names.includes(String(p.name)) && str(p.value)) return str(p.value);
    return undefined;
  };
  const srcName = get("aquasecurity:trivy:SrcName", "bulwark:source:name", "syft:metadata:source");
  if (srcName) {
    let srcVersion = get("aquasecurity:trivy:SrcVersion", "bulwark:source:version", "syft:metadata:sourceVersion") ?? pkg.version;
    const srcRelease = get("aquasecurity:trivy:SrcRelease");
    if (srcRelease) srcVersion = `${srcVersion}-${srcRelease}`;
    const srcEpoch = get("aquasecurity:trivy:SrcEpoch");
    if (srcEpoch && srcEpoch !== "0" && !/^\d+:/.test(srcVersion)) srcVersion = `${srcEpoch}:${srcVersion}`;
    pkg.source = { name: srcName, version: srcVersion };
  }
  const evidence = get("bulwark:evidence");
  if (evidence === "installed" || evidence === "declared") pkg.evidence = evidence;
  const layer = get("aquasecurity:trivy:LayerDiffID", "bulwark:layer:diffId");
  const path = get("bulwark:location:path", "syft:location:0:path", "aquasecurity:trivy:FilePath");
  if (path || layer) pkg.locations.push({ path: path ?? "", ...(layer ? { layer: { digest: get("aquasecurity:trivy:LayerDigest", "bulwark:layer:digest") ?? layer, diffId: layer } } : {}) });
}

function cdxLicenses(list: unknown[]): string[] {
  const out: string[] = [];
  for (const l of list) {
    if (!isObj(l)) continue;
    if (str(l.expression)) out.push(str(l.expression)!);
    else if (isObj(l.license)) {
      const v = str(l.license.id) ?? str(l.license.name);
      if (v) out.push(v);
    }
  }
  return out;
}
