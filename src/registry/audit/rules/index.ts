// The audit rules, one line each (ids in order).
import type { AuditRule } from "../types.js";
import { plainHttp } from "./plain-http.js";
import { tlsUntrusted } from "./tls-untrusted.js";
import { tlsExpired } from "./tls-expired.js";
import { tlsHostname } from "./tls-hostname.js";
import { tlsLegacy } from "./tls-legacy.js";
import { tokenRealmHttp } from "./token-realm-http.js";
import { anonymousPull } from "./anonymous-pull.js";
import { anonymousCatalog } from "./anonymous-catalog.js";
import { anonymousPush } from "./anonymous-push.js";
import { deletesEnabled } from "./deletes-enabled.js";
import { apiVersionHeader } from "./api-version-header.js";
import { serverBanner } from "./server-banner.js";
import { basicAuthHttp } from "./basic-auth-http.js";

export const auditRules: readonly AuditRule[] = [
  plainHttp,
  tlsUntrusted,
  tlsExpired,
  tlsHostname,
  tlsLegacy,
  tokenRealmHttp,
  anonymousPull,
  anonymousCatalog,
  anonymousPush,
  deletesEnabled,
  apiVersionHeader,
  serverBanner,
  basicAuthHttp,
];
