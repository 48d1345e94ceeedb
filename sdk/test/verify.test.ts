import { expect } from "chai";
import { readFileSync } from "node:fs";
import * as snarkjs from "snarkjs";
import { Group } from "@semaphore-protocol/group";
import { Identity } from "@semaphore-protocol/identity";
import { semaphoreArtifacts } from "../artifacts.js";
import { BN254_BASE_FIELD as Q, MAX_OPTIONS, SNARK_SCALAR_FIELD } from "../constants.js";
import { SemaphoreVerifier__factory } from "../contracts.js";
import { SemaphoreBatchVerifier__factory } from "../../types/ethers-contracts/index.js";
import { proveProposal, proveVote } from "../proof.js";
import { semaphoreHash, voteScope } from "../scope.js";
import type { PackedProof } from "../types.js";
import {
  engineFunction,
  engineExtensions,
  pairingProduct,
  withEngineMemory,
  type PairingPair,
} from "../pairing.js";
import {
  createProofVerifier,
  fixedBaseTables,
  g1Endomorphism,
  g2MembershipTest,
  GLV_LAMBDA,
  verifyVote,
  type Bn128,
  type ProposalToVerify,
  type VerificationKeyJson,
  type VoteToVerify,
  type ProofVerifier,
} from "../verify.js";
import { ethers } from "../../test/zone-fixture.js";

const CHAIN_ID = 31337n;
const ZONE = "0x0000000000000000000000000000000000005a5a";
const R = SNARK_SCALAR_FIELD;
/** The twist curve has r·h points; h's prime factors (the smallest is 10069). */
const TWIST_COFACTOR = 2n * Q - R;
const COFACTOR_PRIMES = [
  10069n,
  5864401n,
  1875725156269n,
  197620364512881247228717050342013327560683201906968909n,
];

// The test builds its own single-thread curve, with the few engine calls it needs beyond Bn128's.
type Bytes = Uint8Array;
interface TestCurve extends Bn128 {
  G1: Bn128["G1"] & {
    g: Bytes;
    zero: Bytes;
    toAffine(point: Bytes): Bytes;
    toObject(point: Bytes): bigint[];
  };
  G2: Bn128["G2"] & {
    g: Bytes;
    b: Bytes;
    zero: Bytes;
    toAffine(point: Bytes): Bytes;
    toObject(point: Bytes): bigint[][];
  };
  F2: Bn128["F2"] & {
    add(a: Bytes, b: Bytes): Bytes;
    square(a: Bytes): Bytes;
    isSquare(a: Bytes): boolean;
    sqrt(a: Bytes): Bytes;
  };
}
const { curves } = snarkjs as unknown as {
  curves: { getCurveFromName(name: string, options: { singleThread: boolean }): Promise<TestCurve> };
};

/** Little-endian bytes, as the engine takes scalars. */
function scalar(value: bigint, length = 64): Bytes {
  return Uint8Array.from({ length }, (_, k) => Number((value >> BigInt(8 * k)) & 0xffn));
}

/** A key loader that reads the installed key of each depth it is asked for, noting the depth. */
function installedKeyNoting(asked: number[]): (depth: number) => Promise<VerificationKeyJson> {
  return (depth) => {
    asked.push(depth);
    const json = readFileSync(semaphoreArtifacts(depth).verificationKey, "utf8");
    return Promise.resolve(JSON.parse(json) as VerificationKeyJson);
  };
}

const withPoints = (item: VoteToVerify, change: (points: PackedProof) => void): VoteToVerify => {
  const points = [...item.vote.points] as PackedProof;
  change(points);
  return { ...item, vote: { ...item.vote, points } };
};

describe("createProofVerifier", function () {
  let curve: TestCurve;
  let verifier: ProofVerifier;
  /** Votes of all 8 citizens of an 8-member group (depth 3) on proposal 1. */
  let eight: VoteToVerify[];
  /** Votes of all 3 citizens of a 3-member group (depth 2) on proposal 2. */
  let three: VoteToVerify[];

  /** `point` + [k]G, for a packed G1 point at `at` (A at 0, C at 6). */
  const moveG1 = (item: VoteToVerify, at: 0 | 6, k: bigint) =>
    withPoints(item, (points) => {
      const moved = curve.G1.add(
        curve.G1.fromObject([points[at], points[at + 1]!]),
        curve.G1.timesScalar(curve.G1.g, scalar(k < 0n ? R + k : k)),
      );
      const [x, y] = curve.G1.toObject(curve.G1.toAffine(moved));
      [points[at], points[at + 1]] = [x!, y!];
    });

  /** B + `twist`, with `twist` an affine point of the twist curve. */
  const addToB = (item: VoteToVerify, twist: Bytes) =>
    withPoints(item, (points) => {
      const b = curve.G2.fromObject([
        [points[3], points[2]],
        [points[5], points[4]],
      ]);
      const [[x0, x1], [y0, y1]] = curve.G2.toObject(curve.G2.toAffine(curve.G2.add(b, twist))) as [
        bigint[],
        bigint[],
      ];
      [points[2], points[3], points[4], points[5]] = [x1!, x0!, y1!, y0!];
    });

  /** A point of the twist curve with x = k + u, for the first k >= `from` that has one. */
  function twistPoint(from: bigint): Bytes {
    for (let k = from; ; k++) {
      const x = curve.F2.fromObject([k, 1n]);
      const ySquared = curve.F2.add(curve.F2.mul(curve.F2.square(x), x), curve.G2.b);
      if (curve.F2.isSquare(ySquared)) {
        const point = new Uint8Array(128);
        point.set(x);
        point.set(curve.F2.sqrt(ySquared), 64);
        return point;
      }
    }
  }

  /** A twist point of prime order `prime` (a factor of the cofactor): none of it is in G2. */
  function torsionPoint(prime: bigint): Bytes {
    for (let from = 1n; ; from++) {
      const point = curve.G2.timesScalar(twistPoint(from), scalar((R * TWIST_COFACTOR) / prime));
      if (!curve.G2.isZero(point)) return curve.G2.toAffine(point);
    }
  }

  before(async function () {
    const citizens = Array.from({ length: 8 }, (_, i) => new Identity(`zonedao-verify-citizen-${i}`));
    const neighbours = Array.from({ length: 3 }, (_, i) => new Identity(`zonedao-verify-neighbour-${i}`));
    const groupOfEight = new Group(citizens.map((citizen) => citizen.commitment));
    const groupOfThree = new Group(neighbours.map((neighbour) => neighbour.commitment));
    const vote = async (voter: Identity, group: Group, proposalId: bigint, option: number) => {
      const proof = await proveVote(voter, group, { chainId: CHAIN_ID, zone: ZONE, proposalId, option });
      const snapshot = {
        chainId: CHAIN_ID,
        zone: ZONE,
        snapshotRoot: group.root,
        snapshotDepth: group.depth,
      };
      return { vote: proof, snapshot };
    };
    eight = [];
    for (const [i, citizen] of citizens.entries()) {
      eight.push(await vote(citizen, groupOfEight, 1n, i % 3));
    }
    three = [];
    for (const [i, neighbour] of neighbours.entries()) {
      three.push(await vote(neighbour, groupOfThree, 2n, i % 2));
    }
    expect([groupOfEight.depth, groupOfThree.depth]).to.deep.equal([3, 2]);
    curve = await curves.getCurveFromName("bn128", { singleThread: true });
    verifier = await createProofVerifier();
  });

  after(async function () {
    await verifier?.terminate();
    await curve?.terminate();
  });

  /** Each kind of bad vote, made from a valid one; every one fails on chain. */
  const TAMPERS: Record<string, (item: VoteToVerify) => VoteToVerify> = {
    "C moved along the curve": (item) => moveG1(item, 6, 7n),
    "A moved along the curve": (item) => moveG1(item, 0, -1n),
    "a changed option": (item) => ({ ...item, vote: { ...item.vote, option: (item.vote.option + 1) % 3 } }),
    "the nullifier + r": (item) => ({ ...item, vote: { ...item.vote, nullifier: item.vote.nullifier + R } }),
    "a wrong snapshot root": (item) => ({ ...item, snapshot: { ...item.snapshot, snapshotRoot: 12345n } }),
    "another proposal's id": (item) => ({ ...item, vote: { ...item.vote, proposalId: 3n } }),
    "A.y + q (a coordinate that is not a field element)": (item) =>
      withPoints(item, (points) => (points[1] += Q)),
    "B.x + q": (item) => withPoints(item, (points) => (points[3] += Q)),
    "C off the curve": (item) => withPoints(item, (points) => (points[7] = (points[7] + 1n) % Q)),
    "A at infinity": (item) => withPoints(item, (points) => (points[0] = points[1] = 0n)),
    "B at infinity": (item) => withPoints(item, (points) => points.fill(0n, 2, 6)),
    "B + a point of order 10069 (on the twist, outside G2)": (item) => addToB(item, torsionPoint(10069n)),
  };

  describe("verifyVotes", function () {
    it("accepts a batch of valid votes, as verifyVote does", async function () {
      const verdicts = await verifier.verifyVotes(eight);
      expect(verdicts).to.deep.equal(eight.map(() => true));
      const oneByOne = await Promise.all(eight.map(({ vote, snapshot }) => verifyVote(vote, snapshot)));
      expect(verdicts).to.deep.equal(oneByOne);
    });

    it("accepts votes of different depths and proposals in one batch", async function () {
      const mixed = [eight[0]!, three[0]!, eight[1]!, eight[2]!, three[1]!, eight[3]!, three[2]!];
      expect(await verifier.verifyVotes(mixed)).to.deep.equal(mixed.map(() => true));
    });

    it("returns nothing for no votes", async function () {
      expect(await verifier.verifyVotes([])).to.deep.equal([]);
    });

    for (const [name, tamper] of Object.entries(TAMPERS)) {
      it(`rejects exactly the vote with ${name} in a batch of 8`, async function () {
        const batch = eight.map((item, i) => (i === 5 ? tamper(item) : item));
        expect(await verifier.verifyVotes(batch)).to.deep.equal(batch.map((_, i) => i !== 5));
      });
    }

    it("rejects exactly the bad vote wherever it sits in the batch", async function () {
      const tampers = Object.values(TAMPERS);
      for (let position = 0; position < eight.length; position++) {
        const tamper = tampers[position % tampers.length]!;
        const batch = eight.map((item, i) => (i === position ? tamper(item) : item));
        expect(await verifier.verifyVotes(batch)).to.deep.equal(batch.map((_, i) => i !== position));
      }
    });

    it("checks a batch too big for one pass of the pairing engine, and finds its bad votes", async function () {
      // 100 pairs do not fit in the engine's memory at once (about 75 do): the Miller loops run in
      // chunks. The caller, not the verifier, refuses repeated nullifiers, so repeats are fine here.
      const batch = Array.from({ length: 100 }, (_, i) => eight[i % 8]!);
      batch[3] = TAMPERS["C moved along the curve"]!(batch[3]!);
      batch[90] = TAMPERS["a changed option"]!(batch[90]!);
      expect(await verifier.verifyVotes(batch)).to.deep.equal(batch.map((_, i) => i !== 3 && i !== 90));
    });

    it("finds every bad vote in a mixed batch with many", async function () {
      const tampers = Object.values(TAMPERS);
      const batch: VoteToVerify[] = [];
      const expected: boolean[] = [];
      tampers.forEach((tamper, i) => {
        const valid = i % 2 === 0 ? eight[i % 8]! : three[i % 3]!;
        batch.push(valid, tamper(valid));
        expected.push(true, false);
      });
      expect(await verifier.verifyVotes(batch)).to.deep.equal(expected);
      const oneByOne = await Promise.all(batch.map((item) => verifier.verifyVotes([item])));
      expect(oneByOne.flat()).to.deep.equal(expected);
    });

    it("agrees with the zone's verifiers (castVote and castVotes) on every bad vote", async function () {
      const [signer] = await ethers.getSigners();
      const single = await (await new SemaphoreVerifier__factory(signer).deploy()).waitForDeployment();
      const batch = await (await new SemaphoreBatchVerifier__factory(signer).deploy()).waitForDeployment();
      // What the zone passes to the verifiers (castVote also rejects a nullifier >= r and any
      // coordinate >= q itself, before Semaphore's verifier).
      const publicInputs = ({ vote, snapshot }: VoteToVerify): [bigint, bigint, bigint, bigint] => [
        snapshot.snapshotRoot,
        vote.nullifier,
        semaphoreHash(BigInt(vote.option)),
        semaphoreHash(voteScope(snapshot.chainId, snapshot.zone, vote.proposalId)),
      ];
      const castVote = (items: readonly VoteToVerify[]) =>
        Promise.all(
          items.map(async (item) => {
            const p = item.vote.points;
            const pB: [[bigint, bigint], [bigint, bigint]] = [
              [p[2], p[3]],
              [p[4], p[5]],
            ];
            const depth = item.snapshot.snapshotDepth;
            return (
              item.vote.nullifier < R &&
              p.every((coordinate) => coordinate < Q) &&
              (await single.verifyProof([p[0], p[1]], pB, [p[6], p[7]], publicInputs(item), depth))
            );
          }),
        );
      // castVotes' verdicts (Valid is 0; none if all are valid), with the gas of a transaction at the cap.
      const castVotes = async (items: readonly VoteToVerify[]) => {
        const packed = items.flatMap((item) => [
          ...item.vote.points,
          ...publicInputs(item),
          BigInt(item.snapshot.snapshotDepth),
        ]);
        const gas = 15_000_000n;
        const verdicts = await batch.verifyBatch(packed, gas, gas, { gasLimit: 1n << 24n });
        return items.map((_, i) => verdicts.length === 0 || verdicts[i] === 0n);
      };

      const items = [...eight, ...three, ...Object.values(TAMPERS).map((tamper) => tamper(eight[4]!))];
      const verdicts = await verifier.verifyVotes(items);
      expect(verdicts).to.deep.equal(await castVote(items));
      expect(verdicts).to.deep.equal(await castVotes(items));
      expect(verdicts.filter(Boolean)).to.have.length(eight.length + three.length);

      // Semaphore's verifier alone negates A.y in 256-bit arithmetic, so it reads A.y + 2^256 - q
      // (not a field element) as A.y; the zone's coordinate check and the batch path reject it.
      const malleated = [withPoints(eight[0]!, (points) => (points[1] += (1n << 256n) - Q))];
      const [p0, p1, p2, p3, p4, p5, p6, p7] = malleated[0]!.vote.points;
      expect(
        await single.verifyProof(
          [p0, p1],
          [
            [p2, p3],
            [p4, p5],
          ],
          [p6, p7],
          publicInputs(malleated[0]!),
          3,
        ),
      ).to.equal(true);
      expect(await castVote(malleated)).to.deep.equal([false]);
      expect(await castVotes(malleated)).to.deep.equal([false]);
      expect(await verifier.verifyVotes(malleated)).to.deep.equal([false]);
    });

    it("halves a failed batch, but checks its proofs one by one while most recent ones were forged", async function () {
      const checks: number[] = [];
      const counted = await createProofVerifier({ onPairingCheck: (proofs) => checks.push(proofs) });
      // Forged but well formed: A moved along the curve passes every check but the pairing one.
      const forge = TAMPERS["A moved along the curve"]!;
      const checksOf = async (batch: VoteToVerify[], expected: boolean[]) => {
        checks.length = 0;
        expect(await counted.verifyVotes(batch)).to.deep.equal(expected);
        return [...checks];
      };
      try {
        const oneForged = eight.map((item, i) => (i === 5 ? forge(item) : item));
        const oneForgedVerdicts = eight.map((_, i) => i !== 5);
        // 8 fails; 0-3 hold, so 4-7 fails; 4-5 fails; 4 holds, so 5 is the bad one; 6-7 hold.
        expect(await checksOf(oneForged, oneForgedVerdicts)).to.deep.equal([8, 4, 2, 1, 2]);
        const allForged = eight.map(forge);
        const noneValid = eight.map(() => false);
        // Depth first: 8, then 0-3, 0-1, 0, 1, 2-3, 2, 3, then 4-7 alike: 15 checks.
        const halving = [4, 2, 1, 1, 2, 1, 1];
        expect(await checksOf(allForged, noneValid)).to.deep.equal([8, ...halving, ...halving]);
        // After 32 forged in a row (a moving average over ~64 proofs reaches 0.39 >= 0.38), each
        // proof of a failed batch is checked alone: 9 checks for 8 forged, not 15.
        for (let batch = 0; batch < 3; batch++) await checksOf(allForged, noneValid);
        expect(await checksOf(allForged, noneValid)).to.deep.equal([8, ...noneValid.map(() => 1)]);
        expect(await checksOf(oneForged, oneForgedVerdicts)).to.deep.equal([8, ...noneValid.map(() => 1)]);
        // Valid votes bring the share down again, and with it the halving back.
        const allValid = eight.map(() => true);
        for (let batch = 0; batch < 6; batch++) await checksOf(eight, allValid);
        expect(await checksOf(oneForged, oneForgedVerdicts)).to.deep.equal([8, 4, 2, 1, 2]);
      } finally {
        await counted.terminate();
      }
    });

    it("rejects two forged proofs whose errors cancel when all weights are 1", async function () {
      // C1 + D and C2 - D: with unit weights the batch sums C1 + C2 and cannot tell.
      const forged = [moveG1(eight[0]!, 6, 4242n), moveG1(eight[1]!, 6, -4242n)];
      expect(await unitWeightBatchHolds(curve, forged)).to.equal(true);
      expect(await unitWeightBatchHolds(curve, [forged[0]!])).to.equal(false);
      const batch = [...forged, ...eight.slice(2)];
      expect(await verifier.verifyVotes(batch)).to.deep.equal(batch.map((_, i) => i >= 2));
      expect(await verifyVote(forged[0]!.vote, forged[0]!.snapshot)).to.equal(false);
    });

    it("rejects what the zone rejects before any proof check", async function () {
      const valid = eight[2]!;
      const withVote = (change: Partial<VoteToVerify["vote"]>) => ({
        ...valid,
        vote: { ...valid.vote, ...change },
      });
      const withSnapshot = (change: Partial<VoteToVerify["snapshot"]>) => ({
        ...valid,
        snapshot: { ...valid.snapshot, ...change },
      });
      const bad = [
        withVote({ option: MAX_OPTIONS }),
        withVote({ option: -1 }),
        withVote({ option: 1.5 }),
        withVote({ nullifier: -1n }),
        withVote({ proposalId: 1n << 256n }),
        withVote({ points: valid.vote.points.slice(0, 7) as unknown as PackedProof }),
        withSnapshot({ snapshotDepth: 0 }),
        withSnapshot({ snapshotDepth: 33 }),
        withSnapshot({ snapshotDepth: 2.5 }),
        withSnapshot({ snapshotRoot: valid.snapshot.snapshotRoot + R }),
      ];
      expect(await verifier.verifyVotes([valid, ...bad])).to.deep.equal([true, ...bad.map(() => false)]);
    });

    it("ignores the vote's own root and depth, as the zone does", async function () {
      const item = eight[3]!;
      const relabelled = { ...item, vote: { ...item.vote, merkleTreeRoot: 1n, merkleTreeDepth: 32 } };
      expect(await verifier.verifyVotes([relabelled])).to.deep.equal([true]);
    });
  });

  describe("verifyProposals", function () {
    const options = [[{ target: ZONE, value: 0n, data: "0x" }]];
    const description = "Plant an orchard";
    const context = { chainId: CHAIN_ID, zone: ZONE };
    let valid: ProposalToVerify;
    let group: Group;

    before(async function () {
      const proposer = new Identity("zonedao-verify-proposer");
      group = new Group([proposer.commitment, 1n, 2n]);
      const proof = await proveProposal(proposer, group, {
        ...context,
        epoch: 7n,
        slot: 0n,
        options,
        description,
      });
      valid = { proof, options, description, context };
    });

    it("accepts a proposal whose proof binds its content and epoch slot", async function () {
      expect(await verifier.verifyProposals([valid])).to.deep.equal([true]);
    });

    it("rejects altered content, another slot, epoch, zone or root, and a truncated proof", async function () {
      const bad: ProposalToVerify[] = [
        { ...valid, description: "Plant an orchard and pay me" },
        { ...valid, options: [[{ ...options[0]![0]!, value: 1n }]] },
        { ...valid, proof: { ...valid.proof, slot: 1n } },
        { ...valid, proof: { ...valid.proof, epoch: 8n } },
        { ...valid, proof: { ...valid.proof, epoch: 1n << 256n } },
        { ...valid, context: { ...context, zone: "0x0000000000000000000000000000000000005a5b" } },
        { ...valid, context: { ...context, chainId: 1n } },
        { ...valid, proof: { ...valid.proof, merkleTreeRoot: new Group([3n]).root } },
        { ...valid, proof: { ...valid.proof, nullifier: valid.proof.nullifier + R } },
        {
          ...valid,
          proof: { ...valid.proof, points: valid.proof.points.slice(0, 7) as unknown as PackedProof },
        },
      ];
      expect(await verifier.verifyProposals([valid, ...bad])).to.deep.equal([true, ...bad.map(() => false)]);
    });
  });

  describe("G2 membership", function () {
    it("agrees with [r]P = 0 on G2 points, proofs' B and twist points outside G2", function () {
      const inG2 = g2MembershipTest(curve);
      const byOrder = (point: Bytes) => curve.G2.isZero(curve.G2.timesScalar(point, scalar(R)));
      expect(COFACTOR_PRIMES.reduce((product, prime) => product * prime)).to.equal(TWIST_COFACTOR);
      const members = [
        curve.G2.g,
        curve.G2.toAffine(curve.G2.timesScalar(curve.G2.g, scalar(123456789n))),
        ...[...eight, ...three].map(({ vote: { points: p } }) =>
          curve.G2.fromObject([
            [p[3], p[2]],
            [p[5], p[4]],
          ]),
        ),
      ];
      const outsiders = [twistPoint(1n), twistPoint(100n), twistPoint(10_000n)];
      for (const prime of COFACTOR_PRIMES) {
        const torsion = torsionPoint(prime);
        outsiders.push(torsion, curve.G2.toAffine(curve.G2.add(members[1]!, torsion)));
      }
      // The point at infinity, as (0, 0, 0, 0) encodes it (the engine cannot multiply it by r).
      expect(
        inG2(
          curve.G2.fromObject([
            [0n, 0n],
            [0n, 0n],
          ]),
        ),
      ).to.equal(true);
      for (const point of members) expect([inG2(point), byOrder(point)]).to.deep.equal([true, true]);
      for (const point of outsiders) expect([inG2(point), byOrder(point)]).to.deep.equal([false, false]);
    });
  });

  describe("pairing product (one multi-Miller loop)", function () {
    /** e(a_k G1, b_k G2) for k < n, times e(-(sum_k a_k b_k) G1, G2): 1, with n + 1 pairs. */
    function pairsOfProductOne(n: number): [Bytes, Bytes][] {
      const pairs: [Bytes, Bytes][] = [];
      let exponent = 0n;
      for (let k = 1; k <= n; k++) {
        const [a, b] = [BigInt(k) * 7919n + 3n, BigInt(k) * 104729n + 11n];
        exponent += a * b;
        pairs.push([
          curve.G1.timesScalar(curve.G1.g, scalar(a)),
          curve.G2.timesScalar(curve.G2.g, scalar(b)),
        ]);
      }
      pairs.push([curve.G1.timesScalar(curve.G1.g, scalar(R - (exponent % R))), curve.G2.g]);
      return pairs;
    }

    it("agrees with ffjavascript's pairingEq, with raw and prepared G2 points", async function () {
      const pairing = pairingProduct(curve);
      const one = pairsOfProductOne(4);
      const prepared: PairingPair[] = one.map(([g1, g2], k) => [
        g1,
        k % 2 === 0 ? pairing.prepareG2(g2) : g2,
      ]);
      const [g1, g2] = one[2]!;
      const notOne: [Bytes, Bytes][] = [...one.slice(0, 2), [curve.G1.double(g1), g2], ...one.slice(3)];
      expect([
        pairing.isOne(one),
        pairing.isOne(prepared),
        await curve.pairingEq(...one.flat()),
      ]).to.deep.equal([true, true, true]);
      expect([pairing.isOne(notOne), await curve.pairingEq(...notOne.flat())]).to.deep.equal([false, false]);
      // A single pair with nonzero points never pairs to 1 (the pairing is non-degenerate).
      expect(pairing.isOne([[curve.G1.g, curve.G2.g]])).to.equal(false);
    });

    it("multiplies Miller loops computed apart into a product, as if their pairs were in it", function () {
      const pairing = pairingProduct(curve);
      const one = pairsOfProductOne(5);
      const apart = [pairing.millerLoop(one.slice(0, 2)), pairing.millerLoop(one.slice(4))];
      expect(pairing.isOne(one.slice(2, 4), apart)).to.equal(true);
      expect(pairing.isOne([], [pairing.millerLoop(one)])).to.equal(true);
      // Without one of them, or with one twice, the product is not 1.
      expect(pairing.isOne(one.slice(2, 4), apart.slice(0, 1))).to.equal(false);
      expect(pairing.isOne(one.slice(2, 4), [...apart, apart[1]!])).to.equal(false);
    });

    it("joins chunks when the pairs do not fit in the engine's memory at once", function () {
      const pairing = pairingProduct(curve);
      // About 75 prepared pairs fit in the engine's 1.6 MB: 100 take two chunks.
      const pairs = pairsOfProductOne(99);
      expect(pairing.isOne(pairs)).to.equal(true);
      const [g1, g2] = pairs[80]!;
      pairs[80] = [curve.G1.neg(g1), g2];
      expect(pairing.isOne(pairs)).to.equal(false);
    });

    it("multiplies by a line and by xi exactly as the engine does", function () {
      const { mulByXi, mulBy024 } = engineExtensions(curve);
      const engineMulBy024 = engineFunction(curve, "bn128__mulBy024");
      const fq2Mul = engineFunction(curve, "f2m_mul");
      const { tm } = curve;
      /** An Fq2 element from a counter, spread over the whole field (and q - 1, the edge of it). */
      const fq2 = (k: number) =>
        curve.F2.fromObject([
          (BigInt(k) * 0x9e3779b97f4a7c15n) ** 4n % Q,
          k === 0 ? Q - 1n : (BigInt(k) << 200n) % Q,
        ]);
      withEngineMemory(curve, () => {
        const f = Uint8Array.from(Array.from({ length: 6 }, (_, k) => [...fq2(k + 1)]).flat());
        const [ours, theirs] = [tm.allocBuff(f), tm.allocBuff(f)];
        for (let k = 0; k < 50; k++) {
          const [ell0, vw, vv] = [
            tm.allocBuff(fq2(3 * k)),
            tm.allocBuff(fq2(3 * k + 1)),
            tm.allocBuff(fq2(3 * k + 2)),
          ];
          mulBy024(ell0, vw, vv, ours);
          engineMulBy024(ell0, vw, vv, theirs);
        }
        expect(tm.getBuff(ours, 12 * 32)).to.deep.equal(tm.getBuff(theirs, 12 * 32));
        const xi = tm.allocBuff(curve.F2.fromObject([9n, 1n]));
        for (let k = 0; k < 20; k++) {
          const [x, product] = [tm.allocBuff(fq2(k)), tm.alloc(64)];
          fq2Mul(x, xi, product);
          mulByXi(x, x); // in place, as the line multiplication uses it too
          expect(tm.getBuff(x, 64)).to.deep.equal(tm.getBuff(product, 64));
        }
      });
    });

    it("refuses a point at infinity, whose Miller loop the engine gets wrong", function () {
      const pairing = pairingProduct(curve);
      expect(() => pairing.isOne([[curve.G1.zero, curve.G2.g]])).to.throw(/leave its pair out/);
      expect(() => pairing.prepareG2(curve.G2.zero)).to.throw(/point at infinity/);
    });
  });

  describe("fixed-base tables (the keys' alpha and IC)", function () {
    it("sums [s_k]P_k as timesScalar does, for scalars with zero, full and top windows", function () {
      const fixedBase = fixedBaseTables(curve);
      const points = [
        curve.G1.g,
        ...eight.slice(0, 2).map(({ vote: { points: p } }) => curve.G1.fromObject([p[0], p[1]])),
      ];
      const tables = points.map((point) => fixedBase.table(point));
      const scalars = [
        0n,
        1n,
        15n,
        16n,
        R - 1n,
        (1n << 255n) + 17n,
        0x0f0f0f0f0f0f0f0fn << 190n,
        (1n << 256n) - 1n,
      ];
      for (const [k, point] of points.entries()) {
        for (const value of scalars) {
          const expected = curve.G1.timesScalar(point, scalar(value, 32));
          expect(curve.G1.eq(fixedBase.sum([[tables[k]!, value]]), expected), `${value}`).to.equal(true);
        }
      }
      // Several points into one sum, as the batch does for IC.
      const terms = points.map((_, k) => [tables[k]!, scalars[k + 4]!] as const);
      const expected = points
        .map((point, k) => curve.G1.timesScalar(point, scalar(scalars[k + 4]!, 32)))
        .reduce((sum, term) => curve.G1.add(sum, term));
      expect(curve.G1.eq(fixedBase.sum(terms), expected)).to.equal(true);
      expect(curve.G1.isZero(fixedBase.sum([]))).to.equal(true);
      expect(() => fixedBase.table(curve.G1.zero)).to.throw(/infinity/);
    });
  });

  describe("batch weights (low + lambda high)", function () {
    it("multiplies by the weight: [low]P + [high]phi(P) = [low + lambda high]P, and phi(P) = [lambda]P", function () {
      const glv = g1Endomorphism(curve);
      const max = (1n << 64n) - 1n;
      const points = [
        curve.G1.g,
        ...eight.slice(0, 3).map(({ vote: { points: p } }) => curve.G1.fromObject([p[0], p[1]])),
      ];
      const halves: [bigint, bigint][] = [
        [1n, 0n],
        [0n, 1n],
        [max, max],
        [max, 0n],
        [0n, max],
        [0x0123456789abcdefn, 0xfedcba9876543210n],
      ];
      for (const point of points) {
        expect(curve.G1.eq(glv.phi(point), curve.G1.timesScalar(point, scalar(GLV_LAMBDA)))).to.equal(true);
        for (const [low, high] of halves) {
          const value = (low + GLV_LAMBDA * high) % R;
          const expected = curve.G1.timesScalar(point, scalar(value));
          expect(curve.G1.eq(glv.timesWeight(point, { low, high, value }), expected)).to.equal(true);
        }
      }
    });

    it("gives 2^128 distinct weights: no two pairs of 64-bit halves meet mod r", function () {
      // Two pairs of halves give the same weight exactly when their difference (a, b), both below
      // 2^64 in size, has a + lambda b = 0 mod r: a vector of the lattice spanned by (r, 0) and
      // (-lambda, 1). Reduce that basis (Lagrange-Gauss): its shortest vector is far longer.
      const norm = ([x, y]: readonly [bigint, bigint]) => x * x + y * y;
      const dot = (a: readonly [bigint, bigint], b: readonly [bigint, bigint]) => a[0] * b[0] + a[1] * b[1];
      type Vector = readonly [bigint, bigint];
      let u: Vector = [R, 0n];
      let v: Vector = [R - GLV_LAMBDA, 1n];
      if (norm(u) < norm(v)) [u, v] = [v, u];
      for (;;) {
        // u - m v with m the nearest integer to <u, v> / <v, v> (floor of x + 1/2).
        const twice = 2n * dot(u, v) + norm(v);
        const twiceNorm = 2n * norm(v);
        const m = twice >= 0n ? twice / twiceNorm : -((-twice + twiceNorm - 1n) / twiceNorm);
        u = [u[0] - m * v[0], u[1] - m * v[1]];
        if (norm(u) >= norm(v)) break;
        [u, v] = [v, u];
      }
      expect((v[0] + GLV_LAMBDA * v[1]) % R).to.equal(0n);
      // Every nonzero lattice vector is at least as long as v; one with both coordinates below
      // 2^64 would be shorter than 2^64.5.
      expect(norm(v) > 1n << 129n).to.equal(true);
      expect(norm(v) > 1n << 252n).to.equal(true); // about 2^126.8, as for any good GLV lattice
    });
  });

  it("verifies with keys from an injected source, as a browser gives them, and refuses a key of the wrong shape", async function () {
    const asked: number[] = [];
    const injected = await createProofVerifier({ loadVerificationKey: installedKeyNoting(asked) });
    const truncated = await createProofVerifier({
      loadVerificationKey: (depth) => {
        const json = JSON.parse(
          readFileSync(semaphoreArtifacts(depth).verificationKey, "utf8"),
        ) as VerificationKeyJson;
        return Promise.resolve({ ...json, IC: json.IC.slice(0, 3) });
      },
    });
    try {
      expect(await injected.verifyVotes([...eight, ...three])).to.deep.equal(Array(11).fill(true));
      expect(asked.sort()).to.deep.equal([2, 3]);
      const outcome = await truncated.verifyVotes(three).then(
        () => "resolved",
        (error: Error) => error.message,
      );
      expect(outcome).to.match(/verification key of depth 2 is not a Semaphore v4 key/);
    } finally {
      await injected.terminate();
      await truncated.terminate();
    }
  });

  it("loads keys ahead with loadKeys, once each, and verifies with them without asking again", async function () {
    const asked: number[] = [];
    const verifier = await createProofVerifier({ loadVerificationKey: installedKeyNoting(asked) });
    try {
      await verifier.loadKeys([2, 3, 2]);
      expect(asked.sort()).to.deep.equal([2, 3]);
      expect(await verifier.verifyVotes([...eight, ...three])).to.deep.equal(Array(11).fill(true));
      expect(asked).to.have.length(2);
    } finally {
      await verifier.terminate();
    }
  });

  it("cannot be used once terminated", async function () {
    const stopped = await createProofVerifier();
    await stopped.terminate();
    const outcome = await stopped.verifyVotes(eight).then(
      () => "resolved",
      (error: Error) => error.message,
    );
    expect(outcome).to.match(/terminated/);
  });
});

/**
 * The batch check with every weight 1, which verifyVotes must never use: the product over
 * `items` (one depth) of e(-A, B) · e(alpha, beta) · e(L, gamma) · e(C, delta) is 1.
 */
async function unitWeightBatchHolds(curve: TestCurve, items: readonly VoteToVerify[]): Promise<boolean> {
  const key = JSON.parse(
    readFileSync(semaphoreArtifacts(items[0]!.snapshot.snapshotDepth).verificationKey, "utf8"),
  ) as {
    vk_alpha_1: string[];
    vk_beta_2: string[][];
    vk_gamma_2: string[][];
    vk_delta_2: string[][];
    IC: string[][];
  };
  const g1 = (point: readonly string[]) => curve.G1.fromObject([BigInt(point[0]!), BigInt(point[1]!)]);
  const g2 = (point: readonly (readonly string[])[]) =>
    curve.G2.fromObject(point.slice(0, 2).map((coordinate) => coordinate.map(BigInt)));
  const pairs: Bytes[] = [];
  // Jacobian 0: the engine's sums go wrong from its affine 0.
  let l = curve.G1.zero;
  let c = l;
  for (const { vote, snapshot } of items) {
    const p = vote.points;
    pairs.push(
      curve.G1.neg(curve.G1.fromObject([p[0], p[1]])),
      curve.G2.fromObject([
        [p[3], p[2]],
        [p[5], p[4]],
      ]),
    );
    c = curve.G1.add(c, curve.G1.fromObject([p[6], p[7]]));
    const inputs = [
      snapshot.snapshotRoot,
      vote.nullifier,
      semaphoreHash(BigInt(vote.option)),
      semaphoreHash(voteScope(snapshot.chainId, snapshot.zone, vote.proposalId)),
    ];
    l = curve.G1.add(l, g1(key.IC[0]!));
    inputs.forEach(
      (input, j) => (l = curve.G1.add(l, curve.G1.timesScalar(g1(key.IC[j + 1]!), scalar(input)))),
    );
  }
  const alphas = curve.G1.timesScalar(g1(key.vk_alpha_1), scalar(BigInt(items.length)));
  pairs.push(alphas, g2(key.vk_beta_2), l, g2(key.vk_gamma_2), c, g2(key.vk_delta_2));
  return curve.pairingEq(...pairs);
}
