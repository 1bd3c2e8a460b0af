// Path rules for layer entries: everything is relative to the image root, with no leading
// slash, and nothing may climb above the root.
import { posix } from "node:path";

/** Normalises a tar entry name. `escaped` is true when the raw name tried to leave the root. */
export function normalizeEntryPath(raw: string): { path: string; escaped: boolean } {
  const trimmed = raw.replace(/\/+$/, "");
  const abs = posix.normalize("/" + trimmed);
  // posix.normalize keeps ".." at the root of an absolute path out ("/../x" -> "/x"), so compare
  // the count of ".." segments to tell whether the raw name tried to climb out.
  let depth = 0;
  let escaped = false;
  for (const seg of trimmed.split("/")) {
    if (seg === "" || seg === ".") continue;
    if (seg === "..") {
      if (depth === 0) escaped = true;
      else depth--;
    } else depth++;
  }
  // The root itself ("/", as umoci writes when inserting at /) names nothing outside it.
  return { path: abs === "/" ? "" : abs.slice(1), escaped: escaped || (raw.startsWith("/") && abs !== "/") };
}

export type Whiteout = { kind: "delete"; path: string } | { kind: "opaque"; dir: string };

const WH = ".wh.";
const OPAQUE = ".wh..wh..opq";

/**
 * OCI whiteouts, matched on the basename only (a substring test would hit names like
 * `whatwg-url/.wh.` neighbours or `node_modules/.whatever`).
 */
export function whiteoutOf(path: string): Whiteout | null {
  const slash = path.lastIndexOf("/");
  const base = slash === -1 ? path : path.slice(slash + 1);
  if (!base.startsWith(WH)) return null;
  const dir = slash === -1 ? "" : path.slice(0, slash);
  if (base === OPAQUE) return { kind: "opaque", dir };
  const name = base.slice(WH.length);
  // Other `.wh..wh.` names are aufs bookkeeping (e.g. .wh..wh.plnk): no effect on the tree.
  if (name === "" || name.startsWith(WH)) return null;
  return { kind: "delete", path: dir ? `${dir}/${name}` : name };
}

