import { SERVICE, toolRule } from "./tool-rule.js";

export const shellTools = toolRule("BW-IMG-020", "shell", "Shell in the image", "a shell is what most exploits and attackers need first.", {
  good: [`${SERVICE}\n-rwxr-xr-x 900000 app/server`, "-rw-r--r-- 100 usr/share/bash-completion/bash"],
  bad: [`${SERVICE}\n-rwxr-xr-x 125560 usr/bin/dash\nlrwxrwxrwx 0 usr/bin/sh -> dash`, "-rwxr-xr-x 800000 bin/busybox\nhrwxr-xr-x 0 bin/sh -> bin/busybox"],
});
