// Credentials in connection strings, login files and tokens: database URLs, .netrc,
// kubeconfig tokens, JWTs.
import type { SecretRule } from "../types.js";
import { END, re } from "./shape.js";

function dbUrl(id: string, schemes: string, title: string, keywords: string[]): SecretRule {
  return {
    id,
    title,
    severity: "HIGH",
    keywords,
    regex: re(String.raw`\b(?:${schemes})://[^:@/\s"'\x60]{1,100}:(?<secret>[^@/\s"'\x60]{1,200})@[^\s"'\x60]`, true),
    // The password part is often a template: postgres://user:${DB_PASSWORD}@host.
    generic: true,
  };
}

export const accessRules: SecretRule[] = [
  dbUrl("BW-SECRET-POSTGRES-URL", "postgres(?:ql)?(?:\\+\\w+)?", "PostgreSQL connection URL with a password", ["postgres"]),
  dbUrl("BW-SECRET-MYSQL-URL", "mysql(?:\\+\\w+)?|mariadb", "MySQL/MariaDB connection URL with a password", ["mysql", "mariadb"]),
  dbUrl("BW-SECRET-MONGODB-URL", "mongodb(?:\\+srv)?", "MongoDB connection URL with a password", ["mongodb"]),
  dbUrl("BW-SECRET-REDIS-URL", "rediss?", "Redis connection URL with a password", ["redis"]),
  dbUrl("BW-SECRET-AMQP-URL", "amqps?", "AMQP (RabbitMQ) connection URL with a password", ["amqp"]),
  dbUrl("BW-SECRET-MSSQL-URL", "mssql|sqlserver", "SQL Server connection URL with a password", ["mssql", "sqlserver"]),
  {
    // Any other scheme (https, ftp, git+https, ldap, smtp, …). After the specific URL rules and
    // after the token rules, which claim a token used as the user or password first.
    id: "BW-SECRET-URL-CREDENTIALS",
    title: "Credentials in a URL (user:password@host)",
    severity: "HIGH",
    keywords: ["://"],
    regex: re(String.raw`\b[a-z][a-z0-9+.-]{1,20}://[^\s:/?#@"'\x60<>]{1,100}:(?<secret>[^\s:/?#@"'\x60<>]{3,200})@[A-Za-z0-9[]`, true),
    // Constant passwords of token logins, and the usual stand-ins.
    allow: [/^(?:x-oauth-basic|x-access-token|anonymous|guest|pass(?:word)?|passwd|pwd|secret|user|admin|root|none|null|\*+|x+)$/i],
    generic: true,
  },
  {
    id: "BW-SECRET-NETRC-PASSWORD",
    title: "Password in a .netrc file",
    severity: "HIGH",
    keywords: ["password"],
    regex: re(String.raw`(?:^|\s)password\s+(?<secret>\S+)`),
    path: /(?:^|\/)[._]netrc$/,
    generic: true,
  },
  {
    id: "BW-SECRET-NETRC-LINE",
    title: "Inline .netrc credentials",
    severity: "HIGH",
    keywords: ["machine"],
    regex: re(String.raw`\bmachine\s+\S+\s+login\s+\S+\s+password\s+(?<secret>\S+)`),
    generic: true,
  },
  {
    id: "BW-SECRET-KUBECONFIG-TOKEN",
    title: "Bearer token in a kubeconfig",
    severity: "CRITICAL",
    keywords: ["token:"],
    regex: re(String.raw`^\s*(?:-\s+)?token:\s*["']?(?<secret>[A-Za-z0-9._~+/=-]{20,})["']?\s*$`),
    fileContext: /^kind:\s*["']?Config\b|^users:\s*$/m,
    generic: true,
  },
  {
    id: "BW-SECRET-JWT",
    title: "JSON Web Token",
    severity: "MEDIUM",
    keywords: ["eyj"],
    regex: re(String.raw`\b(?<secret>eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{16,})${END}`),
    entropy: 3.5,
  },
];
