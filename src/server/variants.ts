// Package variants (migration 0700_fast): the distinct things the matcher sees. Matching a package
// depends only on the OS and the package's own fields (purl, type, name, version, source, ownedBy,
// metadata, the layer it is attributed to), never on which image holds it; a fleet of 10,000
// images of ~300 packages holds a few thousand such variants. Each stored package row names its
// variant, each variant its advisory lookup keys (variant_keys) and each finding the variant it
// was matched from, so a re-match works on distinct variants and applies their results to every
// package row with set-based statements (rematch.ts), without reading any stored inventory.
import { createHash } from "node:crypto";
import { sql } from "kysely";
import type { OSInfo, Package } from "../index.js";
import type { Db } from "./store.js";

/** The fields of one package (with its OS) that matching depends on, as a canonical JSON text. */
export function variantJson(pkg: Package, os: OSInfo | null | undefined): string {
  const { files: _files, ...rest } = pkg;
  // The stored package keeps what matching needs and what a finding reports (its layer); the
  // other locations (paths) differ between images and matter to neither.
  const layer = pkg.locations.find((l) => l.layer)?.layer;
  return JSON.stringify([os ?? null, { ...rest, locations: layer ? [{ path: "", layer }] : [] }]);
}

/** sha256 of the canonical JSON: the variant's unique key. */
export const variantKey = (json: string): string => createHash("sha256").update(json).digest("hex");

export interface VariantInput {
  key: string;
  json: string;
  purl: string;
  /** The advisory lookup keys of the package (store.ts lookupKeys). */
  lookups: readonly { ecosystem: string; name: string }[];
}

/**
 * Ids of the variants of `items` (keyed by variant key), creating the missing ones with their
 * lookup keys. Concurrent writers (PostgreSQL workers) may create the same variant: the unique key
 * makes one of them win and the other read it.
 */
export async function ensureVariants(trx: Db, items: readonly VariantInput[]): Promise<Map<string, number>> {
  const by = new Map<string, VariantInput>();
  for (const it of items) by.set(it.key, it);
  const out = new Map<string, number>();
  // In key order: two PostgreSQL transactions creating overlapping variants wait for each other
  // in one order, never in a cycle.
  const all = [...by.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  for (let i = 0; i < all.length; i += 200) {
    const part = all.slice(i, i + 200);
    const have = await trx.selectFrom("pkg_variants").select(["id", "key"]).where("key", "in", part.map((p) => p.key)).execute();
    for (const h of have) out.set(h.key, Number(h.id));
    const missing = part.filter((p) => !out.has(p.key));
    if (!missing.length) continue;
    const created = await trx
      .insertInto("pkg_variants")
      .values(missing.map((m) => ({ key: m.key, purl: m.purl, json: m.json })))
      .onConflict((oc) => oc.column("key").doNothing())
      .returning(["id", "key"])
      .execute();
    const keyRows: { ecosystem: string; name: string; variant: number }[] = [];
    for (const c of created) {
      out.set(c.key, Number(c.id));
      for (const k of by.get(c.key)!.lookups) keyRows.push({ ecosystem: k.ecosystem, name: k.name, variant: Number(c.id) });
    }
    for (let j = 0; j < keyRows.length; j += 300) {
      await trx.insertInto("variant_keys").values(keyRows.slice(j, j + 300)).onConflict((oc) => oc.columns(["ecosystem", "name", "variant"]).doNothing()).execute();
    }
    // Created by a concurrent writer between the read and the insert.
    const late = missing.filter((m) => !out.has(m.key));
    if (late.length) for (const h of await trx.selectFrom("pkg_variants").select(["id", "key"]).where("key", "in", late.map((p) => p.key)).execute()) out.set(h.key, Number(h.id));
  }
  return out;
}

/**
 * PostgreSQL: re-match chunks take this lock exclusively, writers of scans shared, so a chunk's
 * set-based statements never interleave with an image being replaced (SQLite serialises writers).
 */
export async function lockFleet(trx: Db, dialect: "sqlite" | "postgres" | undefined, mode: "shared" | "exclusive"): Promise<void> {
  if (dialect !== "postgres") return;
  if (mode === "shared") await sql`SELECT pg_advisory_xact_lock_shared(hashtext('bulwark-fleet'))`.execute(trx);
  else await sql`SELECT pg_advisory_xact_lock(hashtext('bulwark-fleet'))`.execute(trx);
}
