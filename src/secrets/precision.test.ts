// Precision of the generic rules (literal values only, quiet in library documentation), the
// framework and URL rules, the recall of every specific rule in library trees, and redaction.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { isLibraryPath, Redactor, scanKeyValues, scanText, secretRules } from "./index.js";
import { gen, samples } from "./samples.test-support.js";

const j = (...parts: string[]): string => parts.join("");
const ids = (text: string, path: string): string[] => scanText(text, path).map((f) => f.ruleId);

const FIXTURE = new URL("./testdata/debian-clean/rootfs/", import.meta.url).pathname;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : [p];
  });
}

describe("real Debian library files that used to be false positives", () => {
  const all = files(FIXTURE);
  it("has the fixture (src/secrets/testdata/debian-clean, see SOURCE.txt)", () => {
    expect(all.length).toBe(9);
  });
  for (const file of all) {
    const path = "/" + relative(FIXTURE, file);
    it(`no finding in ${path}`, () => {
      expect(scanText(readFileSync(file, "utf8"), path)).toEqual([]);
    });
  }
});

describe("generic rules report literal values only", () => {
  const negatives: [string, string, string][] = [
    ["dependency range", "app/package.json", '    "js-tokens": "^4.0.0",'],
    ["dependency range with ||", "app/package.json", '    "js-tokens": "^3.0.0 || ^4.0.0",'],
    ["conditional range (Babel)", "usr/share/nodejs/@babel/highlight/package.json", '    "js-tokens": "condition:BABEL_8_BREAKING ? ^8.0.0 : ^4.0.0"'],
    ["aliased dependency", "app/package.json", '    "tokens-lib": "npm:tokens@^1.2.3"'],
    ["range in YAML", "app/pnpm-lock.yaml", "  secret-handshake: ^1.1.20"],
    ["identifier in Ruby", "app/lib/markup.rb", "      tokens = text"],
    ["identifier in Ruby (bare)", "app/lib/parser.rb", "    token = get_tk"],
    ["call in Ruby", "app/lib/lock.rb", "    tokenizer = Gem::RequestSet::Lockfile::Tokenizer.from_file lock_file"],
    ["scope access", "app/lib/auth.rb", "  htpasswd = WEBrick::HTTPAuth::Htpasswd.new 'my_password_file'"],
    ["member access", "app/lib/auth.rb", "  uri.password = password2"],
    ["identifier in JS", "app/src/config.js", "    pass: PASS_NAME_FIXME2"],
    ["call in Python", "app/app/conf.py", "PASSWORD = os.getenv('APP_PASSWORD2')"],
    ["interpolation", "app/app/conf.py", 'token = f"{prefix}abc123"'],
    ["ruby interpolation", "app/app/conf.rb", 'token = "#{prefix}abc123def"'],
    ["python format", "etc/app.ini", "password = %(db_password)s"],
    ["env template", "app/.env", "DB_PASSWORD=${DB_PASSWORD}"],
    ["angle placeholder", "app/.env", "API_TOKEN=<token>"],
    ["placeholder words", "app/config.yml", 'password: "your-password"'],
    ["changeme", "app/config.yml", "password: changeme"],
    ["xxxxx", "app/.env", "API_KEY=xxxxxxxxxxxxxxxx"],
    ["example", "app/.env", "SECRET=example-secret-value1"],
    ["path", "etc/app.yml", "password_file: /run/secrets/db_password1"],
    ["words in a quoted phrase", "app/config.py", 'password = "correct horse battery staple 1"'],
    ["unquoted in JSON", "app/config.json", '  "token": tokenValue123,'],
    // Real lines of Debian 12 packages (python3-cryptography 38.0.4-3+deb12u1, eslint 6.4.0~dfsg+~6.1.9-7):
    // a quoted type annotation, and a key mapped to its own name.
    ["type annotation in Python", "usr/lib/python3/dist-packages/cryptography/hazmat/backends/openssl/ec.py", '    backend: "Backend", private_key: "_EllipticCurvePrivateKey", data: bytes'],
    ["name mapped to itself in JS", "usr/share/nodejs/eslint/lib/linter/linter.js", '    getTokenByRangeStart: "getTokenByRangeStart",'],
    ["constant name in YAML", "app/config.yml", "token: MAX_TOKEN_LENGTH_REACHED"],
  ];
  for (const [name, path, line] of negatives) {
    it(`no finding: ${name}`, () => {
      expect(scanText(line, path)).toEqual([]);
    });
  }

  const pw = j(gen("an", 14), "7");
  const positives: [string, string, string, string][] = [
    ["quoted in Python", "app/app/settings.py", `DB_PASSWORD = "${pw}"`, "BW-SECRET-GENERIC-PASSWORD"],
    ["quoted in JS", "app/src/config.js", `  token: '${pw}',`, "BW-SECRET-GENERIC-TOKEN"],
    ["bare in .env", "app/.env", `DB_PASSWORD=${pw}`, "BW-SECRET-GENERIC-PASSWORD"],
    ["bare in YAML", "app/config/db.yml", `  password: ${pw}`, "BW-SECRET-GENERIC-PASSWORD"],
    ["bare in INI", "etc/app/app.ini", `secret = ${pw}`, "BW-SECRET-GENERIC-SECRET"],
    ["bare in a shell script", "app/run.sh", `export API_TOKEN=${pw}`, "BW-SECRET-GENERIC-TOKEN"],
    ["quoted in library code (not a comment)", "usr/lib/python3/dist-packages/acme/conf.py", `API_KEY = "${pw}"`, "BW-SECRET-GENERIC-API-KEY"],
    ["commented out in application code", "app/app/settings.py", `# DB_PASSWORD = "${pw}"`, "BW-SECRET-GENERIC-PASSWORD"],
    ["letters only, random", "app/config.yml", "  token: qZxWvKpLmTrNbHgFdSaJcYe", "BW-SECRET-GENERIC-TOKEN"],
  ];
  for (const [name, path, line, rule] of positives) {
    it(`finds: ${name}`, () => {
      expect(ids(line, path)).toEqual([rule]);
    });
  }

  it("finds bare values in image env and history lines", () => {
    const f = scanKeyValues([
      { key: "DB_PASSWORD", value: pw, where: "config: Env" },
      { key: "history[2]", value: `RUN |1 API_TOKEN=${pw} /bin/sh -c make && make install # buildkit`, where: "config: history[2]" },
    ]);
    expect(f.map((x) => x.ruleId)).toEqual(["BW-SECRET-GENERIC-PASSWORD", "BW-SECRET-GENERIC-TOKEN"]);
  });
});

describe("generic rules are quiet in library documentation", () => {
  const pw = j(gen("an", 14), "7");
  const cases: [string, string, string][] = [
    ["Ruby doc comment", "usr/lib/ruby/3.1.0/uri/generic.rb", `    #   uri.password = "${pw}"`],
    ["Ruby =begin block", "usr/lib/ruby/vendor_ruby/acme.rb", `x = 1\n=begin\n  password = "${pw}"\n=end\n`],
    ["Python docstring", "usr/lib/python3.11/smtplib.py", `def login(user, password):\n    """Log in.\n\n    password = "${pw}"\n    """\n    return 1\n`],
    ["Python comment", "usr/lib/python3/dist-packages/acme/x.py", `# api_key = "${pw}"`],
    ["JSDoc", "usr/share/nodejs/acme/index.js", ` * @example client({ token: "${pw}" })`],
    ["line comment in node_modules", "app/node_modules/acme/lib/x.js", `// secret: "${pw}"`],
    ["gem README", "var/lib/gems/3.1.0/gems/acme-1.0/README.md", `    password: ${pw}`],
    ["site-packages doc", "usr/local/lib/python3.12/site-packages/acme/README.rst", `  token = "${pw}"`],
  ];
  for (const [name, path, text] of cases) {
    it(`quiet: ${name}`, () => {
      expect(isLibraryPath(path)).toBe(true);
      expect(scanText(text, path)).toEqual([]);
    });
  }
  it("the same lines outside library trees are reported", () => {
    expect(ids(`# api_key = "${pw}"`, "app/acme/x.py")).toEqual(["BW-SECRET-GENERIC-API-KEY"]);
    expect(ids(`def f():\n    """Doc."""\n    password = "${pw}"\n`, "usr/lib/python3.11/acme.py")).toEqual(["BW-SECRET-GENERIC-PASSWORD"]);
  });
});

describe("specific rules keep their recall in library trees, code and comments", () => {
  const all = samples();
  const LIBRARY = ["usr/lib/python3.11/site-packages/pkg/conf.py", "usr/share/nodejs/pkg/index.js", "usr/lib/ruby/3.1.0/pkg/conf.rb", "app/node_modules/pkg/lib/x.js"];
  for (const rule of secretRules.filter((r) => !r.generic && !r.path && !r.confirm?.toString().includes("ctx.path"))) {
    const sample = all[rule.id]!;
    if (sample.path) continue;
    it(`${rule.id} in library trees`, () => {
      for (const p of LIBRARY) expect(ids(sample.text, p), p).toContain(rule.id);
      // One-line formats also inside a doc comment.
      if (!sample.text.trim().includes("\n")) expect(ids(`# ${sample.text}`, "usr/lib/ruby/3.1.0/pkg/doc.rb")).toContain(rule.id);
    });
  }
});

describe("framework secrets", () => {
  const django = (v: string): string => `from django.conf import settings\nSECRET_KEY = '${v}'\n`;
  const key50 = gen("django", 50);
  it("Django: settings modules and Django files, including generated django-insecure- keys", () => {
    expect(ids(django(key50), "srv/site/app/views.py")).toEqual(["BW-SECRET-DJANGO-SECRET-KEY"]);
    expect(ids(`SECRET_KEY = "django-insecure-${key50}"\n`, "srv/site/site/settings/production.py")).toEqual(["BW-SECRET-DJANGO-SECRET-KEY"]);
    expect(ids(`SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "${key50}")\n`, "srv/site/site/settings.py")).toEqual(["BW-SECRET-DJANGO-SECRET-KEY"]);
    const f = scanText(django(key50), "srv/site/site/settings.py");
    expect(f[0]!.match).toBe("SECRET_KEY = '*****'");
  });
  it("Django: no finding for lookups, placeholders and weak strings", () => {
    for (const line of [
      "SECRET_KEY = os.environ['SECRET_KEY']",
      "SECRET_KEY = env('SECRET_KEY')",
      "SECRET_KEY = 'django-insecure-change-me-please'",
      "SECRET_KEY = 'your-secret-key-here-1234'",
      "SECRET_KEY = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'",
      "SECRET_KEY = get_random_secret_key()",
    ])
      expect(scanText(`import django\n${line}\n`, "srv/site/site/settings.py"), line).toEqual([]);
  });
  it("Flask: app.secret_key, app.config['SECRET_KEY'], SECRET_KEY in a Flask file", () => {
    const k = gen("hex", 48);
    expect(ids(`app.secret_key = '${k}'`, "srv/app/app.py")).toEqual(["BW-SECRET-FLASK-SECRET-KEY"]);
    expect(ids(`app.config["SECRET_KEY"] = "${k}"`, "srv/app/__init__.py")).toEqual(["BW-SECRET-FLASK-SECRET-KEY"]);
    expect(ids(`from flask import Flask\nclass Config:\n    SECRET_KEY = "${k}"\n`, "srv/app/config.py")).toEqual(["BW-SECRET-FLASK-SECRET-KEY"]);
    for (const line of ["app.secret_key = os.urandom(24)", "app.secret_key = 'dev'", "app.config['SECRET_KEY'] = os.environ['SECRET_KEY']", "app.secret_key = 'change-me-in-production'"])
      expect(scanText(line, "srv/app/app.py"), line).toEqual([]);
  });
  it("Rails: secrets.yml, env and Ruby", () => {
    const k = gen("hex", 128);
    expect(ids(`production:\n  secret_key_base: ${k}\n`, "srv/app/config/secrets.yml")).toEqual(["BW-SECRET-RAILS-SECRET-KEY-BASE"]);
    expect(scanKeyValues([{ key: "SECRET_KEY_BASE", value: k, where: "config: Env" }]).map((f) => f.ruleId)).toEqual(["BW-SECRET-RAILS-SECRET-KEY-BASE"]);
    expect(ids(`config.secret_key_base = "${k}"`, "srv/app/config/application.rb")).toEqual(["BW-SECRET-RAILS-SECRET-KEY-BASE"]);
    for (const line of ['  secret_key_base: <%= ENV["SECRET_KEY_BASE"] %>', "  secret_key_base: <%= Rails.application.credentials.secret_key_base %>", "config.secret_key_base = ENV.fetch('SECRET_KEY_BASE')", `  secret_key_base: ${"0".repeat(128)}`])
      expect(scanText(line, "srv/app/config/secrets.yml"), line).toEqual([]);
  });
  it("Laravel: APP_KEY=base64:… in .env", () => {
    const k = gen("b64", 43) + "=";
    const f = scanText(`APP_NAME=Laravel\nAPP_KEY=base64:${k}\n`, "var/www/html/.env");
    expect(f.map((x) => [x.ruleId, x.line, x.match])).toEqual([["BW-SECRET-LARAVEL-APP-KEY", 2, "APP_KEY=*****"]]);
    for (const line of ["APP_KEY=", "APP_KEY=base64:", `APP_KEY=base64:${"A".repeat(43)}=`, "APP_KEY=${LARAVEL_KEY}", "APP_KEY=SomeRandomString"])
      expect(scanText(line, "var/www/html/.env"), line).toEqual([]);
  });
});

describe("credentials in URLs", () => {
  const pat = j("gh", "p_", gen("an", 36));
  it("a GitHub token used as the URL user is found by the GitHub rule", () => {
    const f = scanText(`git clone https://${pat}@github.com/acme/app.git`, "src/build.sh");
    expect(f.map((x) => [x.ruleId, x.match])).toEqual([["BW-SECRET-GITHUB-PAT", "git clone https://*****@github.com/acme/app.git"]]);
    expect(ids(`https://${pat}:x-oauth-basic@github.com/acme/app`, "x.sh")).toEqual(["BW-SECRET-GITHUB-PAT"]);
    expect(ids(`https://x-access-token:${pat}@github.com/acme/app`, "x.sh")).toEqual(["BW-SECRET-GITHUB-PAT"]);
  });
  it("user:password@ in any scheme", () => {
    const pw = j(gen("an", 16), "4");
    for (const url of [`https://deploy:${pw}@git.acme.io/app.git`, `ftp://backup:${pw}@files.acme.io/`, `git+https://ci:${pw}@gitlab.acme.io/x.git`, `ldaps://cn=admin:${pw}@ldap.acme.io`])
      expect(ids(`URL=${url}`, "app/.env"), url).toEqual(["BW-SECRET-URL-CREDENTIALS"]);
    expect(scanText(`PIP_INDEX_URL=https://ci:${pw}@pypi.acme.io/simple`, "app/.env")[0]!.match).toBe("PIP_INDEX_URL=https://ci:*****@pypi.acme.io/simple");
  });
  it("no finding for templates, token logins and stand-ins", () => {
    for (const url of [
      "https://user:${PASSWORD}@host/x",
      "https://x-access-token:$GITHUB_TOKEN@github.com/acme/app",
      "https://user:password@example.com/",
      "ftp://anonymous:guest@ftp.acme.io/",
      "http://user:@host/",
      "git@github.com:acme/app.git",
      "https://user:<password>@host/",
      "https://%s:%s@%s/",
    ])
      expect(scanText(`url = ${url}`, "app/config.yml"), url).toEqual([]);
  });
});

describe("Redactor", () => {
  const s = j("gh", "p_", gen("an", 36));
  it("replaces every copy and cut-off heads before an ellipsis or at the end", () => {
    const r = new Redactor([s, "ab"]);
    expect(r.redact(`a ${s} b ${s}`)).toBe("a ***** b *****");
    expect(r.redact(`curl https://x.io/?t=${s.slice(0, 12)}...`)).toBe("curl https://x.io/?t=*****...");
    expect(r.redact(`step: ${s.slice(0, 9)}\u2026 done`)).toBe("step: *****\u2026 done");
    expect(r.redact(`ends with ${s.slice(0, 20)}`)).toBe("ends with *****");
    // Strings shorter than 3 characters are not treated as secrets; other text is untouched.
    expect(r.redact("ab is a short word")).toBe("ab is a short word");
    expect(r.redact("ghp is a prefix, gh... too")).toBe("ghp is a prefix, gh... too");
    expect(r.redact(`a word ending like the secret: ${s.slice(0, 6)}`)).toBe(`a word ending like the secret: ${s.slice(0, 6)}`);
    expect(new Redactor([]).empty).toBe(true);
  });
  it("replaces short secrets (a weak password in a URL) only as a whole word", () => {
    const r = new Redactor(["pw1", "abc.d"]);
    expect(r.redact("git clone https://ci:pw1@git.acme.io/x")).toBe("git clone https://ci:*****@git.acme.io/x");
    expect(r.redact("pw12 xpw1 abc.d abcxd")).toBe("pw12 xpw1 ***** abcxd");
    expect(new Redactor(["ab"]).empty).toBe(true);
  });
  it("replaces the longest secret first", () => {
    const inner = s.slice(4, 20);
    expect(new Redactor([inner, s]).redact(`x=${s}`)).toBe("x=*****");
  });
  it("scanText and scanKeyValues hand over the detected strings", () => {
    const found = new Set<string>();
    scanText(`GITHUB_TOKEN=${s}\n`, "app/.env", found);
    scanKeyValues([{ key: "", value: `git clone https://${s}@github.com/a/b`, where: "history" }], found);
    expect([...found]).toEqual([s]);
  });
});
