// Heuristics for credential-looking names and values, shared by the env and ConfigMap rules.
export const SECRET_NAME = /(pass(word|wd)?|secret|token|api[_-]?key|private[_-]?key|access[_-]?key|credential|auth[_-]?key|client[_-]?secret)(?![a-z])/i;

/** Names that mention a secret but hold a reference, not the secret itself. */
const NOT_A_SECRET = /(_|-)?(file|path|dir|url|uri|name|user(name)?|ref|key[_-]?id|id|enabled|length|policy|secret[_-]?name)$/i;

export function looksSecretName(name: string): boolean {
  return SECRET_NAME.test(name) && !NOT_A_SECRET.test(name);
}

/** A literal value worth reporting: not empty, not a placeholder or variable reference. */
export function isLiteralSecret(value: string): boolean {
  const v = value.trim();
  if (v.length < 4) return false;
  if (/^\$\{?[A-Za-z_][A-Za-z0-9_]*\}?$|^\$\(.+\)$|^\{\{.*\}\}$|^<.*>$/.test(v)) return false;
  if (/^(changeme|change-me|xxx+|\*+|redacted|none|null|true|false|placeholder)$/i.test(v)) return false;
  return true;
}

/** `KEY=value` lines inside a larger text (a ConfigMap's file content). */
export function secretAssignments(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*[=:]\s*["']?([^"'\s#]*)/gm)) {
    if (looksSecretName(m[1]!) && isLiteralSecret(m[2]!)) out.push(m[1]!);
  }
  return out;
}
