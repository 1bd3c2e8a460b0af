// VEX documents (`--vex FILE`): statements by a supplier or the user that a vulnerability does
// not affect a package. Two formats:
//
// - OpenVEX (v0.0.x and v0.2.x): `statements[]` with `vulnerability` (`name`, `@id`, `aliases`,
//   or a bare string in v0.0.x), `products[]` (`@id` purl, `identifiers.purl`, `subcomponents`),
//   `status`, `justification`, `impact_statement`, `timestamp`.
// - CycloneDX VEX: `vulnerabilities[]` with `id`, `references[].id` (aliases),
//   `analysis.state`/`justification`/`detail`, `affects[].ref` (a purl, a bom-ref that is a
//   purl, or a BOM-Link `urn:cdx:…#<bom-ref>`).
//
// Matching is on purls only (see purl-match.ts). When a statement lists subcomponents, those
// are the packages it speaks for (the product is then the image or application around them).
// When several statements cover the same finding, the latest (by timestamp, then position in
// the file) decides, as OpenVEX prescribes.
import { readFileSync } from "node:fs";
import { errorMessage, UserError } from "../errors.js";
import { parsePurl, type PurlPattern } from "./purl-match.js";

export interface VexRule {
  kind: "vex";
  /** Vulnerability id and aliases, as written. */
  ids: string[];
  products: PurlPattern[];
  /** OpenVEX status or CycloneDX analysis state, as written. */
  status: string;
  /** Whether this status hides the finding. */
  suppresses: boolean;
  justification?: string;
  detail?: string;
  /** ISO time the statement was made, when known (orders conflicting statements). */
  timestamp?: string;
  /** Position in its file, to order statements without a timestamp. */
  index: number;
  file?: string;
}

// OpenVEX: `affected` and `under_investigation` keep the finding.
const OPENVEX_SUPPRESS = new Set(["not_affected", "fixed"]);
// CycloneDX: `exploitable` and `in_triage` keep the finding.
const CDX_SUPPRESS = new Set(["not_affected", "false_positive", "resolved", "resolved_with_pedigree"]);

type Json = Record<string, unknown>;
const obj = (v: unknown): Json | undefined => (v && typeof v === "object" && !Array.isArray(v) ? (v as Json) : undefined);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (typeof v === "string" && v.trim() !== "" ? v.trim() : undefined);

function purlsOf(item: unknown): string[] {
  if (typeof item === "string") return [item];
  const o = obj(item);
  if (!o) return [];
  return [str(o["@id"]), str(obj(o.identifiers)?.purl)].filter((p): p is string => !!p);
}

function patterns(texts: string[]): PurlPattern[] {
  return texts.filter((t) => t.startsWith("pkg:")).map(parsePurl).filter((p): p is PurlPattern => p !== null);
}

function openVexRules(doc: Json, file: string | undefined): VexRule[] {
  const docTime = str(doc.timestamp);
  return list(doc.statements).map((raw, index): VexRule => {
    const s = obj(raw) ?? {};
    const vuln = s.vulnerability;
    const v = obj(vuln);
    const ids = [
      typeof vuln === "string" ? vuln : str(v?.name),
      ...(v ? [str(v["@id"])] : []),
      ...list(v?.aliases).map(str),
    ].filter((x): x is string => !!x && !x.includes("://"));
    // Subcomponents (per product in v0.2, per statement in v0.0.x) are the packages meant.
    const products = list(s.products);
    const subs = [...products.flatMap((p) => list(obj(p)?.subcomponents)), ...list(s.subcomponents)];
    const targets = (subs.length > 0 ? subs : products).flatMap(purlsOf);
    const status = str(s.status) ?? "";
    return {
      kind: "vex",
      ids,
      products: patterns(targets),
      status,
      suppresses: OPENVEX_SUPPRESS.has(status),
      ...(str(s.justification) ? { justification: str(s.justification) } : {}),
      ...(str(s.impact_statement) ? { detail: str(s.impact_statement) } : {}),
      ...(str(s.timestamp) ?? docTime ? { timestamp: (str(s.timestamp) ?? docTime) as string } : {}),
      index,
      ...(file ? { file } : {}),
    };
  });
}

/** A bom-ref as a purl: BOM-Link fragments decoded, and our own `|2` duplicate suffix dropped. */
function refToPurl(ref: string): string {
  let r = ref;
  if (r.startsWith("urn:cdx:")) {
    const hash = r.indexOf("#");
    r = hash < 0 ? "" : decodeURIComponent(r.slice(hash + 1));
  }
  return r.replace(/\|\d+$/, "");
}

function cycloneDxRules(doc: Json, file: string | undefined): VexRule[] {
  const docTime = str(obj(doc.metadata)?.timestamp);
  return list(doc.vulnerabilities).map((raw, index): VexRule => {
    const v = obj(raw) ?? {};
    const analysis = obj(v.analysis) ?? {};
    const ids = [str(v.id), ...list(v.references).map((r) => str(obj(r)?.id))].filter((x): x is string => !!x);
    const refs = list(v.affects).map((a) => str(obj(a)?.ref)).filter((r): r is string => !!r).map(refToPurl);
    const state = str(analysis.state) ?? "";
    const time = str(analysis.lastUpdated) ?? str(v.updated) ?? docTime;
    return {
      kind: "vex",
      ids,
      products: patterns(refs),
      status: state,
      suppresses: CDX_SUPPRESS.has(state),
      ...(str(analysis.justification) ? { justification: str(analysis.justification) } : {}),
      ...(str(analysis.detail) ? { detail: str(analysis.detail) } : {}),
      ...(time ? { timestamp: time } : {}),
      index,
      ...(file ? { file } : {}),
    };
  });
}

/** Rules from a parsed VEX document; UserError INPUT when it is neither OpenVEX nor CycloneDX. */
export function parseVex(document: unknown, file?: string): VexRule[] {
  const doc = obj(document);
  const where = file ?? "VEX document";
  if (doc && Array.isArray(doc.statements) && String(doc["@context"] ?? "").includes("openvex")) return openVexRules(doc, file);
  if (doc && doc.bomFormat === "CycloneDX") return cycloneDxRules(doc, file);
  throw new UserError("INPUT", `${where}: not an OpenVEX or CycloneDX VEX document`);
}

export function loadVexFile(path: string): VexRule[] {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UserError(code === "ENOENT" ? "NOT_FOUND" : "INPUT", `${path}: cannot read VEX file: ${errorMessage(e)}`, { cause: e });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new UserError("INPUT", `${path}: VEX file is not valid JSON: ${errorMessage(e)}`, { cause: e });
  }
  return parseVex(json, path);
}
