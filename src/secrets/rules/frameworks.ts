// Secrets of web frameworks: the key that signs sessions and cookies. Whoever has it can forge a
// logged-in session (and, with some serialisers, run code). Each rule checks entropy and skips
// placeholders; Django's generated `django-insecure-…` keys are real keys and are reported.
import type { SecretRule } from "../types.js";
import { re } from "./shape.js";

// A quoted Python string, optionally the default of an environment lookup:
// SECRET_KEY = '…', SECRET_KEY = os.environ.get("SECRET_KEY", '…'), env("X", default='…').
const PY_VALUE = String.raw`\s*=\s*(?:[\w.]+\(\s*["']\w+["']\s*,\s*(?:default\s*=\s*)?)?[rbu]?(["'])(?<secret>[^"'\s\\]{16,200})\1`;

const DJANGO_SETTINGS = /(?:^|\/)(?:[\w-]*settings[\w-]*\.py|settings\/[\w-]+\.py)$/;
const PLACEHOLDER = /^(?:(?:django-insecure-)?(?:change|replace|insert|set|put|add|enter|generate)[-_ ]?(?:me|this|it|your)|your[-_]|my[-_]?secret|secret[-_]?key|not[-_]?(?:a[-_]?)?secret|insecure[-_]?key)/i;

export const frameworkRules: SecretRule[] = [
  {
    id: "BW-SECRET-DJANGO-SECRET-KEY",
    title: "Django SECRET_KEY",
    severity: "HIGH",
    keywords: ["secret_key"],
    regex: re(String.raw`^\s*SECRET_KEY${PY_VALUE}`),
    path: /\.py$/,
    entropy: 3.5,
    allow: [PLACEHOLDER],
    // A settings module, or a file that is about Django.
    confirm: (_s, _line, ctx) => (ctx.path !== null && DJANGO_SETTINGS.test(ctx.path)) || /\bdjango\b|\bINSTALLED_APPS\b|\bROOT_URLCONF\b/.test(ctx.text),
  },
  {
    id: "BW-SECRET-FLASK-SECRET-KEY",
    title: "Flask secret key",
    severity: "HIGH",
    keywords: ["secret_key"],
    regex: re(String.raw`(?:\bapp\.secret_key|\bconfig\[\s*["']SECRET_KEY["']\s*\]|\bSECRET_KEY)${PY_VALUE}`),
    path: /\.py$/,
    entropy: 3.2,
    allow: [PLACEHOLDER],
    // app.secret_key and app.config["SECRET_KEY"] are Flask's own; a bare SECRET_KEY = '…' only
    // in a file that is about Flask.
    confirm: (_s, line, ctx, start) => /app\.secret_key|config\[/.test(line.slice(0, start)) || /\bflask\b/i.test(ctx.text),
  },
  {
    id: "BW-SECRET-RAILS-SECRET-KEY-BASE",
    title: "Rails secret_key_base",
    severity: "HIGH",
    keywords: ["secret_key_base"],
    // secrets.yml / credentials (`secret_key_base: …`), env (`SECRET_KEY_BASE=…`), Ruby (`=> "…"`).
    regex: re(String.raw`\bsecret_key_base["']?\s*(?::|=>|=)\s*["']?(?<secret>[A-Za-z0-9_+/=-]{30,256})(?=$|[\s"',;}])`, true),
    entropy: 3.0,
  },
  {
    id: "BW-SECRET-LARAVEL-APP-KEY",
    title: "Laravel APP_KEY",
    severity: "HIGH",
    keywords: ["app_key"],
    // `php artisan key:generate` writes base64: and 32 random bytes; a raw 32-character key also works.
    regex: re(String.raw`\bAPP_KEY\s*=\s*["']?(?<secret>base64:[A-Za-z0-9+/]{40,88}={0,2}|[^\s"'#$]{32})(?=$|[\s"'#])`),
    entropy: 3.5,
  },
];
