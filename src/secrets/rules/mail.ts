// Messaging and e-mail APIs: Twilio, SendGrid, Mailgun, Mailchimp.
import type { SecretRule } from "../types.js";
import { assigned, END, re } from "./shape.js";

export const mailRules: SecretRule[] = [
  {
    id: "BW-SECRET-TWILIO-API-KEY",
    title: "Twilio API key",
    severity: "HIGH",
    // "sk" alone is in every other English word (task, disk); the hex digit after it is not.
    keywords: [..."0123456789abcdef"].map((c) => `sk${c}`),
    regex: re(String.raw`\b(?<secret>SK[0-9a-f]{32})\b`),
    entropy: 3,
  },
  {
    id: "BW-SECRET-TWILIO-AUTH-TOKEN",
    title: "Twilio auth token",
    severity: "HIGH",
    keywords: ["twilio"],
    regex: re(assigned(String.raw`twilio[\w.-]{0,20}?(?:auth|token|secret)`, "[a-f0-9]{32}"), true),
    entropy: 3,
  },
  {
    id: "BW-SECRET-SENDGRID-API-KEY",
    title: "SendGrid API key",
    severity: "HIGH",
    keywords: ["sg."],
    regex: re(String.raw`\b(?<secret>SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43})${END}`),
  },
  {
    id: "BW-SECRET-MAILGUN-API-KEY",
    title: "Mailgun private API key",
    severity: "HIGH",
    keywords: ["mailgun", "key-"],
    regex: re(String.raw`\b(?<secret>key-[0-9a-f]{32})${END}`),
    // A bare "key-<hex>" is common in other contexts; ask for Mailgun nearby.
    confirm: (_s, line, ctx) => /mailgun/i.test(line) || /mailgun/i.test(ctx.text.slice(0, 65536)),
    entropy: 3,
  },
  {
    id: "BW-SECRET-MAILCHIMP-API-KEY",
    title: "Mailchimp API key",
    severity: "HIGH",
    keywords: ["-us"],
    regex: re(String.raw`\b(?<secret>[0-9a-f]{32}-us\d{1,2})${END}`),
    entropy: 3,
  },
];
