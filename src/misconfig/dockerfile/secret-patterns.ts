// Names and values that look like credentials. Shared by the Dockerfile and image-config rules.

const SECRET_NAME = /(?:PASSWORD|PASSWD|PASSPHRASE|SECRET|TOKEN|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|CREDENTIALS?|AUTH_?KEY|CLIENT_?SECRET|_PWD$|^PWD_)/i;
// Names that point at a secret rather than hold one.
const SECRET_REFERENCE = /(?:_FILE|_PATH|_DIR|_URL|_URI|_ENDPOINT|_LENGTH|_TTL|_EXPIRY|_HEADER|_NAME|_ID|_TYPE|_ENABLED|_REGION)$/i;

const SECRET_VALUES: { name: string; re: RegExp }[] = [
  { name: "AWS access key id", re: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/ },
  { name: "GitHub token", re: /\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{40,})\b/ },
  { name: "GitLab token", re: /\bglpat-[A-Za-z0-9_-]{20,}\b/ },
  { name: "Slack token", re: /\bxox[abprs]-[A-Za-z0-9-]{10,}\b/ },
  { name: "Stripe live key", re: /\b[sr]k_live_[A-Za-z0-9]{20,}\b/ },
  { name: "Google API key", re: /\bAIza[0-9A-Za-z_-]{35}\b/ },
  { name: "private key", re: /-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----/ },
  { name: "npm token", re: /\bnpm_[A-Za-z0-9]{36}\b/ },
  { name: "credentials in a URL", re: /\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:[^\s@/$]{3,}@/i },
];

/** True for names like DB_PASSWORD or GITHUB_TOKEN, false for PASSWORD_FILE or TOKEN_URL. */
export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name) && !SECRET_REFERENCE.test(name);
}

/** The kind of credential a value contains, or null. */
export function secretValueKind(value: string): string | null {
  for (const p of SECRET_VALUES) if (p.re.test(value)) return p.name;
  return null;
}

/** A value that merely refers to something else ($VAR, empty, a placeholder) is not a secret. */
export function isPlaceholder(value: string | null | undefined): boolean {
  if (value === null || value === undefined) return true;
  const v = value.trim();
  return v === "" || /^\$\{?[A-Za-z_][A-Za-z0-9_]*(?::?[-=?][^}]*)?\}?$/.test(v) || /^(?:changeme|x+|\*+|none|null|false|true|<[^>]*>)$/i.test(v);
}
