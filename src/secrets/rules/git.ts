// Source-hosting tokens: GitHub, GitLab, Bitbucket.
import type { SecretRule } from "../types.js";
import { assigned, END, re } from "./shape.js";

function github(id: string, prefix: string, title: string, body = "[A-Za-z0-9]{36}"): SecretRule {
  return {
    id,
    title,
    severity: "CRITICAL",
    keywords: [prefix],
    regex: re(String.raw`\b(?<secret>${prefix}${body})${END}`),
  };
}

function gitlab(id: string, prefix: string, title: string, body: string): SecretRule {
  return { id, title, severity: "CRITICAL", keywords: [prefix.toLowerCase()], regex: re(String.raw`\b(?<secret>${prefix}${body})${END}`) };
}

export const gitRules: SecretRule[] = [
  github("BW-SECRET-GITHUB-PAT", "ghp_", "GitHub personal access token (classic)"),
  github("BW-SECRET-GITHUB-FINE-GRAINED-PAT", "github_pat_", "GitHub fine-grained personal access token", "[A-Za-z0-9_]{82}"),
  github("BW-SECRET-GITHUB-OAUTH-TOKEN", "gho_", "GitHub OAuth access token"),
  github("BW-SECRET-GITHUB-USER-TO-SERVER-TOKEN", "ghu_", "GitHub App user-to-server token"),
  github("BW-SECRET-GITHUB-SERVER-TO-SERVER-TOKEN", "ghs_", "GitHub App installation (server-to-server) token"),
  github("BW-SECRET-GITHUB-REFRESH-TOKEN", "ghr_", "GitHub refresh token"),
  gitlab("BW-SECRET-GITLAB-PAT", "glpat-", "GitLab personal access token", String.raw`[A-Za-z0-9_-]{20,300}(?:\.[0-9a-z]{9})?`),
  gitlab("BW-SECRET-GITLAB-RUNNER-TOKEN", "glrt-", "GitLab runner authentication token", String.raw`(?:t\d_)?[A-Za-z0-9_-]{20,300}(?:\.[0-9a-z]{9})?`),
  gitlab("BW-SECRET-GITLAB-RUNNER-REGISTRATION-TOKEN", "GR1348941", "GitLab runner registration token", "[A-Za-z0-9_-]{20}"),
  gitlab("BW-SECRET-GITLAB-DEPLOY-TOKEN", "gldt-", "GitLab deploy token", "[A-Za-z0-9_-]{20}"),
  gitlab("BW-SECRET-GITLAB-PIPELINE-TRIGGER-TOKEN", "glptt-", "GitLab pipeline trigger token", "[0-9a-f]{40}"),
  gitlab("BW-SECRET-GITLAB-CI-JOB-TOKEN", "glcbt-", "GitLab CI/CD job token", "[0-9a-zA-Z]{1,5}_[0-9a-zA-Z_-]{20}"),
  {
    id: "BW-SECRET-BITBUCKET-APP-PASSWORD",
    title: "Bitbucket / Atlassian app password",
    severity: "HIGH",
    keywords: ["atbb"],
    regex: re(String.raw`\b(?<secret>ATBB[A-Za-z0-9_=.-]{28,})${END}`),
  },
  {
    id: "BW-SECRET-BITBUCKET-CLIENT-SECRET",
    title: "Bitbucket OAuth client secret",
    severity: "HIGH",
    keywords: ["bitbucket"],
    regex: re(assigned("bitbucket", "[a-z0-9=_-]{64}"), true),
    entropy: 3.5,
  },
];
