// Lists what a watch covers: repositories (the catalog, or the watch's literal names), their
// tags, each tag resolved to its manifest digest. Bounded like `registry scan` (the list functions
// cap pages, names and bytes); here also the number of tags per repository and of images.
import { RegistryClient } from "../../image/registry/client.js";
import { fetchManifest } from "../../image/registry/index.js";
import { listRepositories, listTags } from "../../index.js";
import { globToRegExp, matchesAny } from "../common/glob.js";
import type { PushedImage } from "./events.js";
import type { Watch, WatchCredentials } from "./types.js";

export interface ListOptions {
  maxImages?: number;
  maxTagsPerRepository?: number;
  concurrency?: number;
  /** Registry client timeouts and retries (tests shorten them). */
  retry?: { attempts?: number; baseDelayMs?: number; maxDelayMs?: number };
}

export interface WatchListing {
  images: PushedImage[];
  errors: { repository?: string; tag?: string; message: string }[];
  truncated?: string;
}

const isLiteral = (g: string): boolean => !/[*?]/.test(g);

export async function listWatch(watch: Pick<Watch, "registry" | "repositories" | "tags" | "insecure">, credentials: WatchCredentials | undefined, opts: ListOptions = {}): Promise<WatchListing> {
  const client = new RegistryClient(watch.registry, {
    insecure: watch.insecure,
    ...(credentials ? { username: credentials.username, password: credentials.password } : {}),
    // Only the watch's own credentials: never the server user's Docker config.
    // (a missing implicit config means anonymous; proxies still come from the environment).
    env: { ...process.env, DOCKER_CONFIG: "/nonexistent/bulwark-watch" },
    ...(opts.retry ? { retry: opts.retry } : {}),
  });
  try {
    return await list(client, watch, opts);
  } finally {
    client.close();
  }
}

async function list(client: RegistryClient, watch: Pick<Watch, "registry" | "repositories" | "tags" | "insecure">, opts: ListOptions): Promise<WatchListing> {
  const maxImages = opts.maxImages ?? 10_000;
  const maxTags = opts.maxTagsPerRepository ?? 1000;
  const out: WatchListing = { images: [], errors: [] };
  let repositories: string[];
  if (watch.repositories.length > 0 && watch.repositories.every(isLiteral)) repositories = [...watch.repositories];
  else {
    const listed = await listRepositories(client);
    if (listed.truncated) out.truncated = listed.truncated;
    repositories = listed.names.filter((r) => matchesAny(r, watch.repositories));
  }
  const tagRes = watch.tags.map(globToRegExp);
  const work: { repository: string; tag: string }[] = [];
  for (const repository of repositories) {
    try {
      const tags = await listTags(client, repository);
      const wanted = tags.names.filter((t) => tagRes.length === 0 || tagRes.some((re) => re.test(t)));
      if (wanted.length > maxTags) out.errors.push({ repository, message: `${wanted.length} tags; only the first ${maxTags} are looked at` });
      for (const tag of wanted.slice(0, maxTags)) work.push({ repository, tag });
    } catch (e) {
      out.errors.push({ repository, message: e instanceof Error ? e.message : String(e) });
    }
    if (work.length >= maxImages) {
      out.truncated ??= `more than ${maxImages} tags`;
      break;
    }
  }
  const seen = new Set<string>();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < work.length && next < maxImages) {
      const { repository, tag } = work[next++]!;
      try {
        const { digest } = await fetchManifest(client, repository, tag, `${watch.registry}/${repository}:${tag}`);
        const key = `${repository}@${digest}`;
        if (!seen.has(key)) {
          seen.add(key);
          out.images.push({ repository, digest, tag });
        }
      } catch (e) {
        out.errors.push({ repository, tag, message: e instanceof Error ? e.message : String(e) });
      }
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency ?? 4 }, worker));
  return out;
}
