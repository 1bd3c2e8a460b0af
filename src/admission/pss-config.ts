// The API server's own Pod Security admission configuration (`--pss-config FILE` of `admission
// serve` and `k8s scan`): an AdmissionConfiguration (apiserver.config.k8s.io/v1) whose `PodSecurity`
// plugin holds a PodSecurityConfiguration (pod-security.admission.config.k8s.io/v1), or that
// PodSecurityConfiguration alone. `defaults` give the level and version of each mode (enforce,
// audit, warn) in namespaces without that mode's label; `exemptions` name namespaces, runtime
// classes and request usernames the Pod Security checks do not apply to. Field names and defaults
// follow the API server (unset levels are `privileged`, unset versions `latest`); what it would
// refuse to start with is a one-line error here.
import { readFileSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { parseAllDocuments } from "yaml";
import { UserError } from "../errors.js";
import { parsePssVersion, PSS_LATEST } from "../misconfig/kubernetes/index.js";
import type { LevelLabel } from "./namespaces.js";
import type { PssLevel } from "./pss.js";

export interface PssExemptions {
  usernames: string[];
  runtimeClasses: string[];
  namespaces: string[];
}

export interface PssConfig {
  /** Each mode's level and version where a namespace has no label for it. */
  defaults: { enforce: LevelLabel; warn: LevelLabel; audit: LevelLabel };
  exemptions: PssExemptions;
  /** The file it was read from (for messages). */
  source?: string;
}

/** Why an object, request or namespace is not Pod Security checked, or undefined. */
export type PssExemption = { kind: "namespace" | "runtimeClass" | "username"; value: string };

const MAX_BYTES = 1 << 20;
const MAX_ENTRIES = 10_000;
const ADMISSION_API = new Set(["apiserver.config.k8s.io/v1", "apiserver.config.k8s.io/v1alpha1", "apiserver.k8s.io/v1alpha1"]);
const PSS_API = new Set(["pod-security.admission.config.k8s.io/v1", "pod-security.admission.config.k8s.io/v1beta1", "pod-security.admission.config.k8s.io/v1alpha1"]);
const LEVELS = new Set<string>(["privileged", "baseline", "restricted"]);
const MODES = ["enforce", "warn", "audit"] as const;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

function readYaml(file: string, flag: string): unknown {
  let text: string;
  try {
    if (statSync(file).size > MAX_BYTES) throw new UserError("INPUT", `${flag} ${file}: larger than ${MAX_BYTES} bytes`);
    text = readFileSync(file, "utf8");
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw new UserError("INPUT", `${flag} ${file}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const docs = parseAllDocuments(text);
  if (!Array.isArray(docs)) throw new UserError("INPUT", `${flag} ${file}: empty`);
  const real = docs.filter((d) => d.contents !== null);
  for (const d of real) if (d.errors.length) throw new UserError("INPUT", `${flag} ${file}: not valid YAML: ${d.errors[0]!.message.split("\n")[0]}`);
  if (real.length !== 1) throw new UserError("INPUT", `${flag} ${file}: expected one YAML document, found ${real.length}`);
  try {
    return real[0]!.toJS({ maxAliasCount: 100 });
  } catch (e) {
    throw new UserError("INPUT", `${flag} ${file}: not usable YAML: ${(e as Error).message.split("\n")[0]}`);
  }
}

/**
 * Reads an AdmissionConfiguration (its PodSecurity plugin's `configuration`, or the file its `path`
 * names, relative to this file) or a bare PodSecurityConfiguration. Throws UserError (one line).
 */
export function loadPssConfig(file: string, flag = "--pss-config"): PssConfig {
  const doc = readYaml(file, flag);
  const where = `${flag} ${file}`;
  if (!isObj(doc)) throw new UserError("INPUT", `${where}: not a YAML mapping`);
  let cfg: unknown = doc;
  if (doc.kind === "AdmissionConfiguration") {
    if (typeof doc.apiVersion !== "string" || !ADMISSION_API.has(doc.apiVersion)) throw new UserError("INPUT", `${where}: AdmissionConfiguration apiVersion must be apiserver.config.k8s.io/v1, got ${JSON.stringify(doc.apiVersion)}`);
    const plugins = Array.isArray(doc.plugins) ? doc.plugins : [];
    const plugin = plugins.find((p) => isObj(p) && p.name === "PodSecurity") as Obj | undefined;
    if (!plugin) throw new UserError("INPUT", `${where}: the AdmissionConfiguration has no plugin named PodSecurity`);
    if (plugin.configuration !== undefined) cfg = plugin.configuration;
    else if (typeof plugin.path === "string" && plugin.path) {
      const path = resolve(dirname(file), plugin.path);
      cfg = readYaml(path, `${where}: PodSecurity path`);
    } else throw new UserError("INPUT", `${where}: the PodSecurity plugin has neither configuration nor path`);
  }
  return parsePssConfig(cfg, where, file);
}

/** Validates a PodSecurityConfiguration object (as YAML/JSON gives it). */
export function parsePssConfig(cfg: unknown, where = "PodSecurityConfiguration", source?: string): PssConfig {
  if (!isObj(cfg)) throw new UserError("INPUT", `${where}: the PodSecurity configuration is not a mapping`);
  if (cfg.kind !== "PodSecurityConfiguration") throw new UserError("INPUT", `${where}: expected kind PodSecurityConfiguration (or an AdmissionConfiguration holding one), got ${JSON.stringify(cfg.kind ?? null)}`);
  if (typeof cfg.apiVersion !== "string" || !PSS_API.has(cfg.apiVersion)) throw new UserError("INPUT", `${where}: PodSecurityConfiguration apiVersion must be pod-security.admission.config.k8s.io/v1, got ${JSON.stringify(cfg.apiVersion ?? null)}`);
  for (const k of Object.keys(cfg)) if (!["apiVersion", "kind", "defaults", "exemptions"].includes(k)) throw new UserError("INPUT", `${where}: unknown field "${k}" in PodSecurityConfiguration`);
  const defaults = cfg.defaults ?? {};
  if (!isObj(defaults)) throw new UserError("INPUT", `${where}: defaults must be a mapping`);
  const out: PssConfig = {
    defaults: { enforce: { level: "privileged", version: PSS_LATEST }, warn: { level: "privileged", version: PSS_LATEST }, audit: { level: "privileged", version: PSS_LATEST } },
    exemptions: { usernames: [], runtimeClasses: [], namespaces: [] },
  };
  if (source !== undefined) out.source = source;
  const known = new Set(MODES.flatMap((m) => [m, `${m}-version`]));
  for (const k of Object.keys(defaults)) if (!known.has(k)) throw new UserError("INPUT", `${where}: unknown field "defaults.${k}" (expected ${[...known].join(", ")})`);
  for (const mode of MODES) {
    const level = defaults[mode];
    const version = defaults[`${mode}-version`];
    if (level !== undefined && level !== "" && (typeof level !== "string" || !LEVELS.has(level))) throw new UserError("INPUT", `${where}: defaults.${mode} must be privileged, baseline or restricted, got ${JSON.stringify(level)}`);
    let v = PSS_LATEST;
    if (version !== undefined && version !== "") {
      const parsed = typeof version === "string" ? parsePssVersion(version) : undefined;
      if (!parsed) throw new UserError("INPUT", `${where}: defaults.${mode}-version must be "latest" or v1.N (at most ${PSS_LATEST.label}), got ${JSON.stringify(version)}`);
      v = parsed;
    }
    out.defaults[mode] = { level: (typeof level === "string" && level ? level : "privileged") as PssLevel, version: v };
  }
  const ex = cfg.exemptions ?? {};
  if (!isObj(ex)) throw new UserError("INPUT", `${where}: exemptions must be a mapping`);
  for (const k of Object.keys(ex)) {
    if (k !== "usernames" && k !== "runtimeClasses" && k !== "namespaces") throw new UserError("INPUT", `${where}: unknown field "exemptions.${k}" (expected usernames, runtimeClasses, namespaces)`);
    const list = ex[k] ?? [];
    if (!Array.isArray(list)) throw new UserError("INPUT", `${where}: exemptions.${k} must be a list`);
    if (list.length > MAX_ENTRIES) throw new UserError("INPUT", `${where}: exemptions.${k} has more than ${MAX_ENTRIES} entries`);
    const seen = new Set<string>();
    for (const [i, v] of list.entries()) {
      // As the API server validates them: non-empty strings, no duplicates.
      if (typeof v !== "string" || v.trim() === "") throw new UserError("INPUT", `${where}: exemptions.${k}[${i}] must be a non-empty string, got ${JSON.stringify(v)}`);
      if (seen.has(v)) throw new UserError("INPUT", `${where}: exemptions.${k}[${i}]: "${v}" is listed twice`);
      seen.add(v);
    }
    out.exemptions[k] = [...seen];
  }
  return out;
}

/** The level and version a namespace applies for `mode`: its label, else the configuration's default. */
export function effectiveLevel(label: LevelLabel | undefined, config: PssConfig | undefined, mode: (typeof MODES)[number]): LevelLabel | undefined {
  return label ?? config?.defaults[mode];
}

/** Why a request is not Pod Security checked (namespace, then runtime class, then user), or undefined. */
export function pssExemption(config: PssConfig | undefined, namespace: string, runtimeClass: unknown, username: unknown): PssExemption | undefined {
  if (!config) return undefined;
  const ex = config.exemptions;
  if (namespace && ex.namespaces.includes(namespace)) return { kind: "namespace", value: namespace };
  if (typeof runtimeClass === "string" && ex.runtimeClasses.includes(runtimeClass)) return { kind: "runtimeClass", value: runtimeClass };
  if (typeof username === "string" && ex.usernames.includes(username)) return { kind: "username", value: username };
  return undefined;
}

export function describeExemption(e: PssExemption): string {
  return `exempt: ${e.kind} ${e.value} (PodSecurityConfiguration exemptions.${e.kind === "namespace" ? "namespaces" : e.kind === "runtimeClass" ? "runtimeClasses" : "usernames"})`;
}
