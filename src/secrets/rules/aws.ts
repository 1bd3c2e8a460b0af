// Amazon Web Services credentials.
import type { SecretRule } from "../types.js";
import { assigned, END, re, START } from "./shape.js";

export const awsRules: SecretRule[] = [
  {
    id: "BW-SECRET-AWS-ACCESS-KEY",
    title: "AWS access key ID",
    severity: "HIGH",
    keywords: ["akia", "asia", "abia", "acca", "a3t"],
    regex: re(String.raw`\b(?<secret>(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z2-7]{16})\b`),
  },
  {
    id: "BW-SECRET-AWS-SECRET-KEY",
    title: "AWS secret access key",
    severity: "CRITICAL",
    keywords: ["secret_access_key", "secretaccesskey", "secret-access-key", "aws_secret", "aws-secret", "awssecret"],
    regex: re(assigned(String.raw`aws[_-]?secret(?:[_-]?access)?(?:[_-]?key)?|secret[_-]?access[_-]?key`, String.raw`[A-Za-z0-9/+]{40}`), true),
    entropy: 3.5,
  },
  {
    id: "BW-SECRET-AWS-SESSION-TOKEN",
    title: "AWS session token",
    severity: "HIGH",
    keywords: ["session_token", "sessiontoken", "session-token", "security_token", "security-token"],
    regex: re(assigned(String.raw`aws[_-]?session[_-]?token|aws[_-]?security[_-]?token|x-amz-security-token|sessiontoken`, String.raw`[A-Za-z0-9/+=]{100,2000}`), true),
    entropy: 4,
  },
  {
    id: "BW-SECRET-AWS-BEDROCK-API-KEY",
    title: "Amazon Bedrock API key",
    severity: "HIGH",
    keywords: ["absk"],
    regex: re(String.raw`\b(?<secret>ABSK[A-Za-z0-9+/]{109,269}={0,2})${END}`),
  },
  {
    id: "BW-SECRET-AWS-MWS-KEY",
    title: "Amazon MWS auth token",
    severity: "HIGH",
    keywords: ["amzn.mws."],
    regex: re(String.raw`${START}(?<secret>amzn\.mws\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\b`),
  },
];
