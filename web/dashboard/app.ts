// Bulwark dashboard: a small preact + htm single-page app with hash routes, served by
// `bulwark server` at / from assets bundled at build time (no network access needed).
import { html, render } from "htm/preact";
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { ApiError, clearToken, del, download, get, getToken, post, setToken, whenUnauthorized } from "./api.js";
import { drawHistory } from "./chart.js";
import type { CveImages, DeliveryRow, ImageDetail, Overview, Rule, Severity, Watch } from "./types.js";
import { SEVERITIES } from "./types.js";

const short = (digest: string): string => digest.replace(/^sha256:/, "").slice(0, 12);
const imageHref = (digest: string): string => `#/images/${encodeURIComponent(digest)}`;
const cveHref = (id: string): string => `#/cves/${encodeURIComponent(id)}`;
const nameOf = (i: { names: string[]; digest: string }): string => i.names[0] ?? short(i.digest);

function useRoute(): string {
  const [hash, setHash] = useState(location.hash || "#/");
  useEffect(() => {
    const f = () => setHash(location.hash || "#/");
    addEventListener("hashchange", f);
    return () => removeEventListener("hashchange", f);
  }, []);
  return hash;
}

/** Loads `path`; re-loads when `path` or `version` changes. */
function useApi<T>(path: string | undefined, version = 0): { data?: T; error?: string } {
  const [state, setState] = useState<{ data?: T; error?: string }>({});
  useEffect(() => {
    if (!path) return;
    let live = true;
    setState({});
    get<T>(path).then(
      (data) => live && setState({ data }),
      (e: unknown) => live && setState({ error: e instanceof Error ? e.message : String(e) }),
    );
    return () => {
      live = false;
    };
  }, [path, version]);
  return state;
}

function Sev({ s }: { s: Severity }) {
  return html`<span class=${`sev sev-${s.toLowerCase()}`}>${s}</span>`;
}

function Loading({ error }: { error?: string }) {
  return error ? html`<p class="error" role="alert">${error}</p>` : html`<p aria-busy="true">Loading…</p>`;
}

function Login({ onDone }: { onDone: () => void }) {
  const [token, setValue] = useState("");
  const [error, setError] = useState<string>();
  const submit = async (e: Event) => {
    e.preventDefault();
    setToken(token.trim());
    try {
      await get("/api/v1/dashboard/overview");
      onDone();
    } catch (err) {
      clearToken();
      setError(err instanceof ApiError && err.status === 401 ? "This token was not accepted." : String((err as Error).message));
    }
  };
  return html`<main id="main" class="login">
    <h1>Bulwark</h1>
    <form onSubmit=${submit}>
      <label for="token">API token</label>
      <input id="token" name="token" type="password" autocomplete="off" required value=${token} onInput=${(e: Event) => setValue((e.target as HTMLInputElement).value)} />
      <p class="hint">Create one with <code>bulwark server token create --name me --role reader</code>. It is kept in this tab only.</p>
      <button type="submit">Sign in</button>
      ${error && html`<p class="error" role="alert">${error}</p>`}
    </form>
  </main>`;
}

function Counts({ counts }: { counts: Partial<Record<Severity, number>> }) {
  return html`<ul class="counts">${SEVERITIES.map((s) => html`<li><${Sev} s=${s} /> <strong>${counts[s] ?? 0}</strong></li>`)}</ul>`;
}

function History({ history }: { history: Overview["history"] }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => (ref.current ? drawHistory(ref.current, history) : undefined), [history]);
  return html`<figure><div ref=${ref} class="chart" role="img" aria-label="Open findings by severity per day"></div>
    <figcaption>Open findings by severity, last ${history.days.length} days</figcaption></figure>`;
}

function OverviewPage() {
  const { data, error } = useApi<Overview>("/api/v1/dashboard/overview");
  if (!data) return html`<${Loading} error=${error} />`;
  return html`<h1>Fleet overview</h1>
    <section aria-labelledby="h-totals" class="cards">
      <h2 id="h-totals" class="visually-hidden">Totals</h2>
      <div class="card"><span class="big">${data.images}</span> images</div>
      <div class="card"><span class="big">${SEVERITIES.reduce((n, s) => n + (data.findings[s] ?? 0), 0)}</span> open findings, ${data.fixable} fixable</div>
      <div class="card"><span class="big">${data.eolImages.length}</span> end-of-life OS images</div>
      <div class="card"><span class="big">${data.malicious.length}</span> malicious packages</div>
    </section>
    <${Counts} counts=${data.findings} />
    <section aria-labelledby="h-history"><h2 id="h-history">Findings over time</h2><${History} history=${data.history} /></section>
    <section aria-labelledby="h-top"><h2 id="h-top">Top vulnerable packages</h2>
      <table><thead><tr><th scope="col">Package</th><th scope="col">Type</th><th scope="col">Images</th><th scope="col">Findings</th><th scope="col">Worst</th></tr></thead>
      <tbody>${data.topPackages.map((p) => html`<tr><td>${p.name}</td><td>${p.type}</td><td>${p.images}</td><td>${p.findings}</td><td><${Sev} s=${p.worst} /></td></tr>`)}</tbody></table>
    </section>
    <section aria-labelledby="h-eol"><h2 id="h-eol">End-of-life operating systems</h2>
      ${data.eolImages.length === 0 ? html`<p>None.</p>` : html`<table><thead><tr><th scope="col">Image</th><th scope="col">OS</th><th scope="col">Support ended</th></tr></thead>
      <tbody>${data.eolImages.map((i) => html`<tr><td><a href=${imageHref(i.digest)}>${nameOf(i)}</a></td><td>${i.os}</td><td>${i.eolDate}</td></tr>`)}</tbody></table>`}
    </section>
    <section aria-labelledby="h-mal"><h2 id="h-mal">Malicious packages</h2>
      ${data.malicious.length === 0 ? html`<p>None.</p>` : html`<table><thead><tr><th scope="col">Image</th><th scope="col">Package</th><th scope="col">Advisory</th></tr></thead>
      <tbody>${data.malicious.map((m) => html`<tr><td><a href=${imageHref(m.digest)}>${nameOf(m)}</a></td><td>${m.package} ${m.version}</td><td><a href=${cveHref(m.id)}>${m.id}</a></td></tr>`)}</tbody></table>`}
    </section>
    <section aria-labelledby="h-images"><h2 id="h-images">Images</h2>
      <table><thead><tr><th scope="col">Image</th><th scope="col">Last seen</th>${SEVERITIES.map((s) => html`<th scope="col">${s.toLowerCase()}</th>`)}</tr></thead>
      <tbody>${data.images_list.map((i) => html`<tr><td><a href=${imageHref(i.digest)}>${nameOf(i)}</a></td><td>${i.lastSeen.slice(0, 10)}</td>${SEVERITIES.map((s) => html`<td>${i.counts[s] ?? 0}</td>`)}</tr>`)}</tbody></table>
    </section>`;
}

function ImagePage({ digest }: { digest: string }) {
  const { data, error } = useApi<ImageDetail>(`/api/v1/dashboard/images/${encodeURIComponent(digest)}`);
  const [q, setQ] = useState("");
  const packages = useMemo(() => (data ? data.packages.filter((p) => !q || p.name.toLowerCase().includes(q.toLowerCase()) || p.purl.toLowerCase().includes(q.toLowerCase())) : []), [data, q]);
  if (!data) return html`<${Loading} error=${error} />`;
  const exp = (path: string, ext: string) => () => download(`/api/v1/images/${encodeURIComponent(digest)}/${path}`, `${short(digest)}.${ext}`);
  return html`<h1>${nameOf(data)}</h1>
    <dl class="facts"><dt>Digest</dt><dd><code>${data.digest}</code></dd>
      ${data.names.length > 1 && html`<dt>Also known as</dt><dd>${data.names.slice(1).join(", ")}</dd>`}
      <dt>OS</dt><dd>${data.os ?? "unknown"}${data.eol?.eol ? html` <span class="sev sev-high">end of life ${data.eol.date}</span>` : ""}</dd>
      <dt>Platform</dt><dd>${data.platform ?? "unknown"}</dd><dt>First seen</dt><dd>${data.firstSeen}</dd><dt>Last seen</dt><dd>${data.lastSeen}</dd></dl>
    <p class="actions"><button onClick=${exp("sbom?format=cyclonedx-json", "cdx.json")}>Download CycloneDX SBOM</button> <button onClick=${exp("sbom?format=spdx-json", "spdx.json")}>Download SPDX SBOM</button> <button onClick=${exp("vex?format=openvex", "vex.json")}>Download VEX</button></p>
    <section aria-labelledby="h-findings"><h2 id="h-findings">Findings (${data.findings.length})</h2>
      <table><thead><tr><th scope="col">Vulnerability</th><th scope="col">Severity</th><th scope="col">Package</th><th scope="col">Installed</th><th scope="col">Fixed in</th><th scope="col">Layer</th></tr></thead>
      <tbody>${data.findings.map((f) => html`<tr><td><a href=${cveHref(f.id)}>${f.id}</a></td><td><${Sev} s=${f.severity} /></td><td>${f.package}</td><td>${f.version}</td><td>${f.fixedVersion ?? "no fix"}</td><td>${f.layer ?? ""}</td></tr>`)}</tbody></table>
    </section>
    <section aria-labelledby="h-layers"><h2 id="h-layers">Layers</h2>
      <table><thead><tr><th scope="col">#</th><th scope="col">Created by</th><th scope="col">Packages introduced</th></tr></thead>
      <tbody>${data.layers.map((l) => html`<tr><td>${l.index}</td><td><code class="cmd">${l.createdBy ?? short(l.digest)}</code></td><td>${l.packages.length ? html`<details><summary>${l.packages.length} packages</summary>${l.packages.join(", ")}</details>` : "none"}</td></tr>`)}</tbody></table>
    </section>
    <section aria-labelledby="h-packages"><h2 id="h-packages">Packages (${data.packages.length})</h2>
      <label for="pkg-search">Search packages</label> <input id="pkg-search" type="search" value=${q} onInput=${(e: Event) => setQ((e.target as HTMLInputElement).value)} />
      <table><thead><tr><th scope="col">Name</th><th scope="col">Version</th><th scope="col">Type</th><th scope="col">Layer</th></tr></thead>
      <tbody>${packages.slice(0, 500).map((p) => html`<tr><td>${p.name}</td><td>${p.version}</td><td>${p.type}</td><td>${p.layer ?? ""}</td></tr>`)}</tbody></table>
      ${packages.length > 500 && html`<p>${packages.length - 500} more; narrow the search.</p>`}
    </section>`;
}

function CvePage({ id }: { id: string }) {
  const { data, error } = useApi<CveImages>(`/api/v1/images?cve=${encodeURIComponent(id)}`);
  if (!data) return html`<${Loading} error=${error} />`;
  return html`<h1>${id}</h1><p>${data.images.length} affected image${data.images.length === 1 ? "" : "s"}.</p>
    <table><thead><tr><th scope="col">Image</th><th scope="col">Package</th><th scope="col">Installed</th><th scope="col">Fixed in</th><th scope="col">Layer</th></tr></thead>
    <tbody>${data.images.flatMap((i) => i.findings.map((f) => html`<tr><td><a href=${imageHref(i.digest)}>${nameOf(i)}</a></td><td>${f.package}</td><td>${f.version}</td><td>${f.fixedVersion ?? "no fix"}</td><td><code>${f.layer ? short(f.layer) : ""}</code></td></tr>`))}</tbody></table>`;
}

function Field({ id, label, value, set, type = "text", required = false }: { id: string; label: string; value: string; set: (v: string) => void; type?: string; required?: boolean }) {
  return html`<div class="field"><label for=${id}>${label}</label><input id=${id} type=${type} value=${value} required=${required} onInput=${(e: Event) => set((e.target as HTMLInputElement).value)} /></div>`;
}

const list = (s: string): string[] => s.split(",").map((x) => x.trim()).filter(Boolean);

function SettingsPage() {
  const [version, setVersion] = useState(0);
  const watches = useApi<{ watches: Watch[] }>("/api/v1/watches", version);
  const rules = useApi<{ rules: Rule[] }>("/api/v1/notifications/rules", version);
  const deliveries = useApi<{ deliveries: DeliveryRow[] }>("/api/v1/notifications/deliveries", version);
  const [w, setW] = useState({ name: "", registry: "", repositories: "", tags: "", interval: "3600", username: "", password: "" });
  const [r, setR] = useState({ name: "", url: "", minSeverity: "HIGH", fixableOnly: false, registries: "", namespaces: "", format: "json" });
  const [message, setMessage] = useState<string>();
  const act = (f: () => Promise<unknown>, done: string) => async (e?: Event) => {
    e?.preventDefault();
    try {
      const out = await f();
      const secret = (out as { secret?: string } | undefined)?.secret;
      setMessage(secret ? `${done} Its secret (shown once): ${secret}` : done);
      setVersion((v) => v + 1);
    } catch (err) {
      setMessage(`Failed: ${(err as Error).message}`);
    }
  };
  const addWatch = act(() => post("/api/v1/watches", { name: w.name, registry: w.registry, repositories: list(w.repositories), tags: list(w.tags), intervalSeconds: Number(w.interval), ...(w.username ? { username: w.username, password: w.password } : {}) }), "Watch added.");
  const addRule = act(() => post("/api/v1/notifications/rules", { name: r.name, url: r.url, minSeverity: r.minSeverity, fixableOnly: r.fixableOnly, registries: list(r.registries), namespaces: list(r.namespaces), format: r.format }), "Rule added.");
  return html`<h1>Watches and notifications</h1>
    ${message && html`<p role="status" class="status">${message}</p>`}
    <section aria-labelledby="h-watches"><h2 id="h-watches">Registry watches</h2>
      ${watches.data ? html`<table><thead><tr><th scope="col">Name</th><th scope="col">Registry</th><th scope="col">Repositories</th><th scope="col">Every</th><th scope="col">Last listed</th><th scope="col">Error</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
        <tbody>${watches.data.watches.map((x) => html`<tr><td>${x.name}</td><td>${x.registry}</td><td>${x.repositories.join(", ") || "all"}</td><td>${x.intervalSeconds ? `${x.intervalSeconds} s` : "events only"}</td><td>${x.lastListedAt ?? "never"}</td><td>${x.lastError ?? ""}</td>
          <td><button onClick=${act(() => post(`/api/v1/watches/${x.id}/run`, {}), "Listing started.")}>List now</button> <button onClick=${act(() => del(`/api/v1/watches/${x.id}`), "Watch deleted.")}>Delete</button></td></tr>`)}</tbody></table>` : html`<${Loading} error=${watches.error} />`}
      <form onSubmit=${addWatch} class="grid"><h3>Add a watch</h3>
        <${Field} id="w-name" label="Name" value=${w.name} set=${(v: string) => setW({ ...w, name: v })} required=${true} />
        <${Field} id="w-registry" label="Registry (host:port)" value=${w.registry} set=${(v: string) => setW({ ...w, registry: v })} required=${true} />
        <${Field} id="w-repos" label="Repositories (globs, comma-separated)" value=${w.repositories} set=${(v: string) => setW({ ...w, repositories: v })} />
        <${Field} id="w-tags" label="Tags (globs)" value=${w.tags} set=${(v: string) => setW({ ...w, tags: v })} />
        <${Field} id="w-interval" label="Interval in seconds (0: events only)" type="number" value=${w.interval} set=${(v: string) => setW({ ...w, interval: v })} />
        <${Field} id="w-user" label="Username" value=${w.username} set=${(v: string) => setW({ ...w, username: v })} />
        <${Field} id="w-pass" label="Password" type="password" value=${w.password} set=${(v: string) => setW({ ...w, password: v })} />
        <button type="submit">Add watch</button></form>
    </section>
    <section aria-labelledby="h-rules"><h2 id="h-rules">Notification rules</h2>
      ${rules.data ? html`<table><thead><tr><th scope="col">Name</th><th scope="col">Webhook</th><th scope="col">Format</th><th scope="col">Minimum</th><th scope="col">Fixable only</th><th scope="col">Filters</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
        <tbody>${rules.data.rules.map((x) => html`<tr><td>${x.name}</td><td>${x.url}</td><td>${x.format}</td><td><${Sev} s=${x.minSeverity} /></td><td>${x.fixableOnly ? "yes" : "no"}</td><td>${[...x.registries, ...x.namespaces].join(", ") || "all"}</td>
          <td><button onClick=${act(() => del(`/api/v1/notifications/rules/${x.id}`), "Rule deleted.")}>Delete</button></td></tr>`)}</tbody></table>` : html`<${Loading} error=${rules.error} />`}
      <form onSubmit=${addRule} class="grid"><h3>Add a rule</h3>
        <${Field} id="r-name" label="Name" value=${r.name} set=${(v: string) => setR({ ...r, name: v })} required=${true} />
        <${Field} id="r-url" label="Webhook URL" type="url" value=${r.url} set=${(v: string) => setR({ ...r, url: v })} required=${true} />
        <div class="field"><label for="r-sev">Minimum severity</label><select id="r-sev" value=${r.minSeverity} onChange=${(e: Event) => setR({ ...r, minSeverity: (e.target as HTMLSelectElement).value })}>${SEVERITIES.map((s) => html`<option value=${s}>${s}</option>`)}</select></div>
        <div class="field"><label for="r-format">Format</label><select id="r-format" value=${r.format} onChange=${(e: Event) => setR({ ...r, format: (e.target as HTMLSelectElement).value })}><option value="json">JSON (signed)</option><option value="slack">Slack</option></select></div>
        <div class="field check"><input id="r-fix" type="checkbox" checked=${r.fixableOnly} onChange=${(e: Event) => setR({ ...r, fixableOnly: (e.target as HTMLInputElement).checked })} /><label for="r-fix">Fixable findings only</label></div>
        <${Field} id="r-regs" label="Registries (globs)" value=${r.registries} set=${(v: string) => setR({ ...r, registries: v })} />
        <${Field} id="r-ns" label="Namespaces (globs)" value=${r.namespaces} set=${(v: string) => setR({ ...r, namespaces: v })} />
        <button type="submit">Add rule</button></form>
    </section>
    <section aria-labelledby="h-deliveries"><h2 id="h-deliveries">Recent deliveries</h2>
      ${deliveries.data ? html`<table><thead><tr><th scope="col">Created</th><th scope="col">Rule</th><th scope="col">Status</th><th scope="col">Findings</th><th scope="col">Attempts</th><th scope="col">Last error</th></tr></thead>
        <tbody>${deliveries.data.deliveries.map((d) => html`<tr><td>${d.createdAt}</td><td>${d.ruleId.slice(0, 8)}</td><td class=${`st-${d.status}`}>${d.status}</td><td>${d.findings}</td><td>${d.attempts}</td><td>${d.lastError ?? ""}</td></tr>`)}</tbody></table>` : html`<${Loading} error=${deliveries.error} />`}
    </section>`;
}

function CveSearch() {
  const [id, setId] = useState("");
  return html`<form role="search" class="cve-search" onSubmit=${(e: Event) => {
    e.preventDefault();
    if (id.trim()) location.hash = cveHref(id.trim());
  }}><label for="cve" class="visually-hidden">Find a vulnerability</label><input id="cve" type="search" placeholder="CVE-2024-…" value=${id} onInput=${(e: Event) => setId((e.target as HTMLInputElement).value)} /><button type="submit">Find</button></form>`;
}

function App() {
  const [authed, setAuthed] = useState(Boolean(getToken()));
  const route = useRoute();
  useEffect(() => whenUnauthorized(() => setAuthed(false)), []);
  if (!authed) return html`<${Login} onDone=${() => setAuthed(true)} />`;
  const [, page, arg] = /^#\/([a-z]*)\/?(.*)$/.exec(route) ?? [];
  const body = page === "images" && arg ? html`<${ImagePage} digest=${decodeURIComponent(arg)} />` : page === "cves" && arg ? html`<${CvePage} id=${decodeURIComponent(arg)} />` : page === "settings" ? html`<${SettingsPage} />` : html`<${OverviewPage} />`;
  return html`<a class="skip" href="#main">Skip to content</a>
    <header><nav aria-label="Main"><a href="#/" class="brand">Bulwark</a> <a href="#/">Overview</a> <a href="#/settings">Watches and notifications</a></nav>
      <${CveSearch} /><button class="signout" onClick=${() => { clearToken(); setAuthed(false); }}>Sign out</button></header>
    <main id="main">${body}</main>`;
}

render(html`<${App} />`, document.getElementById("app")!);
