// Google Cloud credentials.
import type { SecretRule } from "../types.js";
import { knownValues } from "../allow.js";
import { GOOGLE_PUBLIC_API_KEYS } from "./known-public.js";
import { END, re } from "./shape.js";

export const gcpRules: SecretRule[] = [
  {
    // Listed before the PEM rules so the key inside a key file is reported as what it is.
    id: "BW-SECRET-GCP-SERVICE-ACCOUNT",
    title: "Google Cloud service account key file",
    severity: "CRITICAL",
    keywords: ["private_key"],
    regex: re(String.raw`"private_key"\s*:\s*"(?<secret>-----BEGIN[^"]{40,})"`),
    fileContext: /"type"\s*:\s*"service_account"/,
  },
  {
    id: "BW-SECRET-GCP-API-KEY",
    title: "Google Cloud API key",
    severity: "HIGH",
    keywords: ["aiza"],
    regex: re(String.raw`\b(?<secret>AIza[0-9A-Za-z_-]{35})${END}`),
    allow: [knownValues(GOOGLE_PUBLIC_API_KEYS)],
  },
  {
    id: "BW-SECRET-GCP-OAUTH-CLIENT-SECRET",
    title: "Google OAuth client secret",
    severity: "HIGH",
    keywords: ["gocspx-"],
    regex: re(String.raw`\b(?<secret>GOCSPX-[A-Za-z0-9_-]{28})${END}`),
  },
];
