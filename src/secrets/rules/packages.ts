// Package registries and container registries: npm, PyPI, RubyGems, NuGet, Docker.
import type { SecretRule } from "../types.js";
import { END, re, START } from "./shape.js";

/** A Docker `auth` value is base64 of `user:password`. */
function isBasicAuth(b64: string): boolean {
  const decoded = Buffer.from(b64, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  return colon > 0 && colon < decoded.length - 1 && /^[\x20-\x7e]+$/.test(decoded);
}

export const packageRules: SecretRule[] = [
  {
    id: "BW-SECRET-NPM-TOKEN",
    title: "npm access token",
    severity: "CRITICAL",
    keywords: ["npm_"],
    regex: re(String.raw`\b(?<secret>npm_[A-Za-z0-9]{36})${END}`),
  },
  {
    id: "BW-SECRET-NPMRC-AUTH-TOKEN",
    title: "npm registry auth token in .npmrc",
    severity: "CRITICAL",
    keywords: ["_authtoken"],
    regex: re(String.raw`_authToken\s*=\s*["']?(?<secret>[^\s"']{8,})`),
    generic: true,
  },
  {
    id: "BW-SECRET-NPMRC-BASIC-AUTH",
    title: "npm registry password in .npmrc",
    severity: "HIGH",
    keywords: ["_auth", "_password"],
    regex: re(String.raw`(?:^|:)_(?:auth|password)\s*=\s*["']?(?<secret>[A-Za-z0-9+/=]{8,})`),
    generic: true,
  },
  {
    id: "BW-SECRET-PYPI-TOKEN",
    title: "PyPI upload token",
    severity: "CRITICAL",
    keywords: ["pypi-ageichlwas5vcmc", "pypi-agendgvzdc5wexbplm9yzw"],
    regex: re(String.raw`\b(?<secret>pypi-(?:AgEIcHlwaS5vcmc|AgENdGVzdC5weXBpLm9yZw)[A-Za-z0-9_-]{50,1000})${END}`),
  },
  {
    id: "BW-SECRET-RUBYGEMS-API-KEY",
    title: "RubyGems API key",
    severity: "HIGH",
    keywords: ["rubygems_"],
    regex: re(String.raw`\b(?<secret>rubygems_[a-f0-9]{48})${END}`),
  },
  {
    id: "BW-SECRET-NUGET-API-KEY",
    title: "NuGet API key",
    severity: "HIGH",
    keywords: ["oy2"],
    regex: re(String.raw`${START}(?<secret>oy2[a-z0-9]{43})${END}`),
    entropy: 3.5,
  },
  {
    id: "BW-SECRET-DOCKER-CONFIG-AUTH",
    title: "Registry credentials in a Docker config (auths)",
    severity: "HIGH",
    keywords: ['"auth"'],
    regex: re(String.raw`"auth"\s*:\s*"(?<secret>[A-Za-z0-9+/]{8,}={0,2})"`),
    confirm: (secret) => isBasicAuth(secret),
  },
];
