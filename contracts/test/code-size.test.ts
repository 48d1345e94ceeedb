import { expect } from "chai";
import { artifacts } from "hardhat";

/** EIP-170: no network deploys runtime code above this many bytes. */
const MAX_CODE_SIZE = 24_576;

/** Every contract deployZoneDao and the factory deploy, by artifact name. */
const DEPLOYED = [
  "Zone",
  "ZoneFactory",
  "ZoneServices",
  "ZoneGoods",
  "ZoneTrade",
  "SemaphoreBatchVerifier",
  "LeanIMT",
  "SemaphoreVerifier",
];

describe("contract code size", function () {
  it("every deployed contract fits the EIP-170 limit, so the same contracts deploy to any EVM network", async function () {
    for (const name of DEPLOYED) {
      const { deployedBytecode } = await artifacts.readArtifact(name);
      const bytes = (deployedBytecode.length - 2) / 2;
      expect(bytes, `${name}: ${bytes} bytes`).to.be.at.most(MAX_CODE_SIZE);
    }
  });
});
