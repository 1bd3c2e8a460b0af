// The one list of analyzers. A contract test fails on an analyzer folder missing from here.
import { apkAnalyzer } from "./os/apk/index.js";
import { dpkgAnalyzer } from "./os/dpkg/index.js";
import { osReleaseAnalyzer } from "./os/os-release/index.js";
import { rpmAnalyzer } from "./os/rpm/index.js";
import { pythonAnalyzer } from "./lang/python/index.js";
import type { Analyzer } from "./types.js";

export const analyzers: Analyzer[] = [osReleaseAnalyzer, dpkgAnalyzer, apkAnalyzer, rpmAnalyzer, pythonAnalyzer];
