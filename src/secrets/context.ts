// Where a line sits: in a library tree, in a comment or docstring, in a code or a config file.
// Generic rules use it to stay quiet on documentation of installed libraries (`uri.password =
// "…"` in Ruby's rdoc, `htpasswd = WEBrick::…` in a doc comment) and to tell a literal value
// from an identifier. Specific rules never look here: a real key format is reported anywhere.

/** Trees of installed language libraries: their comments document APIs, they hold no live credentials. */
const LIBRARY_TREE = new RegExp(
  [
    String.raw`(?:^|/)usr/(?:local/)?lib/(?:ruby|python[23][^/]*|pypy[^/]*|nodejs|node_modules|jvm|php|perl5?)/`,
    String.raw`(?:^|/)usr/(?:local/)?share/(?:nodejs|javascript|java|ruby[^/]*|rubygems-integration|perl5?|php|python[^/]*)/`,
    String.raw`(?:^|/)usr/lib/[^/]+-linux-gnu[^/]*/perl[^/]*/`,
    String.raw`(?:^|/)var/lib/gems/`,
    String.raw`(?:^|/)(?:node_modules|site-packages|dist-packages|bower_components)/`,
    String.raw`(?:^|/)gems/[^/]+/(?:gems|bundler/gems)/`,
    String.raw`(?:^|/)vendor/bundle/`,
    String.raw`(?:^|/)go/pkg/mod/`,
  ].join("|"),
);

/** Documentation files: inside a library tree every line of them is prose or an example. */
const DOC_FILE = /\.(?:md|markdown|rdoc|rst|txt|html?|pod|adoc|textile|ri|[1-9])$/i;

/** True for paths inside an installed library tree (path without leading slash). */
export function isLibraryPath(path: string | null): boolean {
  return path !== null && LIBRARY_TREE.test(path);
}

/** Comment starts that begin a line in the languages libraries are written in. */
const COMMENT_LINE = /^\s*(?:#|\/\/|\/\*|\*|<!--|--|;|%|=begin\b|"""|''')/;

// Block documentation, by file: Python docstrings and Ruby =begin/=end. Computed once per
// file text, on the first generic candidate that needs it (most files never do).
let blockText: string | undefined;
let blockRanges: [number, number][] = [];

/** Files whose block documentation rangesOf finds. */
const BLOCK_DOCS = /\.(?:pyi?|rb|rake|gemspec)$/;

function rangesOf(text: string, path: string): [number, number][] {
  if (blockText === text) return blockRanges;
  const ranges: [number, number][] = [];
  if (/\.pyi?$/.test(path)) {
    // Triple-quoted strings: every docstring, and long literals used the same way.
    const re = /"""|'''/g;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      const close = text.indexOf(m[0], m.index + 3);
      const end = close < 0 ? text.length : close + 3;
      ranges.push([m.index, end]);
      re.lastIndex = end;
    }
  } else if (/\.(?:rb|rake|gemspec)$/.test(path)) {
    const re = /^=begin\b/gm;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      const close = /^=end\b/m.exec(text.slice(m.index));
      const end = close ? m.index + close.index + close[0].length : text.length;
      ranges.push([m.index, end]);
      re.lastIndex = end;
    }
  }
  blockText = text;
  blockRanges = ranges;
  return ranges;
}

/**
 * True when a line of a library file is documentation: a whole-line comment, a line of a
 * docstring or =begin block, or any line of a documentation file.
 */
export function isLibraryDoc(line: string, path: string | null, where: { readonly text: string; readonly offset: number }): boolean {
  if (!isLibraryPath(path)) return false;
  if (DOC_FILE.test(path!)) return true;
  if (COMMENT_LINE.test(line)) return true;
  // Only Python and Ruby have block documentation: other files are never decoded whole for it
  // (\`where\` computes the text and offset on access).
  if (!BLOCK_DOCS.test(path!)) return false;
  const offset = where.offset;
  if (offset < 0) return false;
  const ranges = rangesOf(where.text, path!);
  if (ranges.length === 0) return false;
  // Binary search: the last range starting at or before the line.
  let lo = 0;
  let hi = ranges.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (ranges[mid]![0] <= offset) lo = mid;
    else hi = mid - 1;
  }
  const r = ranges[lo]!;
  return r[0] <= offset && offset < r[1];
}

/** Source code: an unquoted value after `=` is another variable or an expression, never a literal. */
const CODE_FILE =
  /\.(?:rb|rbs|rake|gemspec|erb|py|pyi|pyx|js|mjs|cjs|jsx|ts|mts|cts|tsx|vue|svelte|java|kt|kts|scala|groovy|gradle|go|php|c|h|cc|cpp|cxx|hh|hpp|cs|rs|swift|m|mm|pl|pm|lua|r|dart|ex|exs|erl|clj|cljs|coffee|json|json5|jsonc)$/i;

export type FileStyle = "code" | "config" | "unknown";

/**
 * How values are written in a file: `code` (literals are quoted), `config` (env, INI, YAML,
 * properties, shell, Dockerfile: a bare value is a literal) or `unknown`. Image env, labels
 * and history (path null) are config.
 */
export function fileStyle(path: string | null): FileStyle {
  if (path === null) return "config";
  if (CODE_FILE.test(path)) return "code";
  const base = path.slice(path.lastIndexOf("/") + 1).toLowerCase();
  if (
    /\.(?:env|ini|cfg|conf|cnf|properties|ya?ml|toml|sh|bash|zsh|ksh|envrc|npmrc|pypirc|netrc|pgpass|service|tf|tfvars|hcl)$/.test(base) ||
    /^(?:\.env(?:\..*)?|\.?[\w-]*rc|dockerfile(?:\..*)?|containerfile|.*\.dockerfile|environment|credentials|config)$/.test(base)
  )
    return "config";
  return "unknown";
}
