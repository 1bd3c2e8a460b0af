import { credentialFiles } from "./credential-files.js";
import { dotenvFile } from "./dotenv.js";
import { gitDirectory } from "./git-dir.js";
import { packageCache } from "./package-cache.js";
import { privateKeyFiles } from "./private-keys.js";
import { setuidFiles } from "./setuid.js";
import { shellHistory } from "./shell-history.js";
import { compilerTools } from "./compiler-tools.js";
import { debuggerTools } from "./debugger-tools.js";
import { networkTools } from "./network-tools.js";
import { packageManagerTools } from "./package-manager-tools.js";
import { shellTools } from "./shell-tools.js";
import type { ContentsRule } from "./util.js";
import { worldWritable } from "./world-writable.js";

export type { ContentsHit, ContentsRule } from "./util.js";

export const imageContentsRules: readonly ContentsRule[] = [
  setuidFiles,
  worldWritable,
  gitDirectory,
  shellHistory,
  dotenvFile,
  credentialFiles,
  privateKeyFiles,
  packageCache,
  shellTools,
  packageManagerTools,
  compilerTools,
  debuggerTools,
  networkTools,
];
