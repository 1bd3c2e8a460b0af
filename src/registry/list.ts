// Listing a registry: repositories through /v2/_catalog and tags through /v2/<name>/tags/list,
// following `Link: <…>; rel="next"` pagination. A registry is not trusted: every page body, the
// number of pages, the number of names and the time per page are capped, and a next link that
// does not advance (a loop) is refused with a clear error.
import type http from "node:http";
import { UserError } from "../errors.js";
import type { RegistryClient } from "../image/registry/client.js";

export interface ListLimits {
  /** Names asked for per page (`n`). */
  pageSize: number;
  /** Pages followed before giving up. */
  maxPages: number;
  /** Names kept before giving up. */
  maxNames: number;
  /** Bytes of one page body. */
  maxPageBytes: number;
  /** Time for one page, headers and body. */
  pageTimeoutMs: number;
}

export const DEFAULT_LIST_LIMITS: ListLimits = {
  pageSize: 1000,
  maxPages: 10_000,
  maxNames: 100_000,
  maxPageBytes: 8 << 20,
  pageTimeoutMs: 60_000,
};

export interface ListResult {
  names: string[];
  /** Set when listing stopped early (a cap, a loop, a failing page): the names are those read so far. */
  truncated?: string;
}

/** Repository names from the catalog. Listing errors after the first page leave a partial list with `truncated`. */
export function listRepositories(client: RegistryClient, limits: Partial<ListLimits> = {}): Promise<ListResult> {
  return listPaged(client, "/v2/_catalog", "repositories", { repository: "_catalog", scope: "registry:catalog:*" }, `the catalog of ${client.registry}`, limits);
}

/** Tags of one repository. */
export function listTags(client: RegistryClient, repository: string, limits: Partial<ListLimits> = {}): Promise<ListResult> {
  return listPaged(client, `/v2/${repository}/tags/list`, "tags", { repository }, `the tags of ${repository}`, limits);
}

/** Link: <url>; rel="next" (several links may be given, comma-separated). */
export function nextLink(header: string | string[] | undefined): string | undefined {
  if (header === undefined) return undefined;
  const text = Array.isArray(header) ? header.join(",") : header;
  for (const part of text.split(/,(?=\s*<)/)) {
    const m = /^\s*<([^>]*)>(.*)$/.exec(part);
    if (m && /;\s*rel="?next"?(\s*;|\s*$)/i.test(m[2]!)) return m[1];
  }
  return undefined;
}

async function listPaged(
  client: RegistryClient,
  path: string,
  field: "repositories" | "tags",
  auth: { repository: string; scope?: string },
  what: string,
  partial: Partial<ListLimits>,
): Promise<ListResult> {
  const limits = { ...DEFAULT_LIST_LIMITS, ...partial };
  const base = await client.baseUrl();
  let url: URL | undefined = new URL(path, base);
  url.searchParams.set("n", String(limits.pageSize));
  const names: string[] = [];
  const seenUrls = new Set<string>();
  const seen = new Set<string>();
  for (let page = 0; url; page++) {
    if (page >= limits.maxPages) return stop(names, `${what}: more than ${limits.maxPages} pages; stopped listing`);
    const key = url.pathname + url.search;
    if (seenUrls.has(key)) return stop(names, `${what}: the registry's next-page link repeats an earlier page (a pagination loop); stopped listing`);
    seenUrls.add(key);
    let body: { names: unknown[]; link: string | undefined };
    try {
      body = await fetchPage(client, url, field, auth, what, limits);
    } catch (e) {
      if (page === 0) throw e;
      return stop(names, `${(e as Error).message} (after ${names.length} names)`);
    }
    let fresh = 0;
    for (const n of body.names) {
      if (typeof n !== "string" || n === "") throw new UserError("INPUT", `${what}: the registry listed a name that is not a non-empty string`);
      if (names.length >= limits.maxNames) return stop(names, `${what}: more than ${limits.maxNames} names; stopped listing`);
      if (seen.has(n)) continue; // a repeat (some registries overlap pages; a loop repeats them all)
      seen.add(n);
      names.push(n);
      fresh++;
    }
    if (!body.link) break;
    if (fresh === 0) return stop(names, `${what}: the registry's next page brought no new names (a pagination loop); stopped listing`);
    const next: URL = new URL(body.link, url);
    if (next.origin !== base.origin) return stop(names, `${what}: the next-page link points to another host (${next.host}); refusing to follow it`);
    url = next;
  }
  return { names };
}

function stop(names: string[], message: string): ListResult {
  return { names, truncated: message };
}

async function fetchPage(
  client: RegistryClient,
  url: URL,
  field: "repositories" | "tags",
  auth: { repository: string; scope?: string },
  what: string,
  limits: ListLimits,
): Promise<{ names: unknown[]; link: string | undefined }> {
  let res: http.IncomingMessage | undefined;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      res?.destroy();
      reject(new UserError("NETWORK", `${what}: a page took more than ${limits.pageTimeoutMs} ms; stopped listing`));
    }, limits.pageTimeoutMs);
  });
  const work = (async () => {
    res = await client.request({
      method: "GET",
      target: url.href,
      repository: auth.repository,
      ...(auth.scope !== undefined ? { scope: auth.scope } : {}),
      headers: { accept: "application/json" },
    });
    if (res.statusCode !== 200) throw await client.failure(res, `listing ${what}`);
    const bytes = await client.readBody(res, limits.maxPageBytes, `a page of ${what}`);
    let json: unknown;
    try {
      json = JSON.parse(bytes.toString("utf8"));
    } catch {
      throw new UserError("INPUT", `${what}: the registry's answer is not valid JSON`);
    }
    const list = (json as Record<string, unknown> | null)?.[field];
    if (list !== null && list !== undefined && !Array.isArray(list)) throw new UserError("INPUT", `${what}: "${field}" is not a list`);
    return { names: (list as unknown[] | null | undefined) ?? [], link: nextLink(res.headers.link) };
  })();
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
    work.catch(() => undefined);
  }
}
