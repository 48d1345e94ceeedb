/**
 * Shared set-up for sealed proposals: a deployment with the development sealed ballot key, a zone
 * of eight citizens, tellers elected by the zone's vote, and their key made on chain by an honest
 * run of the key generation (tellers.test.ts covers the dishonest runs).
 */
import type { Signer } from "ethers";
import { developmentCircuit, type DevelopmentKey } from "../circuits/ceremony.js";
import { Identity } from "../sdk/index.js";
import { sealedBallotsAt, zoneTellersAt } from "../sdk/contracts.js";
import {
  GENERATOR,
  combineShares,
  dealShares,
  encryptedShareWords,
  mulPoint,
  randomScalar,
  shareFromWords,
  type Point,
  type VerificationKey,
} from "../sdk/sealed.js";
import type { WarmCircuit } from "../sdk/warm-prover.js";
import type { ZoneSealedBallots, ZoneTellers } from "../types/ethers-contracts/index.js";
import { TEST_RULES, deployEmptyZone, ethers, passProposal, type ZoneWorld } from "./zone-fixture.js";

export const HOUR = 3_600;
/** Each phase of the tellers' key generation. */
export const TELLER_PHASE = HOUR;
export const TELLER_TERM = 30 * 24 * HOUR;

/** Eight citizens: enough for a tally whose counts are not all alike. */
export const sealedCitizens = Array.from(
  { length: 8 },
  (_, i) => new Identity(`zonedao-sealed-citizen-${i}`),
);

export interface SealedWorld extends ZoneWorld {
  key: DevelopmentKey;
  circuit: WarmCircuit;
  tellers: ZoneTellers;
  sealedBallots: ZoneSealedBallots;
}

/** The development key and its warm circuit, made (or read from the build cache) once per run. */
let development: Promise<{ key: DevelopmentKey; circuit: WarmCircuit }> | undefined;
export function sealedDevelopment(): Promise<{ key: DevelopmentKey; circuit: WarmCircuit }> {
  development ??= developmentCircuit();
  return development;
}

/** A deployment with sealed ballots and a zone of `sealedCitizens`, admitted at its founding. */
export async function deploySealedZone(): Promise<SealedWorld> {
  const { key, circuit } = await sealedDevelopment();
  const world = await deployEmptyZone(TEST_RULES, undefined, {
    sealedBallotKey: key.verificationKey as VerificationKey,
  });
  await (
    await world.zone.connect(world.registrar).addMembers(sealedCitizens.map((citizen) => citizen.commitment))
  ).wait();
  const tellers = zoneTellersAt(await world.factory.TELLERS(), world.relayer);
  const sealedBallots = sealedBallotsAt(await world.factory.SEALED_BALLOTS(), world.relayer);
  return { ...world, key, circuit, tellers, sealedBallots };
}

/** A term of tellers whose key is ready, and what each teller holds. */
export interface TellersTerm {
  term: bigint;
  threshold: number;
  publicKey: Point;
  /** Each teller's signer, by its number (1..n). */
  signers: Map<number, Signer>;
  /** Each teller's share of the joint secret, by its number: what it decrypts with. */
  secretShares: Map<number, bigint>;
}

/**
 * The zone's citizens elect `signers` as tellers (threshold `threshold`) by vote, and the tellers
 * run the key generation on chain: each registers a key, deals, reads its shares from the chain's
 * events and adds them up; no complaints. Returns the finalized term.
 */
export async function electTellers(
  world: SealedWorld,
  signers: Signer[],
  threshold: number,
): Promise<TellersTerm> {
  const { tellers, zoneAddress: zone } = world;
  const { time } = world.chain.networkHelpers;
  const addresses = await Promise.all(signers.map((signer) => signer.getAddress()));
  const election = {
    target: await tellers.getAddress(),
    value: 0n,
    data: tellers.interface.encodeFunctionData("electTellers", [
      addresses,
      threshold,
      TELLER_PHASE,
      TELLER_TERM,
    ]),
  };
  await passProposal(world, [[election]], `Elect ${signers.length} tellers`, { voters: sealedCitizens });
  const term = (await tellers.termCount(zone)) - 1n;
  const numbers = signers.map((_, index) => index + 1);
  const as = (teller: number) => tellers.connect(signers[teller - 1]);

  const secrets = new Map(numbers.map((teller) => [teller, randomScalar()]));
  const keys = new Map(numbers.map((teller) => [teller, mulPoint(GENERATOR, secrets.get(teller)!)]));
  for (const teller of numbers) {
    const [x, y] = keys.get(teller)!;
    await (await as(teller).register(zone, term, { x, y })).wait();
  }
  await time.increase(TELLER_PHASE);
  const deals = numbers.map((dealer) => dealShares(dealer, threshold, numbers.length));
  for (const deal of deals) {
    const commitments = deal.commitments.map(([x, y]) => ({ x, y }));
    await (await as(deal.dealer).deal(zone, term, commitments, encryptedShareWords(deal, keys))).wait();
  }
  await time.increase(3 * TELLER_PHASE);
  await (await tellers.finalize(zone, term)).wait();

  // Each teller's share: the sum of what every dealer sent it (its own deal's share it kept).
  const dealt = await tellers.queryFilter(tellers.filters.SharesDealt(zone, term));
  const secretShares = new Map(
    numbers.map((teller) => [
      teller,
      combineShares(
        dealt.map(({ args }) =>
          Number(args.dealer) === teller
            ? deals[teller - 1]!.shares[teller - 1]!
            : shareFromWords(args.encryptedShares, teller, secrets.get(teller)!),
        ),
      ),
    ]),
  );
  const { publicKey } = await tellers.getTerm(zone, term);
  return {
    term,
    threshold,
    publicKey: [publicKey.x, publicKey.y],
    signers: new Map(numbers.map((teller) => [teller, signers[teller - 1]!])),
    secretShares,
  };
}

/** The Hardhat signers the sealed tests make tellers of (not the deployer, registrar or relayer). */
export async function tellerSigners(count: number): Promise<Signer[]> {
  return (await ethers.getSigners()).slice(3, 3 + count);
}
