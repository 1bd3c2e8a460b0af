// The one list of analyzers. A contract test fails on an analyzer folder missing from here.
import { apkAnalyzer } from "./os/apk/index.js";
import { dpkgAnalyzer } from "./os/dpkg/index.js";
import { osReleaseAnalyzer } from "./os/os-release/index.js";
import { rpmAnalyzer } from "./os/rpm/index.js";
import { pythonAnalyzer } from "./lang/python/index.js";
import { npmAnalyzer } from "./lang/npm/index.js";
import { npmLockAnalyzer } from "./lang/npm-lock/index.js";
import { yarnAnalyzer } from "./lang/yarn/index.js";
import { pnpmAnalyzer } from "./lang/pnpm/index.js";
import { pythonEggAnalyzer } from "./lang/python-egg/index.js";
import { pythonLockAnalyzer } from "./lang/python-lock/index.js";
import { rubyAnalyzer } from "./lang/ruby/index.js";
import { gemfileLockAnalyzer } from "./lang/gemfile-lock/index.js";
import { composerAnalyzer } from "./lang/composer/index.js";
import { composerLockAnalyzer } from "./lang/composer-lock/index.js";
import { dotnetAnalyzer } from "./lang/dotnet/index.js";
import { nugetLockAnalyzer } from "./lang/nuget-lock/index.js";
import { gobinaryAnalyzer } from "./lang/gobinary/index.js";
import { gomodAnalyzer } from "./lang/gomod/index.js";
import { rustAnalyzer } from "./lang/rust/index.js";
import { cargoLockAnalyzer } from "./lang/cargo-lock/index.js";
import { runtimeAnalyzer } from "./lang/runtime/index.js";
import { javaAnalyzer } from "./lang/java/index.js";
import { mavenPomAnalyzer } from "./lang/maven-pom/index.js";
import { gradleLockAnalyzer } from "./lang/gradle-lock/index.js";
import { jdkAnalyzer } from "./lang/jdk/index.js";
import type { Analyzer } from "./types.js";

export const analyzers: Analyzer[] = [
  // OS
  osReleaseAnalyzer, dpkgAnalyzer, apkAnalyzer, rpmAnalyzer,
  // Python
  pythonAnalyzer, pythonEggAnalyzer, pythonLockAnalyzer,
  // Ruby, PHP, .NET
  rubyAnalyzer, gemfileLockAnalyzer, composerAnalyzer, composerLockAnalyzer, dotnetAnalyzer, nugetLockAnalyzer,
  // JavaScript
  npmAnalyzer, npmLockAnalyzer, yarnAnalyzer, pnpmAnalyzer,
  // Go, Rust, runtimes
  gobinaryAnalyzer, gomodAnalyzer, rustAnalyzer, cargoLockAnalyzer, runtimeAnalyzer,
  // Java
  javaAnalyzer, mavenPomAnalyzer, gradleLockAnalyzer, jdkAnalyzer,
];
