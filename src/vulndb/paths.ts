// Where the advisory database lives when the user does not say.
import { homedir } from "node:os";
import { isAbsolute, join } from "node:path";

/** `$BULWARK_DB`, else `$XDG_CACHE_HOME/bulwark/db/advisories.sqlite`, else `~/.cache/bulwark/db/advisories.sqlite`. */
export function defaultDbPath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.BULWARK_DB) return env.BULWARK_DB;
  // The XDG spec says relative values are invalid and must be ignored.
  const cache = env.XDG_CACHE_HOME && isAbsolute(env.XDG_CACHE_HOME) ? env.XDG_CACHE_HOME : join(homedir(), ".cache");
  return join(cache, "bulwark", "db", "advisories.sqlite");
}
