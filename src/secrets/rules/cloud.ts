// Cloud, infrastructure and developer platforms.
import type { SecretRule } from "../types.js";
import { assigned, END, re, START } from "./shape.js";

/** A token with a distinctive prefix: no context needed. */
function prefixed(id: string, title: string, keyword: string, pattern: string, severity: SecretRule["severity"] = "HIGH"): SecretRule {
  return { id, title, severity, keywords: [keyword], regex: re(String.raw`${START}(?<secret>${pattern})${END}`) };
}

/** A token without a prefix: only next to the service's name. */
function named(id: string, title: string, keyword: string, value: string, entropyMin = 3): SecretRule {
  return { id, title, severity: "HIGH", keywords: [keyword], regex: re(assigned(keyword, value), true), entropy: entropyMin };
}

export const cloudRules: SecretRule[] = [
  prefixed("BW-SECRET-VAULT-SERVICE-TOKEN", "HashiCorp Vault service token", "hvs.", String.raw`hvs\.[A-Za-z0-9_-]{90,120}`, "CRITICAL"),
  prefixed("BW-SECRET-VAULT-BATCH-TOKEN", "HashiCorp Vault batch token", "hvb.", String.raw`hvb\.[A-Za-z0-9_-]{138,300}`, "CRITICAL"),
  prefixed("BW-SECRET-TERRAFORM-CLOUD-TOKEN", "Terraform Cloud / Enterprise API token", "atlasv1", String.raw`[A-Za-z0-9]{14}\.atlasv1\.[A-Za-z0-9_=-]{60,70}`, "CRITICAL"),
  prefixed("BW-SECRET-DIGITALOCEAN-TOKEN", "DigitalOcean token", "_v1_", String.raw`do[por]_v1_[a-f0-9]{64}`, "CRITICAL"),
  prefixed("BW-SECRET-HEROKU-API-KEY", "Heroku API key", "hrku-", String.raw`HRKU-AA[0-9a-zA-Z_-]{58}`),
  named("BW-SECRET-HEROKU-LEGACY-API-KEY", "Heroku API key (legacy UUID)", "heroku", "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"),
  named("BW-SECRET-CLOUDFLARE-API-TOKEN", "Cloudflare API token", "cloudflare", "[A-Za-z0-9_-]{40}", 3.5),
  prefixed("BW-SECRET-CLOUDFLARE-ORIGIN-CA-KEY", "Cloudflare Origin CA key", "v1.0-", String.raw`v1\.0-[a-f0-9]{24}-[a-f0-9]{146}`),
  named("BW-SECRET-FASTLY-API-TOKEN", "Fastly API token", "fastly", "[A-Za-z0-9_-]{32}", 3.5),
  prefixed("BW-SECRET-ALIBABA-ACCESS-KEY", "Alibaba Cloud AccessKey ID", "ltai", "LTAI[A-Za-z0-9]{20}"),
  named("BW-SECRET-ALIBABA-SECRET-KEY", "Alibaba Cloud AccessKey secret", "alibaba", "[A-Za-z0-9]{30}", 3.5),
  prefixed("BW-SECRET-DOPPLER-TOKEN", "Doppler token", "dp.", String.raw`dp\.(?:pt|st|sa|ct|scim|audit)\.[A-Za-z0-9]{40,44}`, "CRITICAL"),
  prefixed("BW-SECRET-PULUMI-TOKEN", "Pulumi access token", "pul-", "pul-[a-f0-9]{40}"),
  prefixed("BW-SECRET-DATABRICKS-TOKEN", "Databricks personal access token", "dapi", String.raw`dapi[a-f0-9]{32}(?:-\d)?`),
  named("BW-SECRET-DATADOG-API-KEY", "Datadog API or application key", "datadog", "[a-f0-9]{32}|[a-f0-9]{40}"),
  { ...prefixed("BW-SECRET-NEW-RELIC-KEY", "New Relic API key", "nrak-", "NR(?:AK|II|JS|AA)-[A-Za-z0-9]{19,32}"), keywords: ["nrak-", "nrii-", "nrjs-", "nraa-"] },
  {
    id: "BW-SECRET-SENTRY-DSN",
    title: "Sentry DSN with a secret key",
    severity: "MEDIUM",
    keywords: ["sentry", "ingest"],
    // Legacy DSNs carry a secret after the public key; modern ones (public key only) are fine.
    regex: re(String.raw`https?://[0-9a-f]{32}:(?<secret>[0-9a-f]{32})@[\w.-]+/\d+`),
  },
  prefixed("BW-SECRET-SENTRY-TOKEN", "Sentry auth token", "sntry", String.raw`sntryu_[a-f0-9]{64}|sntrys_eyJ[A-Za-z0-9+/=_]{60,600}`),
  named("BW-SECRET-OKTA-API-TOKEN", "Okta API token", "okta", "00[A-Za-z0-9_-]{40}"),
  prefixed("BW-SECRET-ATLASSIAN-API-TOKEN", "Atlassian API token", "atatt3", "ATATT3[A-Za-z0-9_=-]{180,200}"),
  prefixed("BW-SECRET-LINEAR-API-KEY", "Linear API key", "lin_api_", "lin_api_[A-Za-z0-9]{40}"),
  {
    ...prefixed("BW-SECRET-GRAFANA-TOKEN", "Grafana service account or Cloud token", "glsa_", "glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8}|glc_[A-Za-z0-9+/]{32,400}={0,2}"),
    keywords: ["glsa_", "glc_"],
  },
  prefixed("BW-SECRET-GRAFANA-API-KEY", "Grafana API key (legacy)", "eyjrijoi", "eyJrIjoi[A-Za-z0-9]{70,400}={0,2}"),
  prefixed("BW-SECRET-DROPBOX-TOKEN", "Dropbox access token", "sl.", String.raw`sl\.[A-Za-z0-9_=-]{130,160}`),
  named("BW-SECRET-ASANA-TOKEN", "Asana personal access token", "asana", String.raw`\d/\d{16}(?:/\d{16})?:[a-f0-9]{32}|0/[a-f0-9]{32}`),
  prefixed("BW-SECRET-POSTMAN-API-KEY", "Postman API key", "pmak-", "PMAK-[a-f0-9]{24}-[a-f0-9]{34}"),
  prefixed(
    "BW-SECRET-OPENAI-API-KEY",
    "OpenAI API key",
    "sk-",
    "sk-(?:proj|svcacct|admin)-[A-Za-z0-9_-]{40,200}|sk-[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20}",
    "CRITICAL",
  ),
  prefixed("BW-SECRET-ANTHROPIC-API-KEY", "Anthropic API key", "sk-ant-", "sk-ant-(?:api03|admin01)-[A-Za-z0-9_-]{93}AA", "CRITICAL"),
  prefixed("BW-SECRET-HUGGINGFACE-TOKEN", "Hugging Face access token", "hf_", "hf_[A-Za-z]{34}|api_org_[A-Za-z]{34}"),
  prefixed("BW-SECRET-SHOPIFY-PARTNER-TOKEN", "Shopify Partner API token", "prtapi_", "prtapi_[a-f0-9]{32}"),
];
