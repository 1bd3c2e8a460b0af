// Real OSV records for the matcher tests, served from memory.
import { readdirSync, readFileSync } from "node:fs";
import type { OsvRecord, Package } from "../../model/index.js";
import { ecosystemBase, normalizeName } from "../../versioning/index.js";
import type { AdvisorySource } from "../types.js";

const SHARED = new URL("../../../../shared/data/advisories/", import.meta.url);
const LOCAL = new URL("../testdata/osv-scanner/", import.meta.url);

function readJson(url: URL): unknown {
  return JSON.parse(readFileSync(url, "utf8"));
}

/** Records copied from osv-scanner's offline test databases (see testdata/osv-scanner/SOURCE.txt). */
export function localRecords(): OsvRecord[] {
  return readdirSync(LOCAL)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((f) => readJson(new URL(f, LOCAL)) as OsvRecord);
}

/** go-vulndb records by id (GO-2024-2887 …). */
export function goRecords(ids: readonly string[]): OsvRecord[] {
  return ids.map((id) => readJson(new URL(`go-vulndb/data/osv/${id}.json`, SHARED)) as OsvRecord);
}

/** Every go-vulndb record (about 4,300). */
export function allGoRecords(): OsvRecord[] {
  const dir = new URL("go-vulndb/data/osv/", SHARED);
  return readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((f) => readJson(new URL(f, dir)) as OsvRecord);
}

/** The one Ubuntu notice in shared data (USN-6188-1, Ubuntu Pro 14.04/16.04 only). */
export function ubuntuSample(): OsvRecord {
  return readJson(new URL("ubuntu-usn-osv-sample/osv/usn/USN-6188-1.json", SHARED)) as OsvRecord;
}

/**
 * Full records answered by api.osv.dev in osv.dev's API regression snapshots (jinja2 on PyPI,
 * nokogiri on RubyGems, …). A snapshot file is `[name - n]` headers, each followed by JSON.
 */
export function apiSnapshotRecords(): OsvRecord[] {
  const text = readFileSync(new URL("osv.dev-apitester/tools/apitester/__snapshots__/cassette_single_query.snap", SHARED), "utf8");
  const byId = new Map<string, OsvRecord>();
  for (const part of text.split(/^\[.*\]$/m)) {
    const body = part.replace(/^\s*---\s*$/gm, "").trim();
    if (!body.startsWith("{")) continue;
    let answer: { vulns?: OsvRecord[] };
    try {
      answer = JSON.parse(body) as { vulns?: OsvRecord[] };
    } catch {
      continue;
    }
    for (const v of answer.vulns ?? []) if (v.affected?.some((a) => a.package)) byId.set(v.id, v);
  }
  return [...byId.values()];
}

/** An AdvisorySource over records, indexed as the database is: ecosystem base + package name. */
export function memorySource(records: readonly OsvRecord[]): AdvisorySource & { queries: string[] } {
  const index = new Map<string, OsvRecord[]>();
  const add = (key: string, r: OsvRecord) => {
    const list = index.get(key) ?? [];
    if (!list.includes(r)) list.push(r);
    index.set(key, list);
  };
  for (const r of records) {
    for (const a of r.affected ?? []) {
      if (!a.package) continue;
      const base = ecosystemBase(a.package.ecosystem);
      add(`${base}\u0000${a.package.name}`, r);
      add(`${base}\u0000${normalizeName(base, a.package.name)}`, r);
    }
  }
  const queries: string[] = [];
  return {
    queries,
    query(base: string, name: string) {
      queries.push(`${base}/${name}`);
      return index.get(`${base}\u0000${name}`) ?? [];
    },
  };
}

interface PackageInput {
  type?: string;
  name: string;
  version: string;
  source?: [string, string];
  purl?: string;
  metadata?: Record<string, string>;
}

/** A package as the analyzers report it, with a purl and a location in layer 1. */
export function pkg(p: PackageInput, namespace = "debian"): Package {
  const type = p.type ?? "deb";
  const layer = { digest: "sha256:" + "a".repeat(64), diffId: "sha256:" + "b".repeat(64), createdBy: "ADD rootfs.tar.xz /" };
  return {
    type,
    name: p.name,
    version: p.version,
    purl: p.purl ?? `pkg:${type}/${type === "deb" || type === "apk" || type === "rpm" ? `${namespace}/` : ""}${p.name}@${p.version}`,
    source: p.source ? { name: p.source[0], version: p.source[1] } : null,
    licenses: [],
    locations: [{ path: type === "deb" ? "/var/lib/dpkg/status" : `/app/${p.name}`, layer }],
    ...(p.metadata ? { metadata: p.metadata } : {}),
  };
}
