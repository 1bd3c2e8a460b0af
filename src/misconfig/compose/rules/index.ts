// Every Compose rule, in id order.
import type { ComposeRule } from "../doc.js";
import { privileged } from "./privileged.js";
import { networkHost } from "./network-host.js";
import { pidHost } from "./pid-host.js";
import { ipcHost } from "./ipc-host.js";
import { capAdd } from "./cap-add.js";
import { hostMounts } from "./host-mounts.js";
import { securityOpt } from "./security-opt.js";
import { envSecrets } from "./env-secrets.js";
import { imageLatest } from "./image-latest.js";
import { userRoot } from "./user-root.js";
import { devices } from "./devices.js";
import { usernsHost } from "./userns-host.js";

export const composeRules: ComposeRule[] = [privileged, networkHost, pidHost, ipcHost, capAdd, hostMounts, securityOpt, envSecrets, imageLatest, userRoot, devices, usernsHost];
