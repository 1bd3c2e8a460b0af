import { SERVICE, toolRule } from "./tool-rule.js";

export const packageManagerTools = toolRule("BW-IMG-021", "package-manager", "Package manager in the image", "a package manager lets an intruder install anything.", {
  good: [`${SERVICE}\n-rw-r--r-- 100 usr/share/doc/apt/copyright`],
  bad: [`${SERVICE}\n-rwxr-xr-x 18000 usr/bin/apt-get`, "-rwxr-xr-x 70000 sbin/apk"],
});
