/**
 * sdk/poseidon.ts against poseidon-lite, the hash Semaphore's groups use: any difference would make
 * the relayer's bucket roots, and so every private Merkle path, disagree with the chain's root.
 */
import { expect } from "chai";
import { Group } from "@semaphore-protocol/group";
import { poseidon2 } from "poseidon-lite";
import { randomBytes } from "node:crypto";
import { SNARK_SCALAR_FIELD } from "../constants.js";
import { leanRoot, poseidonT3 } from "../poseidon.js";

const F = SNARK_SCALAR_FIELD;
const random = (bytes: number) => BigInt(`0x${randomBytes(bytes).toString("hex")}`);

describe("sdk: Poseidon t = 3 (sdk/poseidon.ts)", function () {
  it("equals poseidon-lite's poseidon2 on edge inputs", function () {
    const edges = [0n, 1n, 2n, F - 2n, F - 1n, F, F + 1n, 2n ** 253n, 2n ** 254n - 1n, 2n ** 255n + 7n];
    for (const a of edges) {
      for (const b of edges) expect(poseidonT3(a, b), `${a}, ${b}`).to.equal(poseidon2([a, b]));
    }
  });

  it("equals poseidon-lite's poseidon2 on 2,000 random field elements and 200 random 256-bit words", function () {
    for (let i = 0; i < 2_000; i++) {
      const [a, b] = [random(32) % F, random(32) % F];
      expect(poseidonT3(a, b), `${a}, ${b}`).to.equal(poseidon2([a, b]));
    }
    for (let i = 0; i < 200; i++) {
      const [a, b] = [random(32), random(i % 32 || 1)];
      expect(poseidonT3(a, b), `${a}, ${b}`).to.equal(poseidon2([a, b]));
    }
  });

  it("gives the LeanIMT root of Semaphore's Group for any number of leaves", function () {
    for (const size of [1, 2, 3, 4, 5, 7, 8, 9, 33, 1_023, 1_024, 1_025]) {
      const leaves = Array.from({ length: size }, () => random(32) % F);
      expect(leanRoot(leaves), `${size} leaves`).to.equal(new Group(leaves).root);
    }
  });
});
