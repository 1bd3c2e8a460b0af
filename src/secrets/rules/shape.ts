// Pattern pieces shared by rule modules.

/**
 * The character after a token: end of line, quote, separator or escape, or the `@` / `:` of a
 * URL's user info (`https://ghp_…@github.com`, `https://ghp_…:x-oauth-basic@…`).
 */
export const END = String.raw`(?=$|[\s"'\x60;,)\]}<>\\|&@:])`;
/** The end of an assigned value: as END, but `@` and `:` may be part of the value. */
const VALUE_END = String.raw`(?=$|[\s"'\x60;,)\]}<>\\|&])`;
/** The character before a token. */
export const START = String.raw`(?<![A-Za-z0-9_+/])`;

/**
 * `name … = value` in any common syntax (env, YAML, JSON, TOML, code, CLI flags):
 * the key pattern, up to 20 more name characters, an optional closing quote, an operator,
 * an optional opening quote, then the value as group `secret`.
 */
export function assigned(key: string, value: string): string {
  return String.raw`(?:${key})[\w.-]{0,20}?["']?[ \t]{0,3}(?:=|:=|:|=>|\?=)[ \t]{0,3}["'\x60]?(?<secret>${value})${VALUE_END}`;
}

/** A rule regex, case-insensitive when asked. */
export function re(source: string, insensitive = false): RegExp {
  return new RegExp(source, insensitive ? "i" : "");
}
