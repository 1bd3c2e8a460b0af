// Installed gem specifications are Ruby source written by RubyGems in a fixed style
// (`s.name = "x".freeze`). They are read with patterns, never evaluated.

export interface Gemspec {
  name?: string;
  version?: string;
  licenses: string[];
  platform?: string;
}

const MAX_SCAN = 1 * 2 ** 20;
// "x", 'x' and the %q{x} form of older RubyGems
const STRING = /"((?:[^"\\\n]|\\.)*)"|'((?:[^'\\\n]|\\.)*)'|%q\{([^}\n]*)\}/g;

function strings(rhs: string): string[] {
  const out: string[] = [];
  for (const m of rhs.matchAll(STRING)) out.push(unescape(m[1] ?? m[2] ?? m[3] ?? ""));
  return out;
}

function unescape(s: string): string {
  return s.replace(/\\u([0-9a-fA-F]{4})|\\(.)/g, (_, hex: string | undefined, c: string | undefined) => (hex ? String.fromCharCode(parseInt(hex, 16)) : c!));
}

export function parseGemspec(text: string): Gemspec {
  const src = text.slice(0, MAX_SCAN);
  // The block variable is usually `s`, but any name is allowed.
  const v = /Gem::Specification\.new\s*(?:do|\{)\s*\|\s*(\w+)\s*\|/.exec(src)?.[1] ?? "s";
  const attr = (name: string): string | undefined =>
    new RegExp(`^[ \\t]*${v}\\.${name}[ \\t]*=[ \\t]*(.*)$`, "m").exec(src)?.[1];
  const first = (name: string): string | undefined => {
    const rhs = attr(name);
    return rhs === undefined ? undefined : strings(rhs)[0];
  };
  // Version may be written Gem::Version.new("1.2") — the first string literal is the version either way.
  let name = first("name");
  let version = first("version");
  // "# stub: name version platform paths" heads generated specs: a fallback only.
  const stub = /^# stub: (\S+) (\S+) /m.exec(src);
  if (stub) {
    name ??= stub[1];
    version ??= stub[2];
  }
  const lics = attr("licenses");
  const lic = attr("license");
  const licenses = [...new Set([...(lics ? strings(lics) : []), ...(lic ? strings(lic).slice(0, 1) : [])])].filter(Boolean);
  const platform = first("platform");
  return { name, version, licenses, ...(platform && platform !== "ruby" ? { platform } : {}) };
}
