// True-positive sample lines per rule, built at run time from pieces and a seeded generator so
// that no complete credential literal sits in the source (other scanners stay quiet).

let seed = 0x2545f491;
function rnd(): number {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) / 0x100000000;
}

const SETS: Record<string, string> = {
  hex: "0123456789abcdef",
  HEX: "0123456789ABCDEF",
  an: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
  lan: "abcdefghijklmnopqrstuvwxyz0123456789",
  up: "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567",
  b64: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/",
  url: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-",
  alpha: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
  digit: "0123456789",
  bech: "QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L",
  // django.core.management.utils.get_random_secret_key()
  django: "abcdefghijklmnopqrstuvwxyz0123456789!@#$%^&*(-_=+)",
};

/** `n` random characters from a named set. */
export function gen(set: keyof typeof SETS, n: number): string {
  const cs = SETS[set]!;
  let out = "";
  for (let i = 0; i < n; i++) out += cs[Math.floor(rnd() * cs.length)];
  return out;
}

const j = (...parts: string[]): string => parts.join("");

function pemBody(): string {
  return [gen("b64", 64), gen("b64", 64), gen("b64", 40)].join("\n");
}

const awsId = (): string => j("AK", "IA", gen("up", 16));

/** Rule id -> a file's text in which the rule must fire (on the line containing `@@`, marker removed). */
export function samples(): Record<string, { text: string; path?: string }> {
  const s: Record<string, { text: string; path?: string }> = {};
  const one = (id: string, text: string, path?: string): void => {
    s[id] = path ? { text, path } : { text };
  };
  const pem = (kind: string): string => j("-----BEGIN ", kind, "PRIVATE KEY-----\n", pemBody(), "\n-----END ", kind, "PRIVATE KEY-----\n");
  one("BW-SECRET-GCP-SERVICE-ACCOUNT", j('{\n  "type": "service_account",\n  "private_key_id": "', gen("hex", 40), '",\n  "private_key": "-----BEGIN PRIVATE KEY-----\\n', gen("b64", 64), "\\n", gen("b64", 30), '\\n-----END PRIVATE KEY-----\\n",\n}\n'));
  one("BW-SECRET-PRIVATE-KEY-RSA", pem("RSA "));
  one("BW-SECRET-PRIVATE-KEY-EC", pem("EC "));
  one("BW-SECRET-PRIVATE-KEY-DSA", pem("DSA "));
  one("BW-SECRET-PRIVATE-KEY-OPENSSH", pem("OPENSSH "));
  one("BW-SECRET-PRIVATE-KEY-PGP", j("-----BEGIN PGP PRIVATE KEY BLOCK-----\nVersion: x\n\n", pemBody(), "\n-----END PGP PRIVATE KEY BLOCK-----\n"));
  one("BW-SECRET-PRIVATE-KEY-ENCRYPTED", pem("ENCRYPTED "));
  one("BW-SECRET-PRIVATE-KEY-PKCS8", pem(""));
  one("BW-SECRET-PUTTY-PRIVATE-KEY", j("PuTTY-User-", "Key-File-3: ssh-ed25519\nEncryption: none\nComment: k\nPublic-Lines: 1\n", gen("b64", 60), "\nPrivate-Lines: 1\n", gen("b64", 60), "\n"));
  one("BW-SECRET-AGE-SECRET-KEY", j("AGE-SECRET-", "KEY-1", gen("bech", 58)));
  one("BW-SECRET-KUBECONFIG-CLIENT-KEY", j("users:\n- name: a\n  user:\n    client-key-data: ", gen("b64", 80), "=\n"));
  one("BW-SECRET-AWS-ACCESS-KEY", j("aws_access_key_id = ", awsId()));
  one("BW-SECRET-AWS-SECRET-KEY", j("aws_secret_access_key = ", gen("b64", 40)));
  one("BW-SECRET-AWS-SESSION-TOKEN", j("aws_session_token = ", gen("b64", 200)));
  one("BW-SECRET-AWS-BEDROCK-API-KEY", j("key: AB", "SK", gen("b64", 120)));
  one("BW-SECRET-AWS-MWS-KEY", j("mws = amzn", ".mws.", gen("hex", 8), "-", gen("hex", 4), "-", gen("hex", 4), "-", gen("hex", 4), "-", gen("hex", 12)));
  one("BW-SECRET-GCP-API-KEY", j('const k = "AI', "za", gen("url", 35), '";'));
  one("BW-SECRET-GCP-OAUTH-CLIENT-SECRET", j("client_secret: GOC", "SPX-", gen("url", 28)));
  one("BW-SECRET-AZURE-STORAGE-KEY", j("DefaultEndpointsProtocol=https;AccountName=acct;Account", "Key=", gen("b64", 86), "==;EndpointSuffix=core.windows.net"));
  one("BW-SECRET-AZURE-SHARED-ACCESS-KEY", j("Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=root;SharedAccess", "Key=", gen("b64", 43), "="));
  one("BW-SECRET-AZURE-SAS-TOKEN", j("https://acct.blob.core.windows.net/c?sv=2021-06-08&ss=b&srt=co&sp=r&se=2030-01-01&sig=", gen("an", 44), "%3D"));
  one("BW-SECRET-AZURE-AD-CLIENT-SECRET", j("AZURE_CLIENT_SECRET=", gen("an", 3), "8Q", "~", gen("an", 34)));
  one("BW-SECRET-GITHUB-PAT", j("token: gh", "p_", gen("an", 36)));
  one("BW-SECRET-GITHUB-FINE-GRAINED-PAT", j("GH=github", "_pat_", gen("an", 82)));
  one("BW-SECRET-GITHUB-OAUTH-TOKEN", j("x gh", "o_", gen("an", 36)));
  one("BW-SECRET-GITHUB-USER-TO-SERVER-TOKEN", j("x gh", "u_", gen("an", 36)));
  one("BW-SECRET-GITHUB-SERVER-TO-SERVER-TOKEN", j("x gh", "s_", gen("an", 36)));
  one("BW-SECRET-GITHUB-REFRESH-TOKEN", j("x gh", "r_", gen("an", 36)));
  one("BW-SECRET-GITLAB-PAT", j("GITLAB=gl", "pat-", gen("url", 20)));
  one("BW-SECRET-GITLAB-RUNNER-TOKEN", j("token = gl", "rt-", gen("url", 20)));
  one("BW-SECRET-GITLAB-RUNNER-REGISTRATION-TOKEN", j("reg = GR134", "8941", gen("url", 20)));
  one("BW-SECRET-GITLAB-DEPLOY-TOKEN", j("d = gl", "dt-", gen("url", 20)));
  one("BW-SECRET-GITLAB-PIPELINE-TRIGGER-TOKEN", j("t = gl", "ptt-", gen("hex", 40)));
  one("BW-SECRET-GITLAB-CI-JOB-TOKEN", j("t = gl", "cbt-", gen("an", 3), "_", gen("url", 20)));
  one("BW-SECRET-BITBUCKET-APP-PASSWORD", j("pw = AT", "BB", gen("an", 32)));
  one("BW-SECRET-BITBUCKET-CLIENT-SECRET", j("bitbucket_client_secret = ", gen("lan", 64)));
  one("BW-SECRET-SLACK-BOT-TOKEN", j("SLACK=xo", "xb-", gen("digit", 12), "-", gen("digit", 12), "-", gen("an", 24)));
  one("BW-SECRET-SLACK-USER-TOKEN", j("SLACK=xo", "xp-", gen("digit", 12), "-", gen("digit", 12), "-", gen("digit", 12), "-", gen("hex", 32)));
  one("BW-SECRET-SLACK-CONFIG-TOKEN", j("t=xo", "xe.xoxp-1-", gen("an", 164)));
  one("BW-SECRET-SLACK-APP-TOKEN", j("t=xa", "pp-1-A", gen("up", 10), "-", gen("digit", 13), "-", gen("hex", 64)));
  one("BW-SECRET-SLACK-WEBHOOK", j("url: https://hooks.", "slack.com/services/T", gen("up", 8), "/B", gen("up", 8), "/", gen("an", 24)));
  one("BW-SECRET-DISCORD-BOT-TOKEN", j("DISCORD_TOKEN=M", gen("an", 25), ".", gen("url", 6), ".", gen("url", 38)));
  one("BW-SECRET-DISCORD-WEBHOOK", j("https://discord", ".com/api/webhooks/", gen("digit", 18), "/", gen("url", 68)));
  one("BW-SECRET-TELEGRAM-BOT-TOKEN", j("bot = ", gen("digit", 10), ":A", "A", gen("url", 33)));
  one("BW-SECRET-TEAMS-WEBHOOK", j("https://acme.webhook.", "office.com/webhookb2/", uuid(), "@", uuid(), "/IncomingWebhook/", gen("hex", 32), "/", uuid()));
  one("BW-SECRET-STRIPE-SECRET-KEY", j("stripe = sk", "_live_", gen("an", 24)));
  one("BW-SECRET-STRIPE-RESTRICTED-KEY", j("stripe = rk", "_live_", gen("an", 24)));
  one("BW-SECRET-STRIPE-WEBHOOK-SECRET", j("wh = wh", "sec_", gen("an", 32)));
  one("BW-SECRET-SQUARE-ACCESS-TOKEN", j("sq = sq0", "atp-", gen("url", 22)));
  one("BW-SECRET-SQUARE-OAUTH-SECRET", j("sq = sq0", "csp-", gen("url", 43)));
  one("BW-SECRET-PAYPAL-BRAINTREE-TOKEN", j("bt = access_token$", "production$", gen("lan", 16), "$", gen("hex", 32)));
  one("BW-SECRET-SHOPIFY-TOKEN", j("shop = shp", "at_", gen("hex", 32)));
  one("BW-SECRET-TWILIO-API-KEY", j("twilio = S", "K", gen("hex", 32)));
  one("BW-SECRET-TWILIO-AUTH-TOKEN", j("TWILIO_AUTH_TOKEN=", gen("hex", 32)));
  one("BW-SECRET-SENDGRID-API-KEY", j("SENDGRID=S", "G.", gen("url", 22), ".", gen("url", 43)));
  one("BW-SECRET-MAILGUN-API-KEY", j("MAILGUN_API_KEY=ke", "y-", gen("hex", 32)));
  one("BW-SECRET-MAILCHIMP-API-KEY", j("MAILCHIMP=", gen("hex", 32), "-us", "12"));
  one("BW-SECRET-NPM-TOKEN", j("NPM=np", "m_", gen("an", 36)));
  one("BW-SECRET-NPMRC-AUTH-TOKEN", j("//registry.npmjs.org/:_auth", "Token=", gen("an", 36)), ".npmrc");
  one("BW-SECRET-NPMRC-BASIC-AUTH", j("//registry.example.org/:_pass", "word=", gen("b64", 20)), ".npmrc");
  one("BW-SECRET-PYPI-TOKEN", j("password = pypi-AgEI", "cHlwaS5vcmc", gen("url", 60)));
  one("BW-SECRET-RUBYGEMS-API-KEY", j(":rubygems_api_key: rubygems", "_", gen("hex", 48)));
  one("BW-SECRET-NUGET-API-KEY", j("nuget = oy", "2", gen("lan", 43)));
  one("BW-SECRET-DOCKER-CONFIG-AUTH", j('{"auths":{"reg.io":{"au', 'th":"', Buffer.from(j("robot:", gen("an", 20))).toString("base64"), '"}}}'));
  one("BW-SECRET-VAULT-SERVICE-TOKEN", j("VAULT_TOKEN=hv", "s.", gen("url", 95)));
  one("BW-SECRET-VAULT-BATCH-TOKEN", j("VAULT_TOKEN=hv", "b.", gen("url", 140)));
  one("BW-SECRET-TERRAFORM-CLOUD-TOKEN", j('token = "', gen("an", 14), ".atlas", "v1.", gen("url", 67), '"'));
  one("BW-SECRET-DIGITALOCEAN-TOKEN", j("DO=do", "p_v1_", gen("hex", 64)));
  one("BW-SECRET-HEROKU-API-KEY", j("HK=HR", "KU-AA", gen("url", 58)));
  one("BW-SECRET-HEROKU-LEGACY-API-KEY", j("HEROKU_API_KEY=", uuid()));
  one("BW-SECRET-CLOUDFLARE-API-TOKEN", j("CLOUDFLARE_API_TOKEN=", gen("url", 40)));
  one("BW-SECRET-CLOUDFLARE-ORIGIN-CA-KEY", j("k = v1", ".0-", gen("hex", 24), "-", gen("hex", 146)));
  one("BW-SECRET-FASTLY-API-TOKEN", j("FASTLY_API_TOKEN=", gen("url", 32)));
  one("BW-SECRET-ALIBABA-ACCESS-KEY", j("ak = LT", "AI", gen("an", 20)));
  one("BW-SECRET-ALIBABA-SECRET-KEY", j("alibaba_secret = ", gen("an", 30)));
  one("BW-SECRET-DOPPLER-TOKEN", j("DOPPLER=dp", ".pt.", gen("an", 43)));
  one("BW-SECRET-PULUMI-TOKEN", j("PULUMI=pu", "l-", gen("hex", 40)));
  one("BW-SECRET-DATABRICKS-TOKEN", j("DB=da", "pi", gen("hex", 32)));
  one("BW-SECRET-DATADOG-API-KEY", j("DATADOG_API_KEY=", gen("hex", 32)));
  one("BW-SECRET-NEW-RELIC-KEY", j("NR=NR", "AK-", gen("up", 27)));
  one("BW-SECRET-SENTRY-DSN", j("SENTRY_DSN=https://", gen("hex", 32), ":", gen("hex", 32), "@sentry.io/12345"));
  one("BW-SECRET-SENTRY-TOKEN", j("SENTRY=sn", "tryu_", gen("hex", 64)));
  one("BW-SECRET-OKTA-API-TOKEN", j("OKTA_API_TOKEN=0", "0", gen("url", 40)));
  one("BW-SECRET-ATLASSIAN-API-TOKEN", j("JIRA=ATA", "TT3", gen("url", 186)));
  one("BW-SECRET-LINEAR-API-KEY", j("LINEAR=lin", "_api_", gen("an", 40)));
  one("BW-SECRET-GRAFANA-TOKEN", j("GRAFANA=gl", "sa_", gen("an", 32), "_", gen("hex", 8)));
  one("BW-SECRET-GRAFANA-API-KEY", j("GRAFANA=eyJr", "Ijoi", gen("an", 80)));
  one("BW-SECRET-DROPBOX-TOKEN", j("DROPBOX=sl", ".", gen("url", 140)));
  one("BW-SECRET-ASANA-TOKEN", j("ASANA_TOKEN=2/", gen("digit", 16), "/", gen("digit", 16), ":", gen("hex", 32)));
  one("BW-SECRET-POSTMAN-API-KEY", j("PM=PM", "AK-", gen("hex", 24), "-", gen("hex", 34)));
  one("BW-SECRET-OPENAI-API-KEY", j("OPENAI_API_KEY=sk", "-proj-", gen("url", 120)));
  one("BW-SECRET-ANTHROPIC-API-KEY", j("ANTHROPIC_API_KEY=sk", "-ant-api03-", gen("url", 93), "AA"));
  one("BW-SECRET-HUGGINGFACE-TOKEN", j("HF_TOKEN=h", "f_", gen("alpha", 34)));
  one("BW-SECRET-SHOPIFY-PARTNER-TOKEN", j("P=prt", "api_", gen("hex", 32)));
  one("BW-SECRET-POSTGRES-URL", j("DATABASE_URL=postgres://app:", gen("an", 16), "@db:5432/app"));
  one("BW-SECRET-MYSQL-URL", j("url: mysql://root:", gen("an", 16), "@mysql/app"));
  one("BW-SECRET-MONGODB-URL", j('uri = "mongodb+srv://u:', gen("an", 16), '@cluster0.mongodb.net/db"'));
  one("BW-SECRET-REDIS-URL", j("REDIS_URL=redis://default:", gen("an", 16), "@redis:6379/0"));
  one("BW-SECRET-AMQP-URL", j("BROKER=amqp://guest:", gen("an", 16), "@rabbit:5672/"));
  one("BW-SECRET-MSSQL-URL", j("DSN=sqlserver://sa:", gen("an", 16), "@mssql:1433"));
  one("BW-SECRET-URL-CREDENTIALS", j("RUN git clone https://deploy:", gen("an", 20), "@git.acme.io/app.git"));
  one("BW-SECRET-DJANGO-SECRET-KEY", j("from pathlib import Path\n\nSECRET_KEY = 'django-insecure-", gen("django", 50), "'\nDEBUG = False\n"), "srv/mysite/mysite/settings.py");
  one("BW-SECRET-FLASK-SECRET-KEY", j("from flask import Flask\n\napp = Flask(__name__)\napp.secret_key = '", gen("hex", 48), "'\n"), "srv/app/app.py");
  one("BW-SECRET-RAILS-SECRET-KEY-BASE", j("production:\n  secret_key_base: ", gen("hex", 128), "\n"), "srv/app/config/secrets.yml");
  one("BW-SECRET-LARAVEL-APP-KEY", j("APP_NAME=Laravel\nAPP_ENV=production\nAPP_KEY=base64:", gen("b64", 43), "=\nAPP_DEBUG=false\n"), "var/www/html/.env");
  one("BW-SECRET-NETRC-PASSWORD", j("machine github.com\n  login bot\n  password ", gen("an", 20), "\n"), "root/.netrc");
  one("BW-SECRET-NETRC-LINE", j("RUN echo 'machine example.org login bot password ", gen("an", 20), "' > ~/.netrc"));
  one("BW-SECRET-KUBECONFIG-TOKEN", j("apiVersion: v1\nkind: Config\nusers:\n- name: sa\n  user:\n    token: ", gen("url", 60), "\n"));
  one("BW-SECRET-JWT", j('auth = "ey', "JhbGciOiJIUzI1NiJ9.ey", "J", gen("url", 40), ".", gen("url", 43), '"'));
  one("BW-SECRET-GENERIC-PASSWORD", j("DB_PASSWORD=", gen("an", 14), "7"));
  one("BW-SECRET-GENERIC-SECRET", j('client: { secret: "', gen("an", 24), '9" }'));
  one("BW-SECRET-GENERIC-TOKEN", j("AUTH_TOKEN: ", gen("an", 30), "1"));
  one("BW-SECRET-GENERIC-API-KEY", j('"api_key": "', gen("an", 30), '3"'));
  return s;
}

function uuid(): string {
  return [gen("hex", 8), gen("hex", 4), gen("hex", 4), gen("hex", 4), gen("hex", 12)].join("-");
}
