// The admission decision: an AdmissionReview (admission.k8s.io/v1) in, its response out. Pod
// Security / hardening rules and the image policy are applied to the pod template of Pods and
// every workload kind; the mode says what a violation does (enforce: deny, warn: admission
// warnings, audit: audit annotations); the fail mode says what an unknown verdict does. Every
// request is answered before its deadline, whatever the images' checks are doing.
import type { Misconfiguration } from "../model/index.js";
import type { ImageResult, RuleResult } from "../policy/index.js";
import { canonical, isObj, isWorkloadKind, podTemplate, type ContainerRef, type Obj } from "./objects.js";
import { checkPodSecurity, type RuleSelection } from "./pss.js";
import { namespacePolicy, type LevelLabel, type NamespaceLabels, type NamespacePolicy } from "./namespaces.js";
import { describeExemption, pssExemption, type PssConfig } from "./pss-config.js";
import type { ResolvedImage, VerdictCache } from "./verdicts.js";

export type AdmissionMode = "enforce" | "warn" | "audit";
export type FailMode = "open" | "closed";

export interface AdmissionOptions {
  rules: RuleSelection;
  /** Image verdicts (absent: no image policy). */
  verdicts?: VerdictCache;
  mode: AdmissionMode;
  failMode: FailMode;
  /** Namespaces admitted without checks. */
  exemptNamespaces?: string[];
  /** Every answer is given within this time (default 8 s, below the API server's 10 s). */
  timeoutMs?: number;
  /**
   * More checks on the object (users' CEL ValidatingAdmissionPolicies, issue 14 section 5): given
   * the object, the old object and the request, they return violations. An error or a check that
   * does not answer before the deadline makes the verdict unknown (the fail mode decides).
   */
  extraChecks?: ExtraCheck[];
  /**
   * Namespaces' own Pod Security labels (read through the API): a namespace's `enforce` label
   * replaces `rules` (level and version) there, `warn` and `audit` add warnings and audit
   * annotations. Absent: `rules` everywhere.
   */
  namespaces?: NamespaceLabels;
  /**
   * The API server's PodSecurityConfiguration (--pss-config): its defaults apply to modes a
   * namespace has no label for (give `namespaces` the same defaults), and its exempt namespaces,
   * runtime classes and usernames are not Pod Security checked (the answer says so). `rules`
   * should be its enforce default (used when a namespace's labels cannot be read).
   */
  pssConfig?: PssConfig;
  /** One line per decision (no credentials: user names and object names only). */
  log?: (line: string) => void;
}

export type ExtraCheck = (input: { object: Obj; oldObject?: Obj; request: ParsedRequest }) => Promise<Violation[]> | Violation[];

export interface Violation {
  /** Rule id (BW-K8S-004) or policy rule (policy/vulnerabilities). */
  rule: string;
  title: string;
  container?: string;
  image?: string;
  message: string;
  evidence: string[];
  /**
   * What this violation may do at most, whatever the mode: "warn" (a CEL binding with
   * validationActions [Warn]) or "audit" ([Audit]). Unset: as the mode says.
   */
  action?: "warn" | "audit";
}

export interface AdmissionResponse {
  uid: string;
  allowed: boolean;
  status?: { code: number; reason?: string; message: string };
  warnings?: string[];
  auditAnnotations?: Record<string, string>;
  patchType?: "JSONPatch";
  patch?: string;
}

export interface AdmissionReviewOut {
  apiVersion: "admission.k8s.io/v1";
  kind: "AdmissionReview";
  response: AdmissionResponse;
}

/** A body that is not an AdmissionReview request: answered 400 (there is no uid to answer). */
export class BadReview extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BadReview";
  }
}

export interface ParsedRequest {
  uid: string;
  kind: string;
  namespace: string;
  name: string;
  operation: string;
  subResource: string;
  object: Obj | undefined;
  oldObject: Obj | undefined;
  dryRun: boolean;
  /** The request as sent (userInfo, options, …), for extra checks. */
  raw: Obj;
}

const UID = /^[\x21-\x7e]{1,128}$/;

export function parseReview(body: unknown): ParsedRequest {
  if (!isObj(body)) throw new BadReview("the body is not a JSON object");
  if (body.apiVersion !== "admission.k8s.io/v1") throw new BadReview(`apiVersion must be admission.k8s.io/v1, got ${JSON.stringify(body.apiVersion)?.slice(0, 60)}`);
  if (body.kind !== "AdmissionReview") throw new BadReview(`kind must be AdmissionReview, got ${JSON.stringify(body.kind)?.slice(0, 60)}`);
  const req = body.request;
  if (!isObj(req)) throw new BadReview("request is missing");
  if (typeof req.uid !== "string" || !UID.test(req.uid)) throw new BadReview("request.uid is missing or malformed");
  const kind = isObj(req.kind) && typeof req.kind.kind === "string" ? req.kind.kind : "";
  const str = (v: unknown) => (typeof v === "string" ? v : "");
  const object = isObj(req.object) ? req.object : undefined;
  const meta = object && isObj(object.metadata) ? object.metadata : {};
  return {
    uid: req.uid,
    kind,
    namespace: str(req.namespace) || str(meta.namespace),
    name: str(req.name) || str(meta.name) || (str(meta.generateName) ? `${str(meta.generateName)}*` : ""),
    operation: str(req.operation),
    subResource: str(req.subResource),
    object,
    oldObject: isObj(req.oldObject) ? req.oldObject : undefined,
    dryRun: req.dryRun === true,
    raw: req,
  };
}

const PSS_PREFIX = "pod-security.kubernetes.io/";
const MAX_MESSAGE = 3500;
const MAX_WARNINGS = 20;
const MAX_WARNING = 240;
const MAX_ANNOTATION = 8000;
/** Distinct images looked at per object; more are "not verified" (per the fail mode). */
const MAX_IMAGES = 64;

interface ImageOutcome {
  image: string;
  containers: ContainerRef[];
  resolved?: ResolvedImage;
  /** Content verdict (absent: unknown). */
  result?: ImageResult;
  nameRules: RuleResult[];
  /** Why the verdict is unknown. */
  unknown?: string;
}

interface Evaluation {
  violations: Violation[];
  unknown: { image?: string; reason: string }[];
  notes: string[];
  images: ImageOutcome[];
}

export class AdmissionController {
  readonly timeoutMs: number;
  private readonly exempt: Set<string>;
  /** Rule selections per level and version (one object each, so Pod Security results are shared per selection). */
  private readonly selections = new Map<string, RuleSelection>();

  constructor(private readonly opts: AdmissionOptions) {
    this.timeoutMs = opts.timeoutMs ?? 8000;
    this.exempt = new Set(opts.exemptNamespaces ?? []);
  }

  /** The selection for a namespace label's level and version; the extra rules go with the enforced level only. */
  private selection(l: LevelLabel, enforced: boolean): RuleSelection {
    const base = this.opts.rules;
    if (enforced && l.level === base.level && l.version.label === base.version.label) return base;
    const key = `${enforced ? "e" : "w"}/${l.level}/${l.version.label}`;
    let s = this.selections.get(key);
    if (!s) this.selections.set(key, (s = { level: l.level, version: l.version, extraRules: enforced ? base.extraRules : new Set() }));
    return s;
  }

  private defaults?: NamespacePolicy;

  /** The PodSecurityConfiguration's defaults as a namespace policy (no labels known). */
  private defaultPolicy(cfg: PssConfig): NamespacePolicy {
    return (this.defaults ??= namespacePolicy(undefined, cfg.defaults));
  }

  /** The namespace's labels: cached, else read before the deadline; undefined with the reason when not known. */
  private async namespacePolicy(namespace: string, deadline: number): Promise<{ policy?: NamespacePolicy; unknown?: string }> {
    const labels = this.opts.namespaces;
    if (!labels || !namespace) return {};
    const hit = labels.cached(namespace);
    if (hit) return { policy: hit };
    let policy: NamespacePolicy | undefined;
    const outcome = await raceDeadline(labels.lookup(namespace).then((p) => void (policy = p)), deadline);
    if (outcome === "timeout") return { unknown: `the labels of namespace ${namespace} were not read in time (its Pod Security level is unknown; --pss applied)` };
    if (outcome instanceof Error) return { unknown: `${oneLine(outcome.message)} (its Pod Security level is unknown; --pss applied)` };
    return policy ? { policy } : {};
  }

  /** /validate: throws BadReview for bodies that are not AdmissionReview requests. */
  async validate(body: unknown): Promise<AdmissionReviewOut> {
    const started = Date.now();
    const req = parseReview(body);
    const response = await this.decide(req, started + this.timeoutMs);
    return { apiVersion: "admission.k8s.io/v1", kind: "AdmissionReview", response };
  }

  /** /mutate: pins image tags to the digests whose verdict passed (never denies). */
  async mutate(body: unknown): Promise<AdmissionReviewOut> {
    const started = Date.now();
    const req = parseReview(body);
    const response: AdmissionResponse = { uid: req.uid, allowed: true };
    const t = this.subject(req);
    if (t && !this.exempt.has(req.namespace) && this.opts.verdicts) {
      const ev = await this.evaluateImages(t.containers, started + this.timeoutMs, true);
      const patch: { op: "replace"; path: string; value: string }[] = [];
      for (const o of ev.images) {
        if (!o.resolved?.digest || o.resolved.ref.digest) continue;
        // Only what was checked and passed is pinned; a failing or unknown image stays as written.
        if (this.opts.verdicts.readsImages && (!o.result || o.result.verdict !== "pass")) continue;
        for (const c of o.containers) patch.push({ op: "replace", path: c.imagePointer, value: `${o.image}@${o.resolved.digest}` });
      }
      if (patch.length) {
        response.patchType = "JSONPatch";
        response.patch = Buffer.from(JSON.stringify(patch)).toString("base64");
        this.opts.log?.(`mutate ${req.kind} ${req.namespace}/${req.name}: pinned ${patch.length} image${patch.length === 1 ? "" : "s"}`);
      }
    }
    return { apiVersion: "admission.k8s.io/v1", kind: "AdmissionReview", response };
  }

  /** The pod template to check, or undefined when the request is not about one. */
  private subject(req: ParsedRequest): { containers: ContainerRef[]; obj: Obj } | undefined {
    if (req.operation !== "CREATE" && req.operation !== "UPDATE") return undefined;
    if (req.subResource !== "" && req.subResource !== "ephemeralcontainers") return undefined;
    const kind = req.kind || (typeof req.object?.kind === "string" ? req.object.kind : "");
    if (!isWorkloadKind(kind) || !req.object) return undefined;
    const t = podTemplate(kind, req.object);
    if (!t) return undefined;
    return { containers: t.containers, obj: req.object };
  }

  private async decide(req: ParsedRequest, deadline: number): Promise<AdmissionResponse> {
    const response: AdmissionResponse = { uid: req.uid, allowed: true };
    const what = `${req.kind || "object"} ${req.namespace ? `${req.namespace}/` : ""}${req.name}`;
    const kind = req.kind || (typeof req.object?.kind === "string" ? req.object.kind : "");
    if (req.operation !== "CREATE" && req.operation !== "UPDATE") return response;
    if (!isWorkloadKind(kind) || (req.subResource !== "" && req.subResource !== "ephemeralcontainers")) return response;
    if (!req.object) return this.finish(req, what, response, { violations: [], unknown: [{ reason: "the request has no object" }], notes: [], images: [] });
    if (this.exempt.has(req.namespace)) {
      response.auditAnnotations = { verdict: "exempt", reason: `namespace ${req.namespace} is exempt` };
      this.opts.log?.(`allow ${what}: namespace exempt`);
      return response;
    }
    const t = podTemplate(kind, req.object);
    if (!t) {
      return this.finish(req, what, response, { violations: [{ rule: "BW-ADM-001", title: "No pod template", message: `${kind} has no pod template to check`, evidence: [] }], unknown: [], notes: [], images: [] });
    }
    // An update that leaves the pod template as it was (labels, finalizers, status, scale) runs
    // nothing new: it is not checked, so existing objects can still be managed and deleted.
    if (req.operation === "UPDATE" && req.oldObject) {
      const old = podTemplate(kind, req.oldObject);
      if (old && canonical(old.spec) === canonical(t.spec) && canonical(old.annotations ?? null) === canonical(t.annotations ?? null)) {
        response.auditAnnotations = { verdict: "unchanged" };
        return response;
      }
    }
    const obj = { ...req.object, kind, apiVersion: typeof req.object.apiVersion === "string" ? req.object.apiVersion : "v1" };
    const cfg = this.opts.pssConfig;
    // PodSecurityConfiguration exemptions: no Pod Security check at all (the image policy and
    // other checks still run); the answer's annotations say why.
    const user = isObj(req.raw.userInfo) ? req.raw.userInfo.username : undefined;
    const exemption = pssExemption(cfg, req.namespace, t.spec.runtimeClassName, user);
    // The namespace's own Pod Security labels (as the API server's Pod Security admission reads
    // them): enforce replaces --pss there; warn and audit add warnings and audit annotations.
    const ns: { policy?: NamespacePolicy; unknown?: string } = exemption ? {} : this.opts.namespaces ? await this.namespacePolicy(req.namespace, deadline) : {};
    // Without labels (none read, or unreadable in time) the configuration's defaults apply.
    if (!exemption && !ns.policy && cfg) ns.policy = this.defaultPolicy(cfg);
    const enforced = ns.policy?.enforce;
    const enforceSel = enforced ? this.selection(enforced, true) : this.opts.rules;
    const pssNote = exemption ? describeExemption(exemption) : enforced ? `${enforced.level}:${enforced.version.label} (${enforced.from === "default" ? "PodSecurityConfiguration default" : "namespace label"})` : `${this.opts.rules.level}:${this.opts.rules.version.label}`;
    const evidence = (mode: string, l: LevelLabel) => (l.from === "default" ? `PodSecurityConfiguration defaults: ${mode}=${l.level}` : `namespace ${req.namespace}: ${PSS_PREFIX}${mode}=${l.level}`);
    const violations: Violation[] = [];
    const notes: string[] = [];
    if (exemption) {
      this.opts.log?.(`${what}: Pod Security not checked, ${describeExemption(exemption)}`);
    } else try {
      const pss = checkPodSecurity(obj, what, enforceSel);
      notes.push(...pss.errors);
      for (const f of pss.findings) {
        const v = fromFinding(f);
        if (enforced) v.evidence.push(evidence("enforce", enforced));
        violations.push(v);
      }
      // warn and audit labels: what their levels find beyond the enforced findings.
      const seen = new Set(violations.map((v) => `${v.rule}\n${v.message}`));
      for (const mode of ["warn", "audit"] as const) {
        const l = ns.policy?.[mode];
        if (!l || l.level === "privileged") continue;
        for (const f of checkPodSecurity(obj, what, this.selection(l, false)).findings) {
          const v = fromFinding(f);
          const key = `${v.rule}\n${v.message}`;
          if (seen.has(key)) continue;
          seen.add(key);
          v.action = mode;
          v.evidence.push(evidence(mode, l));
          violations.push(v);
        }
      }
    } catch (e) {
      // A library caller may hand over an object too deep or odd for the rules: the verdict is unknown.
      return this.finish(req, what, response, { violations: [], unknown: [{ reason: `the Pod Security rules could not run: ${oneLine(String((e as Error)?.message ?? e))}` }], notes: [], images: [] }, pssNote);
    }
    const ev: Evaluation = this.opts.verdicts ? await this.evaluateImages(t.containers, deadline, false) : { violations: [], unknown: [], notes: [], images: [] };
    if (ns.unknown) ev.unknown.push({ reason: ns.unknown });
    if (ns.policy?.invalid.length) ev.notes.push(`namespace ${req.namespace}: labels not understood: ${ns.policy.invalid.join(", ")}`);
    for (const check of this.opts.extraChecks ?? []) {
      const run = (async () => {
        const found = await check({ object: obj, ...(req.oldObject ? { oldObject: req.oldObject } : {}), request: req });
        violations.push(...found);
      })();
      const outcome = await raceDeadline(run, deadline);
      if (outcome === "timeout") ev.unknown.push({ reason: "a policy check did not finish in time" });
      else if (outcome instanceof Error) ev.unknown.push({ reason: `a policy check failed: ${oneLine(outcome.message)}` });
    }
    return this.finish(req, what, response, { ...ev, violations: [...violations, ...ev.violations], notes: [...ev.notes, ...notes] }, this.opts.namespaces || cfg ? pssNote : undefined);
  }

  /** Policy verdicts of every distinct image, each waited for until the deadline at most. */
  private async evaluateImages(containers: ContainerRef[], deadline: number, forMutation: boolean): Promise<Evaluation> {
    const verdicts = this.opts.verdicts!;
    const out: Evaluation = { violations: [], unknown: [], notes: [], images: [] };
    const byImage = new Map<string, ImageOutcome>();
    for (const c of containers) {
      if (c.image === undefined) {
        out.violations.push({ rule: "BW-ADM-002", title: "Container without image", container: c.name, message: `container "${c.name}" names no image`, evidence: [] });
        continue;
      }
      let o = byImage.get(c.image);
      if (!o) byImage.set(c.image, (o = { image: c.image, containers: [], nameRules: [] }));
      o.containers.push(c);
    }
    const list = [...byImage.values()];
    for (const o of list.slice(MAX_IMAGES)) o.unknown = `more than ${MAX_IMAGES} distinct images in one object`;
    const needDigest = verdicts.readsImages || forMutation;
    // Warm path first, synchronously: everything already known, nothing to wait for (no timers,
    // no promises); only images that are not go to the awaited checks below.
    const cold: ImageOutcome[] = [];
    for (const o of list.slice(0, MAX_IMAGES)) {
      const names = verdicts.nameRulesCached(o.image);
      if (names) {
        o.nameRules = names;
        if (names.some((r) => r.verdict === "fail")) continue;
        const resolved = verdicts.resolveCached(o.image);
        if (resolved && (!needDigest || resolved.digest)) {
          const result = verdicts.readsImages ? verdicts.cached(resolved) : undefined;
          if (result || !verdicts.readsImages) {
            o.resolved = resolved;
            if (result) o.result = result;
            continue;
          }
        }
      }
      cold.push(o);
    }
    if (cold.length) await Promise.all(
      cold.map(async (o) => {
        const work = (async () => {
          // The name rules first: an image the policy refuses by name (a registry not allowed) is
          // never fetched, so a pod spec cannot make the webhook contact any host it names.
          o.nameRules = await verdicts.nameRules(o.image);
          if (o.nameRules.some((r) => r.verdict === "fail")) return;
          const resolved = await verdicts.resolve(o.image, needDigest);
          o.resolved = resolved;
          if (verdicts.readsImages) o.result = await verdicts.verdict(resolved);
        })();
        const outcome = await raceDeadline(work, deadline);
        if (outcome === "timeout") o.unknown = "the image check did not finish in time (it goes on in the background)";
        else if (outcome instanceof Error) o.unknown = oneLine(outcome.message);
      }),
    );
    for (const o of list) {
      out.images.push(o);
      if (o.unknown) {
        // A reference that cannot be parsed is a violation, not an unknown verdict.
        if (/^invalid image reference/.test(o.unknown)) {
          out.violations.push({ rule: "BW-ADM-003", title: "Invalid image reference", image: o.image, container: o.containers.map((c) => c.name).join(","), message: o.unknown, evidence: [] });
        } else out.unknown.push({ image: o.image, reason: o.unknown });
        continue;
      }
      const containerNames = o.containers.map((c) => c.name).join(",");
      for (const r of o.nameRules) if (r.verdict === "fail") out.violations.push(policyViolation(r, o.image, containerNames));
      if (o.result) {
        for (const note of o.result.notes) out.notes.push(`${o.image}: ${note}`);
        for (const r of o.result.rules) {
          if (r.rule === "forbidRootUser") {
            // Kubernetes decides the user: runAsUser / runAsNonRoot override the image's User.
            for (const c of o.containers) {
              const v = rootVerdict(r, c);
              if (v) out.violations.push({ ...policyViolation(v, o.image, c.name) });
            }
            continue;
          }
          if (r.verdict === "fail") out.violations.push(policyViolation(r, o.image, containerNames));
        }
      }
    }
    return out;
  }

  private finish(req: ParsedRequest, what: string, response: AdmissionResponse, ev: Evaluation, pssNote?: string): AdmissionResponse {
    const { violations, unknown } = ev;
    const mode = this.opts.mode;
    const unknownLines = unknown.map((u) => (u.image ? `image ${u.image} not verified: ${u.reason}` : `not verified: ${u.reason}`));
    const denying = violations.filter((v) => v.action === undefined);
    const deny = (denying.length > 0 && mode === "enforce") || (unknown.length > 0 && this.opts.failMode === "closed" && mode === "enforce");
    const lines = (deny ? denying : violations).map(violationLine);
    const warnOnly = violations.filter((v) => v.action === "warn").map((v) => `bulwark: ${violationLine(v)}`);
    const annotations: Record<string, string> = { mode };
    if (pssNote) annotations.pss = pssNote;
    if (deny) {
      response.allowed = false;
      const parts = [...lines, ...(this.opts.failMode === "closed" ? unknownLines.map((l) => `${l} (fail closed)`) : [])];
      response.status = { code: 403, reason: "Forbidden", message: cap(`bulwark denied ${what}: ${parts.join("; ")}`, MAX_MESSAGE) };
      if (warnOnly.length) response.warnings = warnOnly.slice(0, MAX_WARNINGS).map((w) => cap(w, MAX_WARNING));
      annotations.verdict = "deny";
    } else {
      const warn: string[] = [];
      if (mode !== "audit") {
        if (mode === "warn") warn.push(...violations.filter((v) => v.action !== "audit").map((v) => `bulwark: ${violationLine(v)}`));
        else warn.push(...warnOnly);
        if (unknown.length) warn.push(...unknownLines.map((l) => `bulwark: ${l} (fail open)`));
      }
      if (warn.length) response.warnings = warn.slice(0, MAX_WARNINGS).map((w) => cap(w, MAX_WARNING));
      annotations.verdict = violations.length ? (mode === "warn" || warnOnly.length ? "warn" : "audit") : unknown.length ? "unverified" : "allow";
    }
    if (violations.length) annotations.violations = cap(JSON.stringify(violations.map((v) => ({ rule: v.rule, container: v.container, image: v.image, message: v.message, evidence: v.evidence.slice(0, 5) }))), MAX_ANNOTATION);
    if (unknown.length) annotations.unverified = cap(JSON.stringify(unknown), MAX_ANNOTATION);
    response.auditAnnotations = annotations;
    this.opts.log?.(`${deny ? "deny" : "allow"} ${what}${req.dryRun ? " (dry run)" : ""}: ${violations.length} violation${violations.length === 1 ? "" : "s"}, ${unknown.length} unverified${violations.length ? ` [${violations.map((v) => v.rule).join(", ")}]` : ""}`);
    return response;
  }
}

function fromFinding(f: Misconfiguration): Violation {
  const v: Violation = { rule: f.ruleId, title: f.title, message: f.message, evidence: [] };
  if (f.resource?.container) v.container = f.resource.container;
  if (f.references.pss) v.evidence.push(`Pod Security Standards ${f.references.pss.level}: ${f.references.pss.control}`);
  return v;
}

function policyViolation(r: RuleResult, image: string, containers: string): Violation {
  const v: Violation = { rule: `policy/${r.rule}`, title: r.rule, image, message: r.reason, evidence: r.evidence };
  if (containers) v.container = containers;
  return v;
}

/** The image-user rule for one container: its securityContext first, then the image's User. */
function rootVerdict(r: RuleResult, c: ContainerRef): RuleResult | undefined {
  if (c.runAsUser !== undefined) {
    if (c.runAsUser === 0) return { ...r, verdict: "fail", reason: `container "${c.name}" sets runAsUser: 0 (root)`, evidence: [`securityContext.runAsUser: 0`, ...r.evidence] };
    return undefined;
  }
  if (c.runAsNonRoot === true) return undefined; // the kubelet refuses to start it as root
  return r.verdict === "fail" ? r : undefined;
}

function violationLine(v: Violation): string {
  // Rule messages name their container already; policy verdicts are about an image.
  const where = v.image ? `image ${v.image}${v.container ? ` (container ${v.container})` : ""}` : "";
  const ev = v.evidence.filter((e) => !e.startsWith("Pod Security Standards")).slice(0, 3);
  return `[${v.rule}${v.title && v.title !== v.rule.replace(/^policy\//, "") ? ` ${v.title}` : ""}] ${where ? `${where}: ` : ""}${v.message}${ev.length ? ` (${ev.join("; ")})` : ""}`;
}

async function raceDeadline(p: Promise<void>, deadline: number): Promise<"done" | "timeout" | Error> {
  const left = deadline - Date.now();
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<"timeout">((resolve) => (timer = setTimeout(() => resolve("timeout"), Math.max(0, left))));
  try {
    return await Promise.race([p.then(() => "done" as const), t]);
  } catch (e) {
    return e instanceof Error ? e : new Error(String(e));
  } finally {
    clearTimeout(timer);
    p.catch(() => undefined);
  }
}

function oneLine(s: string): string {
  return s.replace(/\p{Cc}+/gu, " ").trim();
}

function cap(s: string, n: number): string {
  return s.length <= n ? s : `${s.slice(0, n - 15)} … (truncated)`;
}
