// Vulnerability identifiers: which CVE an id stands for, and grouping records that describe
// the same vulnerability so each is reported once per package.

const CVE = /^CVE-\d{4}-\d{4,}$/;
// Distribution copies of a CVE keep the CVE in their id: DEBIAN-CVE-…, UBUNTU-CVE-…,
// ALPINE-CVE-…, CURL-CVE-…. OSV ids must be unique, hence the prefix (Canonical's docs say so).
const PREFIXED_CVE = /^[A-Z][A-Z0-9]*-(CVE-\d{4}-\d{4,})$/;

/** The CVE an identifier refers to: itself, the CVE inside a `DEBIAN-CVE-…`-style id, or null. */
export function cveOf(id: string): string | null {
  if (CVE.test(id)) return id;
  return PREFIXED_CVE.exec(id)?.[1] ?? null;
}

export function isCve(id: string): boolean {
  return CVE.test(id);
}

/** CVE order: by year, then number, so CVE-2021-9999 comes before CVE-2021-10000. */
export function compareCves(a: string, b: string): number {
  const [, ya = "", na = ""] = a.split("-");
  const [, yb = "", nb = ""] = b.split("-");
  return Number(ya) - Number(yb) || Number(na) - Number(nb) || (a < b ? -1 : a > b ? 1 : 0);
}

/** Union-find over identifier strings. */
export class IdGroups {
  private readonly parent = new Map<string, string>();

  private find(id: string): string {
    let root = id;
    for (let p = this.parent.get(root); p !== undefined && p !== root; p = this.parent.get(root)) root = p;
    if (!this.parent.has(id)) this.parent.set(id, id);
    // Path compression keeps later lookups flat.
    for (let cur = id; cur !== root; ) {
      const next = this.parent.get(cur) as string;
      this.parent.set(cur, root);
      cur = next;
    }
    return root;
  }

  /** Puts all ids in one group. */
  join(ids: readonly string[]): void {
    const [first, ...rest] = ids;
    if (first === undefined) return;
    const root = this.find(first);
    for (const id of rest) {
      const r = this.find(id);
      if (r !== root) this.parent.set(r, root);
    }
  }

  /** A stable key for the group of an id. */
  key(id: string): string {
    return this.find(id);
  }
}
