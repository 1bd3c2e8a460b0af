// Shell-style globs for repository and tag names: `*` any run of characters except `/`, `**` any
// run including `/`, `?` one character except `/`, `[abc]`/`[a-z]`/`[!x]` a class. Everything
// else is literal. The whole name must match.
import { UserError } from "../../errors.js";

export function globToRegExp(glob: string): RegExp {
  let out = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === "*") {
      if (glob[i + 1] === "*") {
        out += ".*";
        i++;
      } else {
        out += "[^/]*";
      }
    } else if (c === "?") {
      out += "[^/]";
    } else if (c === "[") {
      const end = glob.indexOf("]", i + 2);
      if (end < 0) throw new UserError("USAGE", `unclosed [ in glob "${glob}"`);
      let body = glob.slice(i + 1, end);
      const negate = body.startsWith("!") || body.startsWith("^");
      if (negate) body = body.slice(1);
      out += `[${negate ? "^" : ""}${body.replace(/[\\\]^]/g, "\\$&")}]`;
      i = end;
    } else {
      out += c.replace(/[.+^${}()|\\/]/g, "\\$&");
    }
  }
  return new RegExp(`^${out}$`, "s");
}

/** A matcher for any of the globs; no globs match everything. */
export function globMatcher(globs: string[] | undefined): (name: string) => boolean {
  if (!globs || globs.length === 0) return () => true;
  const res = globs.map(globToRegExp);
  return (name) => res.some((r) => r.test(name));
}
