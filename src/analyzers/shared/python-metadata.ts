// Python core metadata (dist-info METADATA, PKG-INFO) and PEP 503 names, shared by the
// installed-package analyzers (lang/python, lang/python-egg) and lang/python-lock.
import { finalizeWithPurl } from "./finalize.js";

export interface PythonMetadata {
  name?: string;
  version?: string;
  licenses: string[];
}

const MAX_HEADER_LINES = 5000;

export function parseMetadata(text: string): PythonMetadata {
  const headers = new Map<string, string[]>();
  let last: string | undefined;
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length && i < MAX_HEADER_LINES; i++) {
    const line = lines[i]!;
    if (line === "") break; // headers end at the first blank line; the description follows
    if (/^[ \t]/.test(line) && last) {
      const vals = headers.get(last)!;
      vals[vals.length - 1] += "\n" + line.trim();
      continue;
    }
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    last = line.slice(0, colon).trim().toLowerCase();
    const list = headers.get(last) ?? [];
    list.push(line.slice(colon + 1).trim());
    headers.set(last, list);
  }
  const one = (k: string): string | undefined => headers.get(k)?.[0] || undefined;
  return { name: one("name"), version: one("version"), licenses: licenses(headers) };
}

function licenses(h: Map<string, string[]>): string[] {
  // PEP 639's License-Expression is authoritative; then trove classifiers; then a short License.
  const expr = h.get("license-expression")?.[0];
  if (expr) return [expr];
  const fromClassifiers = (h.get("classifier") ?? [])
    .filter((c) => c.startsWith("License ::"))
    .map((c) => c.split("::").pop()!.trim())
    .filter((c) => c && c !== "OSI Approved");
  if (fromClassifiers.length) return [...new Set(fromClassifiers)];
  const lic = h.get("license")?.[0];
  // Some packages paste the whole license text here: keep only short values.
  if (lic && lic !== "UNKNOWN" && lic.length <= 80 && !lic.includes("\n")) return [lic];
  return [];
}

/** PEP 503: lowercase, runs of -, _ and . become one -. */
export function pep503(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, "-");
}

/** finalize() of the Python analyzers: `pkg:pypi/<PEP 503 name>@<version>`, ordered by that name. */
export const finalizePypi = finalizeWithPurl("pypi", { purlName: pep503, sortName: pep503 });
