import { expect } from "chai";
import { artifacts } from "hardhat";

/** EIP-170: no network deploys runtime code above this many bytes. */
const MAX_CODE_SIZE = 24_576;
/** EIP-3860: no network runs creation code above this many bytes (the factory's makes its modules). */
const MAX_INITCODE_SIZE = 2 * MAX_CODE_SIZE;

/** Every contract deployZoneDao and the factory deploy, by artifact name. */
const DEPLOYED = [
  "Zone",
  "ZoneFactory",
  "ZoneServices",
  "ZoneGoods",
  "ZoneTrade",
  "ZoneTellers",
  "ZoneSealedBallots",
  "SealedBallotVerifier",
  "SemaphoreBatchVerifier",
  "LeanIMT",
  "SemaphoreVerifier",
];

describe("contract code size", function () {
  it("every deployed contract fits the EIP-170 limit, so the same contracts deploy to any EVM network", async function () {
    for (const name of DEPLOYED) {
      const { bytecode, deployedBytecode } = await artifacts.readArtifact(name);
      const bytes = (deployedBytecode.length - 2) / 2;
      expect(bytes, `${name}: ${bytes} bytes`).to.be.at.most(MAX_CODE_SIZE);
      const creationBytes = (bytecode.length - 2) / 2;
      expect(creationBytes, `${name}: ${creationBytes} bytes of creation code`).to.be.at.most(
        MAX_INITCODE_SIZE,
      );
    }
  });
});
