import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "chai";
import { semaphoreArtifacts } from "../artifacts.js";
import {
  BN254_BASE_FIELD,
  MAX_OPTIONS,
  MAX_TREE_DEPTH,
  MIN_TREE_DEPTH,
  PROPOSAL_STATES,
  ROOT_VALIDITY_SECONDS,
  SEALED_OPTIONS,
  SNARK_SCALAR_FIELD,
  VoteOption,
} from "../constants.js";
import { deployEmptyZone, loadFixture } from "../../test/zone-fixture.js";

interface AstNode {
  nodeType: string;
  name?: string;
  value?: { value?: string };
  members?: AstNode[];
  nodes?: AstNode[];
}

/** The AST of every source the Zone artifact was compiled from, keyed by source name. */
function zoneBuildSources(): Record<string, { ast: AstNode }> {
  const artifacts = join(import.meta.dirname, "..", "..", "artifacts");
  const zone = JSON.parse(readFileSync(join(artifacts, "contracts/Zone.sol/Zone.json"), "utf8")) as {
    buildInfoId: string;
  };
  const buildInfo = JSON.parse(
    readFileSync(join(artifacts, "build-info", `${zone.buildInfoId}.output.json`), "utf8"),
  ) as { output: { sources: Record<string, { ast: AstNode }> } };
  return buildInfo.output.sources;
}

/** The first AST node named `name` in the source whose name ends with `sourceSuffix`. */
function findDeclaration(sourceSuffix: string, name: string): AstNode {
  const sources = zoneBuildSources();
  const sourceName = Object.keys(sources).find((source) => source.endsWith(sourceSuffix));
  if (!sourceName) throw new Error(`no source ${sourceSuffix} in the Zone build`);
  const pending: AstNode[] = [sources[sourceName]!.ast];
  for (let node = pending.pop(); node; node = pending.pop()) {
    if (node.name === name && node.nodeType !== "Identifier") return node;
    pending.push(...(node.nodes ?? []));
  }
  throw new Error(`no declaration ${name} in ${sourceName}`);
}

function constantValue(sourceSuffix: string, name: string): bigint {
  const literal = findDeclaration(sourceSuffix, name).value?.value;
  if (literal === undefined) throw new Error(`${name} is not a literal constant`);
  return BigInt(literal);
}

async function emptyZone() {
  return deployEmptyZone();
}

describe("constants", function () {
  describe("SNARK_SCALAR_FIELD", function () {
    it("is the order r of BN254's scalar field, 36u^4 + 36u^3 + 18u^2 + 6u + 1", function () {
      const u = 4965661367192848881n; // BN254's curve parameter
      expect(SNARK_SCALAR_FIELD).to.equal(36n * u ** 4n + 36n * u ** 3n + 18n * u ** 2n + 6n * u + 1n);
    });

    it("equals ZoneScopes.SNARK_SCALAR_FIELD", function () {
      expect(SNARK_SCALAR_FIELD).to.equal(constantValue("libraries/ZoneScopes.sol", "SNARK_SCALAR_FIELD"));
    });
  });

  describe("BN254_BASE_FIELD", function () {
    it("is the order q of BN254's base field, 36u^4 + 36u^3 + 24u^2 + 6u + 1, and equals ZoneScopes.BASE_FIELD", function () {
      const u = 4965661367192848881n;
      expect(BN254_BASE_FIELD).to.equal(36n * u ** 4n + 36n * u ** 3n + 24n * u ** 2n + 6n * u + 1n);
      expect(BN254_BASE_FIELD).to.equal(constantValue("libraries/ZoneScopes.sol", "BASE_FIELD"));
    });
  });

  describe("MIN_TREE_DEPTH and MAX_TREE_DEPTH", function () {
    it("equal the Semaphore depth bounds the zone enforces", function () {
      expect(MIN_TREE_DEPTH).to.equal(Number(constantValue("base/Constants.sol", "MIN_DEPTH")));
      expect(MAX_TREE_DEPTH).to.equal(Number(constantValue("base/Constants.sol", "MAX_DEPTH")));
    });

    it("bound the depths with official artifacts", function () {
      expect(() => semaphoreArtifacts(MIN_TREE_DEPTH)).not.to.throw();
      expect(() => semaphoreArtifacts(MAX_TREE_DEPTH)).not.to.throw();
      expect(() => semaphoreArtifacts(MIN_TREE_DEPTH - 1)).to.throw(RangeError);
      expect(() => semaphoreArtifacts(MAX_TREE_DEPTH + 1)).to.throw(RangeError);
    });
  });

  describe("on a deployed zone", function () {
    it("MAX_OPTIONS equals zone.MAX_OPTIONS()", async function () {
      const { zone } = await loadFixture(emptyZone);
      expect(await zone.MAX_OPTIONS()).to.equal(BigInt(MAX_OPTIONS));
    });

    it("SEALED_OPTIONS equals zone.SEALED_OPTIONS()", async function () {
      const { zone } = await loadFixture(emptyZone);
      expect(await zone.SEALED_OPTIONS()).to.equal(BigInt(SEALED_OPTIONS));
    });

    it("VoteOption equals zone.AGAINST(), FOR() and ABSTAIN()", async function () {
      const { zone } = await loadFixture(emptyZone);
      expect(await zone.AGAINST()).to.equal(BigInt(VoteOption.Against));
      expect(await zone.FOR()).to.equal(BigInt(VoteOption.For));
      expect(await zone.ABSTAIN()).to.equal(BigInt(VoteOption.Abstain));
    });
  });

  describe("ROOT_VALIDITY_SECONDS", function () {
    it("equals ZoneMembership.ROOT_VALIDITY", async function () {
      const { zone } = await loadFixture(emptyZone);
      expect(await zone.ROOT_VALIDITY()).to.equal(BigInt(ROOT_VALIDITY_SECONDS));
    });
  });

  describe("PROPOSAL_STATES", function () {
    it("lists IZone.ProposalState's members in order", function () {
      const members = findDeclaration("interfaces/IZone.sol", "ProposalState").members ?? [];
      expect(PROPOSAL_STATES).to.deep.equal(members.map((member) => member.name));
    });
  });
});
