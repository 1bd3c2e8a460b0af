// ValidatingAdmissionPolicy, offline: policies (and their bindings and params) loaded from files,
// compiled once with @bufbuild/cel plus the Kubernetes library functions, and evaluated against
// objects the way the API server's admission plugin does: matchConstraints, then the binding's
// matchResources and paramRef, matchConditions, variables, validations, failurePolicy.
import type { CelError, CelResult, CelValue } from "@bufbuild/cel";
import { UserError } from "../../errors.js";
import { loadObjects, type K8sObject } from "../rbac/objects.js";
import { BUILTIN_RESOURCES } from "../rbac/resources.js";
import { selectorMatches, type LabelSelector } from "../rbac/authorizer.js";
import { kubernetesFunctions } from "./k8s-lib.js";
import { celExt, celLib } from "./lib.js";

export type Operation = "CREATE" | "UPDATE" | "DELETE" | "CONNECT";

/** Where an object is evaluated: what admission would know about it. */
export interface CelContext {
  /** Default CREATE: an object on disk or in the cluster is judged as if it were created now. */
  operation?: Operation;
  oldObject?: K8sObject | null;
  /** Namespace objects by name, for namespaceSelector and `namespaceObject`. */
  namespaces?: Map<string, K8sObject>;
  userInfo?: { username: string; groups?: string[] };
  /** Objects params may be found in (besides those loaded with the policies). */
  objects?: K8sObject[];
}

export interface CelViolation {
  policy: string;
  binding?: string;
  /** "validations[0]", "matchConditions[1]" (for errors), "paramRef" */
  where: string;
  expression?: string;
  message: string;
  reason: string;
  /** Binding's validationActions (Deny, Warn, Audit); ["Deny"] for a policy without binding. */
  actions: string[];
  /** Set when the expression failed to evaluate (failurePolicy Fail). */
  error?: boolean;
}

interface Program {
  text: string;
  where: string;
  run: (b: Record<string, CelValue | unknown>) => CelResult;
  positions: Map<bigint, number>;
}

interface CompiledPolicy {
  name: string;
  source: string;
  spec: Record<string, unknown>;
  failurePolicy: "Fail" | "Ignore";
  paramKind?: { apiVersion: string; kind: string };
  variables: { name: string; program: Program }[];
  matchConditions: { name: string; program: Program }[];
  validations: { program: Program; message?: string; messageProgram?: Program; reason: string }[];
  bindings: K8sObject[];
  annotations: Record<string, string>;
}

export interface CelPolicySet {
  policies: CompiledPolicy[];
  /** Other objects loaded alongside (params). */
  objects: K8sObject[];
}

const rec = (v: unknown): Record<string, unknown> => (typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const strs = (v: unknown): string[] => arr(v).filter((x): x is string => typeof x === "string");

let env: ReturnType<ReturnType<typeof celLib>["celEnv"]> | undefined;
const celEnvironment = () => (env ??= celLib().celEnv({ funcs: [...celExt().strings, ...kubernetesFunctions()] }));

/** 1-based line:col of an offset in the expression text. */
export function lineCol(text: string, offset: number): string {
  let line = 1;
  let col = 1;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text[i] === "\n") {
      line++;
      col = 1;
    } else col++;
  }
  return `${line}:${col}`;
}

type AstNode = { id?: bigint; exprKind?: { case?: string; value?: unknown } };

/** Ident names used by an expression (to refuse `authorizer` and find variable uses). */
function walkIdents(node: unknown, out: { name: string; id: bigint }[], depth = 0): void {
  if (depth > 500 || typeof node !== "object" || node === null) return;
  if (Array.isArray(node)) {
    for (const x of node) walkIdents(x, out, depth + 1);
    return;
  }
  const n = node as AstNode;
  if (n.exprKind?.case === "identExpr") out.push({ name: (n.exprKind.value as { name: string }).name, id: n.id ?? 0n });
  for (const [k, v] of Object.entries(node)) if (k !== "$typeName" && typeof v === "object") walkIdents(v, out, depth + 1);
}

const MAX_EXPRESSION = 5 * 1024;

function compile(policy: string, where: string, text: unknown): Program {
  if (typeof text !== "string" || text.trim() === "") throw new UserError("USAGE", `policy ${policy}: ${where}: expression missing`);
  if (text.length > MAX_EXPRESSION) throw new UserError("USAGE", `policy ${policy}: ${where}: expression longer than ${MAX_EXPRESSION} characters`);
  let parsed;
  try {
    parsed = celLib().parse(text);
  } catch (e) {
    // "<input>:1:3: found + but expecting end of input"
    const m = /^<input>:(\d+):(\d+): (.*)$/s.exec((e as Error).message);
    const pos = m ? `${m[1]}:${m[2]}` : "1:1";
    throw new UserError("USAGE", `policy ${policy}: ${where}: ${JSON.stringify(text)} at ${pos}: syntax error: ${(m ? m[3]! : (e as Error).message).split("\n")[0]}`);
  }
  const positions = new Map<bigint, number>();
  for (const [id, off] of Object.entries(parsed.sourceInfo?.positions ?? {})) positions.set(BigInt(id), off as number);
  const idents: { name: string; id: bigint }[] = [];
  walkIdents(parsed.expr, idents);
  const auth = idents.find((i) => i.name === "authorizer");
  if (auth) throw new UserError("USAGE", `policy ${policy}: ${where}: ${JSON.stringify(text)} at ${lineCol(text, positions.get(auth.id) ?? 0)}: authorizer checks need the live API server's authorization and are out of scope offline`);
  const run = celLib().plan(celEnvironment(), parsed) as unknown as Program["run"];
  return { text, where, run, positions };
}

/** Compiles one ValidatingAdmissionPolicy; CEL errors name the policy, the expression and line:col. */
export function compilePolicy(obj: K8sObject, source = ""): CompiledPolicy {
  const name = obj.metadata?.name ?? "";
  if (!name) throw new UserError("USAGE", `${source || "policy"}: ValidatingAdmissionPolicy without metadata.name`);
  const spec = rec(obj.spec);
  const fp = spec.failurePolicy === "Ignore" ? "Ignore" : "Fail";
  const pk = rec(spec.paramKind);
  const out: CompiledPolicy = {
    name,
    source,
    spec,
    failurePolicy: fp,
    variables: arr(spec.variables).map((v, i) => ({ name: String(rec(v).name ?? ""), program: compile(name, `variables[${i}] (${String(rec(v).name ?? "")})`, rec(v).expression) })),
    matchConditions: arr(spec.matchConditions).map((v, i) => ({ name: String(rec(v).name ?? ""), program: compile(name, `matchConditions[${i}] (${String(rec(v).name ?? "")})`, rec(v).expression) })),
    validations: arr(spec.validations).map((v, i) => {
      const r = rec(v);
      const val: CompiledPolicy["validations"][number] = { program: compile(name, `validations[${i}].expression`, r.expression), reason: typeof r.reason === "string" ? r.reason : "Invalid" };
      if (typeof r.message === "string") val.message = r.message;
      if (typeof r.messageExpression === "string") val.messageProgram = compile(name, `validations[${i}].messageExpression`, r.messageExpression);
      return val;
    }),
    bindings: [],
    annotations: Object.fromEntries(Object.entries(rec(obj.metadata?.annotations)).filter(([, v]) => typeof v === "string")) as Record<string, string>,
  };
  // v1 names apiVersion; the v1alpha1 shape (in older docs) group and version.
  const pkVersion = typeof pk.apiVersion === "string" ? pk.apiVersion : typeof pk.version === "string" ? (typeof pk.group === "string" && pk.group ? `${pk.group}/${pk.version}` : pk.version) : undefined;
  if (typeof pk.kind === "string" && pkVersion) out.paramKind = { apiVersion: pkVersion, kind: pk.kind };
  if (out.validations.length === 0) throw new UserError("USAGE", `policy ${name}: no validations`);
  return out;
}

/** Builds a policy set from objects: policies, their bindings, and everything else as possible params. */
export function celPolicySet(objects: K8sObject[], sourceOf: (o: K8sObject) => string = () => ""): CelPolicySet {
  const policies = new Map<string, CompiledPolicy>();
  const others: K8sObject[] = [];
  const bindings: K8sObject[] = [];
  for (const o of objects) {
    if (o.kind === "ValidatingAdmissionPolicy" && String(o.apiVersion ?? "").startsWith("admissionregistration.k8s.io/")) {
      const p = compilePolicy(o, sourceOf(o));
      if (policies.has(p.name)) throw new UserError("USAGE", `policy ${p.name} is defined twice (${policies.get(p.name)!.source || "?"} and ${p.source || "?"})`);
      policies.set(p.name, p);
    } else if (o.kind === "ValidatingAdmissionPolicyBinding") bindings.push(o);
    else others.push(o);
  }
  for (const b of bindings) {
    const target = String(rec(b.spec).policyName ?? "");
    const p = policies.get(target);
    if (!p) throw new UserError("USAGE", `ValidatingAdmissionPolicyBinding ${b.metadata?.name ?? "?"}: no policy named ${JSON.stringify(target)} was loaded`);
    p.bindings.push(b);
  }
  return { policies: [...policies.values()], objects: others };
}

/** Loads every ValidatingAdmissionPolicy (and bindings, params) under a directory or from files. */
export function loadCelPolicies(dir: string | string[]): CelPolicySet {
  const paths = Array.isArray(dir) ? dir : [dir];
  const objects = loadObjects(paths);
  return celPolicySet(objects);
}

// ---------------------------------------------------------------------------------------------
// Matching

interface ObjInfo {
  group: string;
  version: string;
  kind: string;
  resource: string;
  namespaced: boolean;
  namespace: string;
  name: string;
  labels: Record<string, string>;
}

const kindIndex = new Map(BUILTIN_RESOURCES.map((r) => [`${r.group}/${r.kind}`, r]));

function info(o: K8sObject): ObjInfo {
  const av = String(o.apiVersion ?? "v1");
  const slash = av.lastIndexOf("/");
  const group = slash >= 0 ? av.slice(0, slash) : "";
  const version = slash >= 0 ? av.slice(slash + 1) : av;
  const kind = String(o.kind ?? "");
  const t = kindIndex.get(`${group}/${kind}`);
  const lower = kind.toLowerCase();
  const resource = t?.resource ?? (lower.endsWith("s") ? `${lower}es` : lower.endsWith("y") ? `${lower.slice(0, -1)}ies` : `${lower}s`);
  const namespace = o.metadata?.namespace ?? "";
  return { group, version, kind, resource, namespaced: t ? t.namespaced : !!namespace, namespace, name: o.metadata?.name ?? "", labels: (rec(o.metadata?.labels) as Record<string, string>) ?? {} };
}

const listHas = (list: string[], v: string): boolean => list.includes("*") || list.includes(v);

function ruleMatches(rule: Record<string, unknown>, i: ObjInfo, op: Operation, checkNames: boolean): boolean {
  if (!listHas(strs(rule.operations), op)) return false;
  if (!listHas(strs(rule.apiGroups), i.group)) return false;
  if (!listHas(strs(rule.apiVersions), i.version)) return false;
  const resources = strs(rule.resources);
  if (!resources.some((r) => r === "*" || r === "*/*" || r === i.resource)) return false;
  const scope = typeof rule.scope === "string" ? rule.scope : "*";
  if (scope === "Cluster" && i.namespaced) return false;
  if (scope === "Namespaced" && !i.namespaced) return false;
  if (checkNames) {
    const names = strs(rule.resourceNames);
    if (names.length > 0 && !names.includes(i.name)) return false;
  }
  return true;
}

function namespaceLabels(i: ObjInfo, ctx: CelContext): Record<string, string> | undefined {
  if (i.kind === "Namespace" && i.group === "") return i.labels;
  if (!i.namespaced) return undefined;
  const ns = ctx.namespaces?.get(i.namespace);
  const labels = { ...(rec(ns?.metadata?.labels) as Record<string, string>) };
  // The API server sets this label on every namespace.
  labels["kubernetes.io/metadata.name"] ??= i.namespace;
  return labels;
}

/** matchConstraints or a binding's matchResources. An absent block matches everything (bindings) or nothing (policy). */
function matchResources(m: Record<string, unknown>, i: ObjInfo, op: Operation, ctx: CelContext, emptyMatchesAll: boolean): boolean {
  const rules = arr(m.resourceRules).map(rec);
  if (rules.length === 0 && !emptyMatchesAll) return false;
  if (rules.length > 0 && !rules.some((r) => ruleMatches(r, i, op, true))) return false;
  if (arr(m.excludeResourceRules).map(rec).some((r) => ruleMatches(r, i, op, true))) return false;
  const nsLabels = namespaceLabels(i, ctx);
  if (m.namespaceSelector && nsLabels && !selectorMatches(rec(m.namespaceSelector) as LabelSelector, nsLabels)) return false;
  if (m.objectSelector && !selectorMatches(rec(m.objectSelector) as LabelSelector, i.labels)) return false;
  return true;
}

// ---------------------------------------------------------------------------------------------
// Evaluation

/**
 * The object as the API server would hand it to admission: empty metadata.labels and
 * metadata.annotations are dropped (omitempty), so `has(object.metadata.labels)` and a field
 * lookup on them behave as in the cluster.
 */
function asServed(obj: K8sObject): K8sObject {
  const md = obj.metadata;
  if (!md) return obj;
  const empty = (v: unknown) => typeof v === "object" && v !== null && Object.keys(v).length === 0;
  if (!empty(md.labels) && !empty(md.annotations)) return obj;
  const meta: Record<string, unknown> = { ...md };
  if (empty(md.labels)) delete meta.labels;
  if (empty(md.annotations)) delete meta.annotations;
  return { ...obj, metadata: meta };
}

/** JSON → CEL input: integers become int (bigint), as Kubernetes' schemas type them. */
export function toCelInput(v: unknown, depth = 0): unknown {
  if (depth > 200) throw new Error("object nested too deeply");
  if (typeof v === "number") return Number.isInteger(v) ? BigInt(v) : v;
  if (Array.isArray(v)) return v.map((x) => toCelInput(x, depth + 1));
  if (typeof v === "object" && v !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = toCelInput(x, depth + 1);
    return out;
  }
  return v;
}

function describeError(p: Program, policy: string | undefined, e: CelError): string {
  const off = e.exprId !== undefined ? p.positions.get(e.exprId) : undefined;
  return `${policy ? `policy ${policy}: ` : ""}${p.where}: ${JSON.stringify(p.text)}${off !== undefined ? ` at ${lineCol(p.text, off)}` : ""}: ${e.message}`;
}

function findParams(p: CompiledPolicy, binding: K8sObject, i: ObjInfo, set: CelPolicySet, ctx: CelContext): { params: K8sObject[] } | { missing: string } {
  const ref = rec(rec(binding.spec).paramRef);
  const pool = [...set.objects, ...(ctx.objects ?? [])].filter((o) => o.kind === p.paramKind!.kind && o.apiVersion === p.paramKind!.apiVersion);
  const ns = typeof ref.namespace === "string" && ref.namespace ? ref.namespace : i.namespaced ? i.namespace : "";
  const inNs = (o: K8sObject) => (o.metadata?.namespace ?? "") === ns || (!o.metadata?.namespace && !ns);
  let found: K8sObject[];
  if (typeof ref.name === "string" && ref.name) found = pool.filter((o) => o.metadata?.name === ref.name && inNs(o));
  else if (ref.selector) found = pool.filter((o) => inNs(o) && selectorMatches(rec(ref.selector) as LabelSelector, (rec(o.metadata?.labels) as Record<string, string>) ?? {}));
  else return { missing: "paramRef names no params" };
  if (found.length === 0) return { missing: `no params found for binding ${binding.metadata?.name ?? "?"} (${p.paramKind!.kind}${typeof ref.name === "string" ? ` ${ns ? ns + "/" : ""}${ref.name}` : " by selector"})` };
  return { params: found };
}

function requestFor(i: ObjInfo, op: Operation, ctx: CelContext): Record<string, unknown> {
  return {
    kind: { group: i.group, version: i.version, kind: i.kind },
    resource: { group: i.group, version: i.version, resource: i.resource },
    name: i.name,
    namespace: i.namespace,
    operation: op,
    userInfo: { username: ctx.userInfo?.username ?? "", groups: ctx.userInfo?.groups ?? [] },
    dryRun: false,
  };
}

/** Evaluates every policy (per binding) against one object; returns the violations. */
export function evaluateCelPolicies(obj: K8sObject, ctx: CelContext & { policies: CelPolicySet }): CelViolation[] {
  const set = ctx.policies;
  const op = ctx.operation ?? "CREATE";
  const i = info(obj);
  const out: CelViolation[] = [];
  let objectInput: unknown;
  for (const p of set.policies) {
    if (!matchResources(rec(p.spec.matchConstraints), i, op, ctx, false)) continue;
    // A policy loaded without binding applies as if bound with Deny (files are the user's intent);
    // one that needs params cannot run without a binding that says where they are.
    const bindings = p.bindings.length > 0 ? p.bindings : p.paramKind ? [] : [undefined];
    for (const b of bindings) {
      const bspec = rec(b?.spec);
      if (b && bspec.matchResources && !matchResources(rec(bspec.matchResources), i, op, ctx, true)) continue;
      const actions = b ? strs(bspec.validationActions) : ["Deny"];
      const bname = b?.metadata?.name;
      const base = { policy: p.name, ...(bname ? { binding: bname } : {}), actions };
      let paramsList: (K8sObject | null)[] = [null];
      if (p.paramKind && b) {
        const r = findParams(p, b, i, set, ctx);
        if ("missing" in r) {
          if (rec(bspec.paramRef).parameterNotFoundAction === "Allow") continue;
          out.push({ ...base, where: "paramRef", message: r.missing, reason: "Invalid" });
          continue;
        }
        paramsList = r.params;
      }
      if (objectInput === undefined) {
        try {
          objectInput = toCelInput(asServed(obj));
        } catch (e) {
          // Hostile input (nesting past 200 levels): reported, never a crash.
          out.push({ ...base, where: "object", message: `policy ${p.name}: the object cannot be evaluated: ${(e as Error).message}`, reason: "InternalError", error: true });
          return out;
        }
      }
      const namespaceObject = i.namespaced ? (ctx.namespaces?.get(i.namespace) ?? { apiVersion: "v1", kind: "Namespace", metadata: { name: i.namespace, labels: { "kubernetes.io/metadata.name": i.namespace } } }) : null;
      for (const params of paramsList) {
        const bindings: Record<string, unknown> = {
          object: op === "DELETE" ? null : objectInput,
          oldObject: ctx.oldObject ? toCelInput(ctx.oldObject) : null,
          request: requestFor(i, op, ctx),
          params: params ? toCelInput(params) : null,
          namespaceObject: namespaceObject ? toCelInput(namespaceObject) : null,
        };
        const fail = (pr: Program, e: CelError): void => {
          if (p.failurePolicy === "Ignore") return;
          out.push({ ...base, where: pr.where, expression: pr.text, message: describeError(pr, p.name, e), reason: "InternalError", error: true });
        };
        // matchConditions: all true to go on; an error follows failurePolicy.
        let skip = false;
        for (const mc of p.matchConditions) {
          const r = mc.program.run(bindings);
          if (celLib().isCelError(r)) {
            fail(mc.program, r);
            skip = true;
            break;
          }
          if (r !== true) {
            skip = true;
            break;
          }
        }
        if (skip) continue;
        // variables: evaluated lazily on first use, as Kubernetes does, so that an error in one only
        // matters where it is used (`variables.bad || true` is true). The activation looks the
        // qualified name "variables.NAME" up first; a getter answers it.
        for (const v of p.variables) {
          let cached: unknown;
          let done = false;
          Object.defineProperty(bindings, `variables.${v.name}`, {
            enumerable: true,
            configurable: true,
            get: () => {
              if (!done) {
                done = true;
                const r = v.program.run(bindings);
                cached = celLib().isCelError(r) ? celLib().celError(`composited variable "${v.name}" fails to evaluate: ${describeError(v.program, undefined, r)}`) : r;
              }
              return cached;
            },
          });
        }
        for (const val of p.validations) {
          const r = val.program.run(bindings);
          if (celLib().isCelError(r)) {
            fail(val.program, r);
            continue;
          }
          if (r === true) continue;
          if (r !== false) {
            if (p.failurePolicy === "Fail") out.push({ ...base, where: val.program.where, expression: val.program.text, message: `policy ${p.name}: ${val.program.where}: ${JSON.stringify(val.program.text)}: must return a bool, returned ${typeof r}`, reason: "InternalError", error: true });
            continue;
          }
          let message = val.message ?? `failed expression: ${val.program.text}`;
          // A Secret's fields never reach a message.
          if (val.messageProgram && i.kind !== "Secret") {
            const m = val.messageProgram.run(bindings);
            if (typeof m === "string" && m.trim() !== "" && !m.includes("\n")) message = m;
          }
          out.push({ ...base, where: val.program.where, expression: val.program.text, message, reason: val.reason });
        }
      }
    }
  }
  return out;
}
