/**
 * Sealed ballots' cryptography off chain: exponential ElGamal on BabyJubJub, the tellers'
 * distributed key generation, their partial decryptions with proofs, and the tally they open.
 *
 * A sealed ballot is one ciphertext per option, each encrypting 0 or 1 (exactly one 1) to the
 * tellers' joint key: Enc(m; r) = (r·G, m·G + r·K). Ciphertexts add point by point, so the sum of a
 * proposal's ballots encrypts each option's count, and no single ballot is ever opened.
 *
 * The tellers' key is made by a Pedersen distributed key generation (Feldman verifiable secret
 * sharing by each teller, complaints answered in public): nobody ever holds the joint secret; any
 * `threshold` tellers together can open a sum, fewer learn nothing. Each teller's partial decryption
 * comes with a Chaum-Pedersen proof that it used its own share, checked against the share's public
 * key, which anyone computes from the published commitments.
 *
 * The circuit that proves a ballot well formed (circuits/src/sealed-ballot.circom) encrypts with
 * the same generator, so `encryptBallot` with the circuit's randomness gives its public outputs.
 * Browser-safe.
 */
import { Base8, addPoint, inCurve, subOrder } from "@zk-kit/baby-jubjub";
import { getBytes, hexlify, keccak256, toBeArray, toUtf8Bytes, zeroPadValue } from "ethers";
import type { Group, MerkleProof } from "@semaphore-protocol/group";
import type { Identity } from "@semaphore-protocol/identity";
import { concatBytes } from "./bytes.js";
// BabyJubJub is defined over BN254's scalar field.
import { SNARK_SCALAR_FIELD as FIELD, SEALED_OPTIONS } from "./constants.js";
import type { SealedVoteRequest } from "./relayer-api.js";
import { semaphoreHash, voteScope } from "./scope.js";
import type { PackedProof } from "./types.js";
import { groupProof, membershipInputs, type WarmCircuit } from "./warm-prover.js";

/** A BabyJubJub point in affine twisted-Edwards coordinates. */
export type Point = readonly [x: bigint, y: bigint];

/** The group's neutral element. */
export const IDENTITY: Point = [0n, 1n];
/** The generator every key, ciphertext and proof uses: Base8, which spans the prime-order subgroup. */
export const GENERATOR: Point = Base8;
/** The order of that subgroup: scalars (secrets, shares, randomness) live modulo it. */
export const SCALAR_ORDER: bigint = subOrder;

/** An ElGamal ciphertext of m·GENERATOR. */
export interface Ciphertext {
  c1: Point;
  c2: Point;
}

/**
 * The sealed ballot circuit's shape (circuits/src/sealed-ballot.circom, built by circuits/build.ts):
 * Merkle trees up to depth 20 (1,048,576 citizens; a shallower tree's path is padded, as in
 * Semaphore) and the three options of a For/Against/Abstain proposal. 15,685 constraints, which
 * fit a 2^14 powers-of-tau.
 */
export const SEALED_BALLOT = { depth: 20, options: SEALED_OPTIONS } as const;

/** Domain of the Chaum-Pedersen challenge hash, so it cannot be replayed as any other hash. */
const DLEQ_TAG = "zonedao.sealed.dleq.v1";

export function addPoints(a: Point, b: Point): Point {
  return addPoint([a[0], a[1]], [b[0], b[1]]);
}

export function negatePoint(point: Point): Point {
  return [point[0] === 0n ? 0n : FIELD - point[0], point[1]];
}

/**
 * scalar·point, for any scalar (reduced modulo SCALAR_ORDER: every point used is in the subgroup).
 * Double-and-add in extended coordinates (Hisil-Wong-Carter-Dawson), whose unified addition is
 * complete on BabyJubJub (a square, d not): one inversion at the end instead of one per step, about
 * ten times faster than @zk-kit/baby-jubjub's affine mulPointEscalar.
 */
export function mulPoint(point: Point, scalar: bigint): Point {
  let remaining = mod(scalar, SCALAR_ORDER);
  let result: Extended = [0n, 1n, 1n, 0n];
  let addend: Extended = [point[0], point[1], 1n, (point[0] * point[1]) % FIELD];
  while (remaining > 0n) {
    if (remaining & 1n) result = addExtended(result, addend);
    addend = addExtended(addend, addend);
    remaining >>= 1n;
  }
  const inverse = modInverse(result[2], FIELD);
  return [(result[0] * inverse) % FIELD, (result[1] * inverse) % FIELD];
}

/** (X, Y, Z, T) with x = X/Z, y = Y/Z, xy = T/Z. */
type Extended = [bigint, bigint, bigint, bigint];

const CURVE_A = 168700n;
const CURVE_D = 168696n;

function addExtended([x1, y1, z1, t1]: Extended, [x2, y2, z2, t2]: Extended): Extended {
  const a = (x1 * x2) % FIELD;
  const b = (y1 * y2) % FIELD;
  const c = (((CURVE_D * t1) % FIELD) * t2) % FIELD;
  const d = (z1 * z2) % FIELD;
  const e = mod((x1 + y1) * (x2 + y2) - a - b, FIELD);
  const f = mod(d - c, FIELD);
  const g = (d + c) % FIELD;
  const h = mod(b - CURVE_A * a, FIELD);
  return [(e * f) % FIELD, (g * h) % FIELD, (f * g) % FIELD, (e * h) % FIELD];
}

export function pointsEqual(a: Point, b: Point): boolean {
  return a[0] === b[0] && a[1] === b[1];
}

/** Whether `point` is on BabyJubJub and in its prime-order subgroup (as every key and ciphertext must be). */
export function isSubgroupPoint(point: Point): boolean {
  const [x, y] = point;
  if (x < 0n || x >= FIELD || y < 0n || y >= FIELD || !inCurve([x, y])) return false;
  // mulPoint reduces its scalar, so multiply by (l - 1) and add the point once more.
  return pointsEqual(addPoints(mulPoint(point, SCALAR_ORDER - 1n), point), IDENTITY);
}

/** A uniformly random scalar in [1, SCALAR_ORDER) from the platform's secure random source. */
export function randomScalar(): bigint {
  // 512 random bits reduced: the bias is below 2^-250.
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(64));
  return mod(BigInt(hexlify(bytes)), SCALAR_ORDER - 1n) + 1n;
}

/** Enc(bit; randomness) under `publicKey`: (r·G, bit·G + r·K). */
export function encryptBit(publicKey: Point, bit: 0 | 1, randomness: bigint): Ciphertext {
  const shared = mulPoint(publicKey, randomness);
  return {
    c1: mulPoint(GENERATOR, randomness),
    c2: bit === 1 ? addPoints(GENERATOR, shared) : shared,
  };
}

/**
 * A sealed ballot for `option` of `optionCount`: one ciphertext per option, the chosen one
 * encrypting 1. `randomness` (one scalar per option, fresh by default) is what the ballot circuit
 * takes; whoever keeps it can prove the ballot's content, so a voter's app forgets it after proving.
 */
export function encryptBallot(
  publicKey: Point,
  option: number,
  optionCount: number,
  randomness: readonly bigint[] = Array.from({ length: optionCount }, randomScalar),
): { ciphertexts: Ciphertext[]; randomness: bigint[] } {
  if (!Number.isInteger(optionCount) || optionCount < 2) {
    throw new RangeError(`a sealed ballot has at least 2 options, not ${optionCount}`);
  }
  if (!Number.isInteger(option) || option < 0 || option >= optionCount) {
    throw new RangeError(
      `option ${option} is not one of the ballot's ${optionCount} (0 to ${optionCount - 1})`,
    );
  }
  if (randomness.length !== optionCount) {
    throw new RangeError(
      `a ballot of ${optionCount} options takes ${optionCount} random scalars, not ${randomness.length}`,
    );
  }
  const ciphertexts = randomness.map((r, index) => encryptBit(publicKey, index === option ? 1 : 0, r));
  return { ciphertexts, randomness: [...randomness] };
}

export function addCiphertexts(a: Ciphertext, b: Ciphertext): Ciphertext {
  return { c1: addPoints(a.c1, b.c1), c2: addPoints(a.c2, b.c2) };
}

/** The encryption of each option's count: the ballots added option by option (all zero for none). */
export function sumBallots(ballots: readonly (readonly Ciphertext[])[], optionCount: number): Ciphertext[] {
  const sums: Ciphertext[] = Array.from({ length: optionCount }, () => ({ c1: IDENTITY, c2: IDENTITY }));
  for (const ballot of ballots) {
    if (ballot.length !== optionCount) {
      throw new RangeError(`a ballot of ${ballot.length} ciphertexts in a sum of ${optionCount} options`);
    }
    ballot.forEach((ciphertext, option) => (sums[option] = addCiphertexts(sums[option]!, ciphertext)));
  }
  return sums;
}

/**
 * The sealed ballot circuit's input for `identity`'s ballot: its Merkle proof in the proposal's
 * snapshot, the vote's scope (voteScope: the same nullifier as an open vote), the tellers' key, the
 * option and the encryption's randomness (encryptBallot's, so its ciphertexts are the outputs).
 */
export function sealedBallotInputs(
  identity: Identity,
  merkleProof: MerkleProof,
  scope: bigint,
  publicKey: Point,
  option: number,
  randomness: readonly bigint[],
) {
  const { options, depth } = SEALED_BALLOT;
  if (randomness.length !== options) {
    throw new RangeError(
      `the sealed ballot has ${options} options, so ${options} random scalars, not ${randomness.length}`,
    );
  }
  if (!Number.isInteger(option) || option < 0 || option >= options) {
    throw new RangeError(
      `option ${option} is not one of the sealed ballot's ${options} (0 to ${options - 1})`,
    );
  }
  return {
    ...membershipInputs(identity, merkleProof, depth),
    scope: semaphoreHash(scope),
    publicKey: [...publicKey],
    vote: Array.from({ length: options }, (_, index) => (index === option ? 1 : 0)),
    randomness: [...randomness],
  };
}

/** A sealed vote: what a sealed proposal's contract takes, and what an off-chain checker needs. */
export interface SealedVote {
  proposalId: bigint;
  merkleTreeRoot: bigint;
  nullifier: bigint;
  /** One per option, in option order. */
  ciphertexts: Ciphertext[];
  points: PackedProof;
}

/** Where a sealed vote counts, the tellers' key it is sealed to, and the choice. */
export interface SealedVoteContext {
  chainId: bigint;
  zone: string;
  proposalId: bigint;
  /** The proposal's tellers' joint key. */
  publicKey: Point;
  option: number;
}

/**
 * Proves a sealed vote with the sealed ballot circuit (a WarmCircuit loaded with its wasm and
 * key): `snapshot` is the group as of the proposal (or the citizen's Merkle proof in it). The
 * encryption's randomness is drawn here and dropped when the proof is made, so the vote cannot be
 * opened (or shown to a buyer) even from this process.
 */
export async function proveSealedVote(
  circuit: WarmCircuit,
  identity: Identity,
  snapshot: Group | MerkleProof,
  context: SealedVoteContext,
): Promise<SealedVote> {
  const { option, ...place } = context;
  return proveWithRandomness(circuit, identity, snapshot, place, option, freshRandomness());
}

/** A sealed vote readied before the citizen chooses: `prove` once, for the option chosen. */
export interface PreparedSealedVote {
  /** The sealed vote for `option`; a second call throws (the randomness is gone). */
  prove(option: number): Promise<SealedVote>;
}

/**
 * Readies a sealed vote while the citizen reads the proposal, as the web app's worker readies an
 * open vote: draws the encryption's randomness and proves a ballot with it that is never sent.
 * What depends on the randomness alone (every r·G and r·K, the membership, the nullifier) is then
 * in the prover's last sums, and `prove(option)` changes only the entries the choice sets, so the
 * prover replays those sums (groth16-prover.ts): about a third of a full proof's time. The unsent
 * ballot and the randomness reveal the choice if they leak; both stay in this process and are
 * dropped by `prove`. Another proof made with the same circuit in between only loses the speed-up.
 */
export async function prepareSealedVote(
  circuit: WarmCircuit,
  identity: Identity,
  snapshot: Group | MerkleProof,
  place: Omit<SealedVoteContext, "option">,
): Promise<PreparedSealedVote> {
  let randomness: bigint[] | undefined = freshRandomness();
  await proveWithRandomness(circuit, identity, snapshot, place, 0, randomness);
  return {
    async prove(option) {
      if (randomness === undefined)
        throw new Error("this prepared sealed vote was already proven: prepare another");
      const used = randomness;
      randomness = undefined;
      return proveWithRandomness(circuit, identity, snapshot, place, option, used);
    },
  };
}

function freshRandomness(): bigint[] {
  return Array.from({ length: SEALED_BALLOT.options }, randomScalar);
}

async function proveWithRandomness(
  circuit: WarmCircuit,
  identity: Identity,
  snapshot: Group | MerkleProof,
  place: Omit<SealedVoteContext, "option">,
  option: number,
  randomness: readonly bigint[],
): Promise<SealedVote> {
  const merkleProof = "siblings" in snapshot ? snapshot : groupProof(identity, snapshot);
  const scope = voteScope(place.chainId, place.zone, place.proposalId);
  const input = sealedBallotInputs(identity, merkleProof, scope, place.publicKey, option, randomness);
  const { points, publicSignals } = await circuit.proveInput(input);
  const [merkleTreeRoot, nullifier] = publicSignals as [bigint, bigint];
  if (merkleTreeRoot !== BigInt(merkleProof.root))
    throw new Error("the Merkle proof's siblings do not give its root");
  return {
    proposalId: place.proposalId,
    merkleTreeRoot,
    nullifier,
    ciphertexts: sealedVoteCiphertexts(publicSignals),
    points,
  };
}

/**
 * The sealed ballot circuit's public signals for `vote`, in its order: root, nullifier, each
 * option's c1 then each option's c2 (x, y), the scope (hashed as Semaphore does), the key. What a
 * verifier checks the proof against: the scope and key must come from the proposal, not the vote.
 */
export function sealedVotePublicSignals(
  vote: SealedVote,
  chainId: bigint,
  zone: string,
  publicKey: Point,
): bigint[] {
  if (vote.ciphertexts.length !== SEALED_BALLOT.options) {
    throw new RangeError(
      `a sealed vote has ${SEALED_BALLOT.options} ciphertexts, not ${vote.ciphertexts.length}`,
    );
  }
  return [
    vote.merkleTreeRoot,
    vote.nullifier,
    ...ciphertextWords(vote.ciphertexts),
    semaphoreHash(voteScope(chainId, zone, vote.proposalId)),
    ...publicKey,
  ];
}

/** A Groth16 verification key as snarkjs exports it (the fields SealedBallotVerifier takes). */
export interface VerificationKey {
  vk_alpha_1: readonly (string | bigint)[];
  vk_beta_2: readonly (readonly (string | bigint)[])[];
  vk_gamma_2: readonly (readonly (string | bigint)[])[];
  vk_delta_2: readonly (readonly (string | bigint)[])[];
  IC: readonly (readonly (string | bigint)[])[];
}

/**
 * SealedBallotVerifier's constructor argument: alpha (x, y); beta, gamma, delta with each
 * coordinate's halves swapped (imaginary part first, as the pairing precompile takes them); then
 * every IC point (x, y).
 */
export function verifierKeyWords(key: VerificationKey): bigint[] {
  const g1 = (point: readonly (string | bigint)[]) => [BigInt(point[0]!), BigInt(point[1]!)];
  const g2 = (point: readonly (readonly (string | bigint)[])[]) => [
    BigInt(point[0]![1]!),
    BigInt(point[0]![0]!),
    BigInt(point[1]![1]!),
    BigInt(point[1]![0]!),
  ];
  return [
    ...g1(key.vk_alpha_1),
    ...g2(key.vk_beta_2),
    ...g2(key.vk_gamma_2),
    ...g2(key.vk_delta_2),
    ...key.IC.flatMap(g1),
  ];
}

/**
 * The verification key in SealedBallotVerifier's layout (its verificationKey(), verifierKeyWords'
 * output) as snarkjs takes it: what an off-chain checker verifies sealed ballots with.
 */
export function verificationKeyFromWords(words: readonly bigint[]): VerificationKey & {
  protocol: "groth16";
  curve: "bn128";
  nPublic: number;
} {
  if (words.length < 16 || words.length % 2 !== 0) {
    throw new RangeError(`a verification key has 14 words and 2 per IC point, not ${words.length}`);
  }
  const text = (at: number) => words[at]!.toString();
  const g1 = (at: number) => [text(at), text(at + 1), "1"];
  // Stored imaginary part first, as the pairing precompile takes them (verifierKeyWords).
  const g2 = (at: number) => [
    [text(at + 1), text(at)],
    [text(at + 3), text(at + 2)],
    ["1", "0"],
  ];
  const ic = Array.from({ length: (words.length - 14) / 2 }, (_, i) => g1(14 + 2 * i));
  return {
    protocol: "groth16",
    curve: "bn128",
    nPublic: ic.length - 1,
    vk_alpha_1: g1(0),
    vk_beta_2: g2(2),
    vk_gamma_2: g2(6),
    vk_delta_2: g2(10),
    IC: ic,
  };
}

/** SealedBallotVerifier.verifyBatch's input for `votes`: each one's 8 proof words, then its public signals. */
export function packSealedVotes(
  votes: readonly SealedVote[],
  chainId: bigint,
  zone: string,
  publicKey: Point,
): bigint[] {
  return votes.flatMap((vote) => [
    ...vote.points,
    ...sealedVotePublicSignals(vote, chainId, zone, publicKey),
  ]);
}

/** The ciphertexts among the sealed ballot circuit's public signals (after root and nullifier). */
export function sealedVoteCiphertexts(publicSignals: readonly bigint[]): Ciphertext[] {
  return ciphertextsFromWords(publicSignals.slice(2, 2 + 4 * SEALED_BALLOT.options));
}

/**
 * A ballot's ciphertexts as the circuit and ZoneSealedBallots lay them out in 12 words: c1 (x, y)
 * of each entry, then c2 (x, y) of each entry. The same layout holds a box's sums.
 */
export function ciphertextWords(ciphertexts: readonly Ciphertext[]): bigint[] {
  return [...ciphertexts.flatMap(({ c1 }) => c1), ...ciphertexts.flatMap(({ c2 }) => c2)];
}

/** The ciphertexts in `words` (ciphertextWords' layout). */
export function ciphertextsFromWords(words: readonly bigint[]): Ciphertext[] {
  const n = SEALED_BALLOT.options;
  if (words.length !== 4 * n)
    throw new RangeError(`${n} ciphertexts are ${4 * n} words, not ${words.length}`);
  const point = (at: number): Point => [words[at]!, words[at + 1]!];
  return Array.from({ length: n }, (_, option) => ({ c1: point(2 * option), c2: point(2 * n + 2 * option) }));
}

/** A sealed vote as ZoneSealedBallots.castSealedVotes takes it. */
export function sealedVoteCall(vote: SealedVote): {
  nullifier: bigint;
  ciphertexts: bigint[];
  points: bigint[];
} {
  return {
    nullifier: vote.nullifier,
    ciphertexts: ciphertextWords(vote.ciphertexts),
    points: [...vote.points],
  };
}

/** A sealed vote as a relayer's POST /v1/sealed-votes takes it (RelayerClient.submitSealedVote). */
export function sealedVoteRequest(zone: string, vote: SealedVote): SealedVoteRequest {
  const { nullifier, ciphertexts, points } = sealedVoteCall(vote);
  return {
    zone,
    proposalId: vote.proposalId.toString(),
    nullifier: nullifier.toString(),
    ciphertexts: ciphertexts.map(String),
    proof: points.map(String),
  };
}

/**
 * A box's sums as ZoneSealedBallots.ballotBox reports them, in its 12 words: the neutral element (an
 * encryption of 0 with randomness 0) while it holds no ballot.
 */
export function ballotBoxSums(box: { sums: readonly bigint[] }): Ciphertext[] {
  return ciphertextsFromWords(box.sums);
}

// --- Distributed key generation ------------------------------------------------------------------

/**
 * What one teller (the dealer) publishes and sends in the key generation: Feldman commitments
 * a_k·G to its random polynomial f(x) = a_0 + a_1 x + ... + a_{t-1} x^{t-1}, and the share f(j) for
 * each teller j = 1..n (sent to teller j alone, encrypted to it). f(0) = a_0 is the dealer's part of
 * the joint secret, which is the sum over qualified dealers.
 */
export interface Deal {
  dealer: number;
  commitments: Point[];
  /** shares[j - 1] is teller j's, for j = 1..n. */
  shares: bigint[];
}

/** A dealer's polynomial of `threshold` coefficients (random unless given), committed and evaluated. */
export function dealShares(
  dealer: number,
  threshold: number,
  tellerCount: number,
  coefficients: readonly bigint[] = Array.from({ length: threshold }, randomScalar),
): Deal {
  checkTellers(threshold, tellerCount);
  checkTeller(dealer, tellerCount);
  if (coefficients.length !== threshold) {
    throw new RangeError(
      `a threshold of ${threshold} takes ${threshold} coefficients, not ${coefficients.length}`,
    );
  }
  return {
    dealer,
    commitments: coefficients.map((a) => mulPoint(GENERATOR, a)),
    shares: Array.from({ length: tellerCount }, (_, index) => evaluate(coefficients, BigInt(index + 1))),
  };
}

/** sum_k C_k · j^k: the public key of the share f(j), from the dealer's commitments alone. */
export function committedShareKey(commitments: readonly Point[], teller: number): Point {
  let key = IDENTITY;
  let power = 1n;
  for (const commitment of commitments) {
    key = addPoints(key, mulPoint(commitment, power));
    power = (power * BigInt(teller)) % SCALAR_ORDER;
  }
  return key;
}

/** Whether `share` is f(teller) for the polynomial the commitments bind (Feldman's check). */
export function verifyShare(commitments: readonly Point[], teller: number, share: bigint): boolean {
  if (share < 0n || share >= SCALAR_ORDER) return false;
  return pointsEqual(mulPoint(GENERATOR, share), committedShareKey(commitments, teller));
}

/**
 * A complaint by teller `complainant` that dealer `dealer` sent it a share that fails verifyShare
 * (or none). The dealer answers by publishing that share; `answer` is undefined until it does.
 */
export interface Complaint {
  dealer: number;
  complainant: number;
  answer?: bigint;
}

/**
 * Why each dealer is out of the key generation, or not: a dealer qualifies when it published
 * `threshold` valid commitments (points of the subgroup, the first not the neutral element) and
 * answered every complaint against it with a share that verifies. Everyone computes this from
 * public data alone, so all agree on the qualified set.
 */
export function disqualifiedDealers(
  threshold: number,
  tellerCount: number,
  published: ReadonlyMap<number, readonly Point[]>,
  complaints: readonly Complaint[],
): Map<number, string> {
  checkTellers(threshold, tellerCount);
  const reasons = new Map<number, string>();
  for (let dealer = 1; dealer <= tellerCount; dealer++) {
    const commitments = published.get(dealer);
    if (commitments === undefined) reasons.set(dealer, "published no commitments");
    else if (commitments.length !== threshold) {
      reasons.set(dealer, `published ${commitments.length} commitments, not ${threshold}`);
    } else if (!commitments.every(isSubgroupPoint) || pointsEqual(commitments[0]!, IDENTITY)) {
      reasons.set(dealer, "published a commitment that is not a valid key");
    }
  }
  for (const { dealer, complainant, answer } of complaints) {
    if (reasons.has(dealer)) continue;
    if (answer === undefined) {
      reasons.set(dealer, `did not answer teller ${complainant}'s complaint`);
    } else if (!verifyShare(published.get(dealer)!, complainant, answer)) {
      reasons.set(dealer, `answered teller ${complainant}'s complaint with a wrong share`);
    }
  }
  return reasons;
}

/** The tellers' joint public key: the sum of the qualified dealers' first commitments. */
export function jointPublicKey(qualified: ReadonlyMap<number, readonly Point[]>): Point {
  if (qualified.size === 0) throw new Error("no qualified dealer: the key generation failed");
  return [...qualified.values()].reduce((key, commitments) => addPoints(key, commitments[0]!), IDENTITY);
}

/** Teller `teller`'s secret share of the joint key: the shares it got from the qualified dealers, summed. */
export function combineShares(shares: readonly bigint[]): bigint {
  return shares.reduce((sum, share) => (sum + share) % SCALAR_ORDER, 0n);
}

/**
 * The public key of teller `teller`'s combined share, from the qualified dealers' commitments:
 * what its partial decryptions are checked against.
 */
export function tellerKey(qualified: ReadonlyMap<number, readonly Point[]>, teller: number): Point {
  return [...qualified.values()].reduce(
    (key, commitments) => addPoints(key, committedShareKey(commitments, teller)),
    IDENTITY,
  );
}

/** Domain of the hash that masks a share encrypted to a teller. */
const SHARE_TAG = "zonedao.sealed.share.v1";

/** A share as a dealer sends it to one teller: an ephemeral point and the masked share. */
export type EncryptedShare = readonly [ephemeralX: bigint, ephemeralY: bigint, masked: bigint];

/**
 * `share` encrypted to `recipientKey` (the teller's registered key K = k·G): the ephemeral e·G and
 * share XOR keccak256(tag ‖ e·K). Only the holder of k recomputes e·K = k·(e·G). Whether the share
 * is right is what Feldman's check tells the recipient, and a complaint makes the dealer show it.
 */
export function encryptShare(
  recipientKey: Point,
  share: bigint,
  ephemeral: bigint = randomScalar(),
): EncryptedShare {
  const [x, y] = mulPoint(GENERATOR, ephemeral);
  return [x, y, share ^ shareMask(mulPoint(recipientKey, ephemeral))];
}

/** The share in `encrypted`, for the teller whose key's secret is `secret`. */
export function decryptShare(secret: bigint, [x, y, masked]: EncryptedShare): bigint {
  return masked ^ shareMask(mulPoint([x, y], secret));
}

function shareMask([x, y]: Point): bigint {
  return BigInt(keccak256(concatBytes([toUtf8Bytes(SHARE_TAG), word(x), word(y)])));
}

/**
 * ZoneTellers.deal's `encryptedShares`: three words per teller j = 1..n, its share encrypted to its
 * registered key; zeros for the dealer itself and for tellers without a key.
 */
export function encryptedShareWords(deal: Deal, keys: ReadonlyMap<number, Point>): bigint[] {
  return deal.shares.flatMap((share, index) => {
    const teller = index + 1;
    const key = keys.get(teller);
    // The dealer's own share too, to itself: then a teller's registration secret is all it keeps.
    return key === undefined ? [0n, 0n, 0n] : [...encryptShare(key, share)];
  });
}

/** Teller `teller`'s share in a SharesDealt event's `encryptedShares`. */
export function shareFromWords(words: readonly bigint[], teller: number, secret: bigint): bigint {
  const at = 3 * (teller - 1);
  return decryptShare(secret, [words[at]!, words[at + 1]!, words[at + 2]!]);
}

// --- Partial decryption and tally ----------------------------------------------------------------

/** A Chaum-Pedersen proof that log_G(key) = log_c1(share), in (challenge, response) form. */
export interface DleqProof {
  challenge: bigint;
  response: bigint;
}

/** One teller's part of opening a proposal's sums: share_o = x·c1_o for each option o, with proofs. */
export interface PartialDecryption {
  teller: number;
  shares: Point[];
  proofs: DleqProof[];
}

/**
 * Teller `teller`'s partial decryption of `sums` with its combined share `secretShare`, each with
 * a proof that it used the share whose public key is tellerKey(..., teller).
 */
export function partialDecrypt(
  teller: number,
  secretShare: bigint,
  sums: readonly Ciphertext[],
): PartialDecryption {
  const key = mulPoint(GENERATOR, secretShare);
  const shares = sums.map(({ c1 }) => mulPoint(c1, secretShare));
  const proofs = sums.map(({ c1 }, option) => proveDleq(secretShare, key, c1, shares[option]!));
  return { teller, shares, proofs };
}

/** A partial decryption as ZoneSealedBallots.postPartialDecryption takes it (after zone and proposal). */
export function partialDecryptionCall(partial: PartialDecryption): [bigint[], EntryWords, EntryWords] {
  if (partial.shares.length !== SEALED_BALLOT.options || partial.proofs.length !== SEALED_BALLOT.options) {
    throw new RangeError(`a partial decryption has ${SEALED_BALLOT.options} shares and proofs`);
  }
  return [
    partial.shares.flat(),
    partial.proofs.map(({ challenge }) => challenge) as EntryWords,
    partial.proofs.map(({ response }) => response) as EntryWords,
  ];
}

/** One word per entry of a sealed ballot. */
type EntryWords = [bigint, bigint, bigint];

/** Whether each of a partial decryption's shares is proven to be x·c1 for the x of `key`. */
export function verifyPartialDecryption(
  key: Point,
  sums: readonly Ciphertext[],
  partial: PartialDecryption,
): boolean {
  if (partial.shares.length !== sums.length || partial.proofs.length !== sums.length) return false;
  return sums.every(
    ({ c1 }, option) =>
      isSubgroupPoint(partial.shares[option]!) &&
      verifyDleq(key, c1, partial.shares[option]!, partial.proofs[option]!),
  );
}

/** Lagrange's coefficient of teller `teller` at 0 among the tellers `among` (mod SCALAR_ORDER). */
export function lagrangeAtZero(teller: number, among: readonly number[]): bigint {
  let numerator = 1n;
  let denominator = 1n;
  for (const other of among) {
    if (other === teller) continue;
    numerator = (numerator * BigInt(other)) % SCALAR_ORDER;
    denominator = mod(denominator * BigInt(other - teller), SCALAR_ORDER);
  }
  return (numerator * modInverse(denominator, SCALAR_ORDER)) % SCALAR_ORDER;
}

/**
 * Each option's m·G from the sums and `threshold` verified partial decryptions: c2 minus the
 * shares weighted by Lagrange's coefficients at 0 over the tellers that took part.
 */
function combinePartialDecryptions(
  sums: readonly Ciphertext[],
  partials: readonly Pick<PartialDecryption, "teller" | "shares">[],
): Point[] {
  const among = partials.map(({ teller }) => teller);
  return sums.map(({ c2 }, option) => {
    const opened = partials.reduce(
      (sum, partial) =>
        addPoints(sum, mulPoint(partial.shares[option]!, lagrangeAtZero(partial.teller, among))),
      IDENTITY,
    );
    return addPoints(c2, negatePoint(opened));
  });
}

/**
 * m for m·G = `point` with 0 <= m <= `max` (a tally is at most the electorate), by baby steps and
 * giant steps: about 2·sqrt(max) point additions. Throws when no such m exists, which means the
 * partial decryptions or the sums were wrong.
 */
export function boundedDiscreteLog(point: Point, max: number): number {
  if (!Number.isSafeInteger(max) || max < 0)
    throw new RangeError(`a count's bound is a whole number, not ${max}`);
  const step = Math.ceil(Math.sqrt(max + 1));
  const babySteps = new Map<string, number>();
  let baby = IDENTITY;
  for (let j = 0; j < step; j++) {
    babySteps.set(pointKey(baby), j);
    baby = addPoints(baby, GENERATOR);
  }
  const giantStride = negatePoint(mulPoint(GENERATOR, BigInt(step)));
  let giant = point;
  for (let i = 0; i * step <= max; i++) {
    const j = babySteps.get(pointKey(giant));
    if (j !== undefined && i * step + j <= max) return i * step + j;
    giant = addPoints(giant, giantStride);
  }
  throw new Error(`the decrypted count is not between 0 and ${max}: a partial decryption or a sum is wrong`);
}

/** What opening a proposal's tally takes. */
export interface TallyOpening {
  /** The sums of the proposal's sealed ballots, one per option. */
  sums: readonly Ciphertext[];
  /** Partial decryptions of `sums`, from any tellers. */
  partials: readonly PartialDecryption[];
  /** Each teller's share key (tellerKey), which its partial decryption must be proven against. */
  tellerKeys: ReadonlyMap<number, Point>;
  threshold: number;
  /** The most ballots the sums can hold: each count is found between 0 and this. */
  electorate: number;
}

/**
 * Each option's count. Every partial decryption is checked against its teller's key first (a wrong
 * one is refused by name, never combined: combined, it could shift a count and still land in
 * range), and the first `threshold` of them open the sums.
 */
export function openTally({ sums, partials, tellerKeys, threshold, electorate }: TallyOpening): number[] {
  const tellers = partials.map(({ teller }) => teller);
  if (new Set(tellers).size !== tellers.length)
    throw new Error("a teller's partial decryption is counted twice");
  for (const partial of partials) {
    const key = tellerKeys.get(partial.teller);
    if (key === undefined) throw new Error(`teller ${partial.teller} is not one of the proposal's tellers`);
    if (!verifyPartialDecryption(key, sums, partial)) {
      throw new Error(`teller ${partial.teller}'s partial decryption is wrong: its proof does not hold`);
    }
  }
  if (partials.length < threshold) {
    throw new Error(`${partials.length} partial decryptions cannot open the tally: it takes ${threshold}`);
  }
  // Exactly `threshold` of them determine the result; more add nothing but work.
  return decryptCounts(sums, partials.slice(0, threshold), electorate);
}

/**
 * Each option's count from `partials` of `sums` that were checked already (by openTally, or by the
 * contract that took them) and are exactly enough to open them.
 */
export function decryptCounts(
  sums: readonly Ciphertext[],
  partials: readonly Pick<PartialDecryption, "teller" | "shares">[],
  electorate: number,
): number[] {
  return combinePartialDecryptions(sums, partials).map((point) => boundedDiscreteLog(point, electorate));
}

// --- Chaum-Pedersen ------------------------------------------------------------------------------

function proveDleq(secret: bigint, key: Point, base: Point, share: Point): DleqProof {
  const nonce = randomScalar();
  const challenge = dleqChallenge(key, base, share, mulPoint(GENERATOR, nonce), mulPoint(base, nonce));
  return { challenge, response: mod(nonce + challenge * secret, SCALAR_ORDER) };
}

/** s·G - c·key and s·base - c·share are the prover's commitments exactly when the proof is right. */
function verifyDleq(key: Point, base: Point, share: Point, { challenge, response }: DleqProof): boolean {
  if (challenge < 0n || challenge >= SCALAR_ORDER || response < 0n || response >= SCALAR_ORDER) return false;
  const keyCommitment = addPoints(mulPoint(GENERATOR, response), negatePoint(mulPoint(key, challenge)));
  const shareCommitment = addPoints(mulPoint(base, response), negatePoint(mulPoint(share, challenge)));
  return dleqChallenge(key, base, share, keyCommitment, shareCommitment) === challenge;
}

/**
 * keccak256(tag ‖ G ‖ key ‖ base ‖ share ‖ A ‖ B) mod SCALAR_ORDER, every coordinate a 32-byte
 * big-endian word: abi.encodePacked of the same values, so a contract recomputes it with keccak256.
 */
export function dleqChallenge(key: Point, base: Point, share: Point, a: Point, b: Point): bigint {
  const words = [GENERATOR, key, base, share, a, b].flatMap(([x, y]) => [word(x), word(y)]);
  return BigInt(keccak256(concatBytes([toUtf8Bytes(DLEQ_TAG), ...words]))) % SCALAR_ORDER;
}

// --- Helpers -------------------------------------------------------------------------------------

function evaluate(coefficients: readonly bigint[], x: bigint): bigint {
  return coefficients.reduceRight((value, coefficient) => (value * x + coefficient) % SCALAR_ORDER, 0n);
}

function checkTellers(threshold: number, tellerCount: number): void {
  if (!Number.isInteger(tellerCount) || tellerCount < 1)
    throw new RangeError(`a key needs tellers, not ${tellerCount}`);
  if (!Number.isInteger(threshold) || threshold < 1 || threshold > tellerCount) {
    throw new RangeError(`a threshold is between 1 and the ${tellerCount} tellers, not ${threshold}`);
  }
}

function checkTeller(teller: number, tellerCount: number): void {
  if (!Number.isInteger(teller) || teller < 1 || teller > tellerCount) {
    throw new RangeError(`tellers are numbered 1 to ${tellerCount}, not ${teller}`);
  }
}

function mod(value: bigint, modulus: bigint): bigint {
  const rest = value % modulus;
  return rest < 0n ? rest + modulus : rest;
}

/** value^-1 mod a prime modulus (Fermat). */
function modInverse(value: bigint, modulus: bigint): bigint {
  if (mod(value, modulus) === 0n) throw new RangeError("0 has no inverse");
  let result = 1n;
  let base = mod(value, modulus);
  let exponent = modulus - 2n;
  while (exponent > 0n) {
    if (exponent & 1n) result = (result * base) % modulus;
    base = (base * base) % modulus;
    exponent >>= 1n;
  }
  return result;
}

function word(value: bigint): Uint8Array {
  return getBytes(zeroPadValue(toBeArray(value), 32));
}

function pointKey([x, y]: Point): string {
  return `${x.toString(16)},${y.toString(16)}`;
}
