// Go modules as lang/gobinary and lang/gomod report them: one purl form, one order.
import { finalizeWith, purlOrEmpty } from "./finalize.js";

/** `pkg:golang/<path up to the last slash>/<last element>@<version>`; a `(devel)` version names no release and is left out. */
export function golangPurl(path: string, version: string): string {
  const slash = path.lastIndexOf("/");
  const v = version && version !== "(devel)" ? version : undefined;
  return purlOrEmpty("golang", slash > 0 ? path.slice(0, slash) : undefined, slash > 0 ? path.slice(slash + 1) : path, v);
}

export const finalizeGolang = finalizeWith((p) => golangPurl(p.name, p.version));
