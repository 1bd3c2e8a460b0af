// Chat and collaboration: Slack, Discord, Telegram, Microsoft Teams.
import type { SecretRule } from "../types.js";
import { assigned, END, re } from "./shape.js";

export const chatRules: SecretRule[] = [
  {
    id: "BW-SECRET-SLACK-BOT-TOKEN",
    title: "Slack bot token",
    severity: "HIGH",
    keywords: ["xoxb-"],
    regex: re(String.raw`\b(?<secret>xoxb-\d{8,13}-[A-Za-z0-9-]{18,})${END}`),
  },
  {
    id: "BW-SECRET-SLACK-USER-TOKEN",
    title: "Slack user token",
    severity: "HIGH",
    keywords: ["xoxp-", "xoxa-", "xoxr-", "xoxs-", "xoxo-"],
    regex: re(String.raw`\b(?<secret>xox[paros]-(?:\d-)?[0-9]{8,13}-[A-Za-z0-9-]{18,})${END}`),
  },
  {
    id: "BW-SECRET-SLACK-CONFIG-TOKEN",
    title: "Slack configuration token",
    severity: "HIGH",
    keywords: ["xoxe"],
    regex: re(String.raw`\b(?<secret>xoxe(?:\.xox[bp])?-\d-[A-Za-z0-9]{140,170})${END}`),
  },
  {
    id: "BW-SECRET-SLACK-APP-TOKEN",
    title: "Slack app-level token",
    severity: "HIGH",
    keywords: ["xapp-"],
    regex: re(String.raw`\b(?<secret>xapp-\d-[A-Z0-9]+-\d+-[a-z0-9]{20,})${END}`, true),
  },
  {
    id: "BW-SECRET-SLACK-WEBHOOK",
    title: "Slack incoming webhook URL",
    severity: "MEDIUM",
    keywords: ["hooks.slack.com"],
    regex: re(String.raw`hooks\.slack\.com/(?:services|workflows|triggers)/(?<secret>[A-Za-z0-9+/_-]{20,80})`),
  },
  {
    id: "BW-SECRET-DISCORD-BOT-TOKEN",
    title: "Discord bot token",
    severity: "HIGH",
    keywords: ["discord"],
    regex: re(assigned("discord", String.raw`[MNO][A-Za-z\d_-]{23,27}\.[A-Za-z\d_-]{6}\.[A-Za-z\d_-]{27,40}`), true),
  },
  {
    id: "BW-SECRET-DISCORD-WEBHOOK",
    title: "Discord webhook URL",
    severity: "MEDIUM",
    keywords: ["/api/webhooks/"],
    regex: re(String.raw`discord(?:app)?\.com/api/webhooks/\d{17,20}/(?<secret>[A-Za-z0-9_-]{60,70})`),
  },
  {
    id: "BW-SECRET-TELEGRAM-BOT-TOKEN",
    title: "Telegram bot token",
    severity: "HIGH",
    keywords: [":aa"],
    regex: re(String.raw`(?<![\w:])(?<secret>\d{8,10}:AA[A-Za-z0-9_-]{33})${END}`),
  },
  {
    id: "BW-SECRET-TEAMS-WEBHOOK",
    title: "Microsoft Teams incoming webhook URL",
    severity: "MEDIUM",
    keywords: ["webhook.office.com"],
    regex: re(String.raw`webhook\.office\.com/webhookb2/(?<secret>[a-f0-9-]{36}@[a-f0-9-]{36}/IncomingWebhook/[a-f0-9]{32}/[a-f0-9-]{36})`),
  },
];
