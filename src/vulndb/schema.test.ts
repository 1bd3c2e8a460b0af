import { describe, expect, it } from "vitest";
import { ecosystemBase } from "../versioning/index.js";
import { decodeRecord, encodeRecord } from "./schema.js";
import { defaultDbPath } from "./paths.js";

describe("ecosystemBase", () => {
  it.each([
    ["Debian:12", "Debian"],
    ["Ubuntu:22.04:LTS", "Ubuntu"],
    ["Ubuntu:Pro:14.04:LTS", "Ubuntu"],
    ["Red Hat:enterprise_linux:9::appstream", "Red Hat"],
    ["Alpine:v3.19", "Alpine"],
    ["npm", "npm"],
    ["crates.io", "crates.io"],
  ])("%s → %s", (eco, base) => expect(ecosystemBase(eco)).toBe(base));
});

describe("record codec", () => {
  it("round-trips and compresses", () => {
    const r = { id: "X-1", modified: "2024-01-01T00:00:00Z", details: "a long text ".repeat(100) };
    const blob = encodeRecord(r);
    expect(blob.length).toBeLessThan(JSON.stringify(r).length / 4);
    expect(decodeRecord(blob)).toEqual(r);
  });
});

describe("defaultDbPath", () => {
  it("prefers BULWARK_DB, then XDG_CACHE_HOME, then ~/.cache", () => {
    expect(defaultDbPath({ BULWARK_DB: "/x/db.sqlite", XDG_CACHE_HOME: "/c" })).toBe("/x/db.sqlite");
    expect(defaultDbPath({ XDG_CACHE_HOME: "/c" })).toBe("/c/bulwark/db/advisories.sqlite");
    expect(defaultDbPath({ XDG_CACHE_HOME: "relative" })).toMatch(/\/\.cache\/bulwark\/db\/advisories\.sqlite$/);
    expect(defaultDbPath({})).toMatch(/\/\.cache\/bulwark\/db\/advisories\.sqlite$/);
  });
});
