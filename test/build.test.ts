/**
 * scripts/build.ts: the check every entry point runs before it loads the sdk's typed bindings.
 * Tried on a scratch tree with a stand-in `hardhat` (a shell script), so no real compile runs here;
 * the real one is what `npm install`'s postinstall does, and .ci/run starts `npm start` right after.
 */
import { expect } from "chai";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { spawnSync } from "node:child_process";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { BINDINGS, STAMP, ensureBuild, staleBuildReason } from "../scripts/build.js";
import { CLI_BUNDLE, cliBundleIsCurrent } from "../scripts/cli-bundle.mjs";

describe("ensureBuild (scripts/build.ts)", function () {
  let root: string;
  const write = (path: string, text = "", ageSeconds = 0) => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
    const when = Date.now() / 1000 - ageSeconds;
    utimesSync(join(root, path), when, when);
  };
  /** A stand-in for node_modules/.bin/hardhat: writes the bindings, or fails, as told. */
  const fakeHardhat = (script: string) => {
    write("node_modules/.bin/hardhat", `#!/bin/sh\n${script}\n`);
    chmodSync(join(root, "node_modules/.bin/hardhat"), 0o755);
  };

  beforeEach(function () {
    root = mkdtempSync(join(tmpdir(), "zonedao-build-"));
    write("hardhat.config.ts", "", 60);
    write("contracts/Zone.sol", "", 60);
    write("contracts/economy/ZoneTrade.sol", "", 60);
  });
  afterEach(function () {
    rmSync(root, { recursive: true, force: true });
  });

  it("compiles a fresh clone, which has no bindings", function () {
    expect(staleBuildReason(root)).to.equal("the contracts' typed bindings are not built yet");
  });

  it("compiles once more after a compile it did not run (no stamp), then trusts its stamp", function () {
    write(BINDINGS);
    expect(staleBuildReason(root)).to.equal("the contracts were compiled by another command");
    write(STAMP);
    expect(staleBuildReason(root)).to.equal("");
  });

  it("compiles again when a contract in any folder, or the Hardhat config, is newer than the stamp", function () {
    write(BINDINGS);
    write(STAMP, "", 30);
    expect(staleBuildReason(root)).to.equal("");
    write("contracts/economy/ZoneTrade.sol");
    expect(staleBuildReason(root)).to.equal("a contract source changed since the last compile");
    write(STAMP);
    write("hardhat.config.ts", "", -5);
    expect(staleBuildReason(root)).to.equal("a contract source changed since the last compile");
  });

  it("runs hardhat compile when stale, then stamps the build; does nothing when up to date", function () {
    fakeHardhat(
      `[ "$1" = compile ] || exit 9\nmkdir -p types/ethers-contracts && echo >> ${BINDINGS} && echo ran >> calls`,
    );
    ensureBuild(root);
    expect(existsSync(join(root, BINDINGS))).to.equal(true);
    expect(staleBuildReason(root)).to.equal("");
    ensureBuild(root);
    expect(readFileSync(join(root, "calls"), "utf8"), "hardhat runs").to.equal("ran\n");
  });

  it("fails in words when the compile fails, and stamps nothing", function () {
    fakeHardhat("exit 3");
    expect(() => ensureBuild(root)).to.throw("hardhat compile failed (exit code 3)");
    expect(existsSync(join(root, STAMP))).to.equal(false);
  });
});

describe("the compiled zonedao command (scripts/cli-bundle.mjs)", function () {
  let root: string;
  const write = (path: string, ageSeconds: number) => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), "");
    const when = Date.now() / 1000 - ageSeconds;
    utimesSync(join(root, path), when, when);
  };

  beforeEach(function () {
    root = mkdtempSync(join(tmpdir(), "zonedao-cli-bundle-"));
    for (const folder of ["cli", "sdk", "circuits", "relayer", "scripts"]) mkdirSync(join(root, folder));
    write("sdk/index.ts", 120);
    write("types/ethers-contracts/index.ts", 120);
    write("node_modules/.package-lock.json", 120);
  });

  afterEach(function () {
    rmSync(root, { recursive: true, force: true });
  });

  it("is remade when missing, or older than a source, the bindings or the installed packages", function () {
    expect(cliBundleIsCurrent(root), "no bundle yet").to.equal(false);
    write(CLI_BUNDLE, 60);
    expect(cliBundleIsCurrent(root)).to.equal(true);
    // Built files and dependencies inside the source folders are not sources.
    write("circuits/build/sealed-ballot/generated.ts", 0);
    write("relayer/node_modules/dependency/index.ts", 0);
    expect(cliBundleIsCurrent(root)).to.equal(true);
    const newer = [
      "relayer/test/deep/helper.ts",
      "types/ethers-contracts/index.ts",
      "node_modules/.package-lock.json",
    ];
    newer.forEach((path, index) => {
      write(path, 50 - 10 * index);
      expect(cliBundleIsCurrent(root), `${path} changed`).to.equal(false);
      write(CLI_BUNDLE, 45 - 10 * index);
      expect(cliBundleIsCurrent(root)).to.equal(true);
    });
  });
});

describe("the zonedao bin in this checkout (scripts/postinstall.ts)", function () {
  this.timeout(60_000);

  it("is linked into node_modules/.bin by npm install, and runs the compiled command", function () {
    expect(readlinkSync("node_modules/.bin/zonedao")).to.equal(join("..", "..", "cli", "zonedao.mjs"));
    const help = spawnSync(process.execPath, ["node_modules/.bin/zonedao", "help"], { encoding: "utf8" });
    expect(help.status, help.stderr).to.equal(0);
    expect(help.stdout).to.include("zonedao: private voting for community DAOs (zones)");
    expect(cliBundleIsCurrent(), "the bin remade the bundle if it was stale").to.equal(true);
  });
});
