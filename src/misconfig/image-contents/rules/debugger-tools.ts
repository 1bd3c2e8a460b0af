import { SERVICE, toolRule } from "./tool-rule.js";

export const debuggerTools = toolRule("BW-IMG-023", "debugger", "Debugger or tracer in the image", "debuggers and tracers read and change other processes' memory.", {
  good: [`${SERVICE}\n-rw-r--r-- 100 usr/share/gdb/python/gdb/__init__.py`],
  bad: [`${SERVICE}\n-rwxr-xr-x 9000000 usr/bin/gdb`, "-rwxr-xr-x 300000 usr/bin/strace"],
});
