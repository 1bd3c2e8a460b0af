// WWW-Authenticate parsing (RFC 7235). Node joins repeated headers with ", ", so one string may
// hold several challenges; params may be quoted and quoted values may contain commas.

export interface Challenge {
  /** Lowercased scheme: "bearer", "basic", … */
  scheme: string;
  /** Lowercased parameter names. */
  params: Record<string, string>;
}

const TOKEN = /[!#$%&'*+.^_`|~0-9A-Za-z-]+/y;
/** token68 (RFC 7235): credentials in place of params, e.g. "Negotiate abc==". */
const TOKEN68 = /[ \t]+[A-Za-z0-9._~+/-]+=*[ \t]*(?=,|$)/y;
/** Unquoted values are read leniently up to a comma or space (some servers send bare URLs). */
const BARE_VALUE = /[^,\s]*/y;

export function parseChallenges(header: string | string[] | undefined): Challenge[] {
  if (header === undefined) return [];
  if (Array.isArray(header)) return header.flatMap((h) => parseChallenges(h));
  const out: Challenge[] = [];
  let i = 0;
  const skip = (chars: string): void => {
    while (i < header.length && chars.includes(header[i]!)) i++;
  };
  const token = (): string | undefined => {
    TOKEN.lastIndex = i;
    const m = TOKEN.exec(header);
    if (!m) return undefined;
    i = TOKEN.lastIndex;
    return m[0];
  };
  const bare = (): string => {
    BARE_VALUE.lastIndex = i;
    const value = BARE_VALUE.exec(header)![0];
    i = BARE_VALUE.lastIndex;
    return value;
  };
  const quoted = (): string => {
    let value = "";
    i++; // opening quote
    while (i < header.length && header[i] !== '"') {
      if (header[i] === "\\" && i + 1 < header.length) i++;
      value += header[i];
      i++;
    }
    i++; // closing quote
    return value;
  };

  while (i < header.length) {
    skip(", \t");
    const scheme = token();
    if (!scheme) break;
    const challenge: Challenge = { scheme: scheme.toLowerCase(), params: {} };
    out.push(challenge);
    TOKEN68.lastIndex = i;
    if (TOKEN68.test(header)) {
      i = TOKEN68.lastIndex;
      continue;
    }
    for (;;) {
      const start = i;
      skip(", \t");
      const name = token();
      skip(" \t");
      if (!name || header[i] !== "=") {
        // Not "name=": either the end, a token68, or the next challenge's scheme.
        i = start;
        break;
      }
      i++;
      skip(" \t");
      challenge.params[name.toLowerCase()] = header[i] === '"' ? quoted() : bare();
    }
    // Skip anything unparseable up to the next comma, so it is not taken for a scheme.
    skip(" \t");
    if (i < header.length && header[i] !== ",") {
      while (i < header.length && header[i] !== ",") i++;
    }
  }
  return out;
}
