/**
 * Shared set-up for sealed proposals: a deployment with the development sealed ballot key, a zone
 * of eight citizens, tellers elected by the zone's vote, and their key made on chain by an honest
 * run of the key generation (tellers.test.ts covers the dishonest runs).
 */
import type { Signer } from "ethers";
import { developmentCircuit, type DevelopmentKey } from "../circuits/ceremony.js";
import { electTellers as electTellersAction, identityFromSeed, type Identity } from "../sdk/index.js";
import { sealedBallotsAt, zoneTellersAt } from "../sdk/contracts.js";
import { randomScalar, type Point, type VerificationKey } from "../sdk/sealed.js";
import { dealAsTeller, registerTeller, secretShareOf, type TellersTerm } from "../sdk/tellers.js";
import type { ZoneAction } from "../sdk/types.js";
import type { WarmCircuit } from "../sdk/warm-prover.js";
import type { ZoneSealedBallots, ZoneTellers } from "../types/ethers-contracts/index.js";
import { TEST_RULES, deployEmptyZone, ethers, passProposal, type ZoneWorld } from "./zone-fixture.js";

export const HOUR = 3_600;
/** Each phase of the tellers' key generation. */
export const TELLER_PHASE = HOUR;
export const TELLER_TERM = 30 * 24 * HOUR;

/** Eight citizens: enough for a tally whose counts are not all alike. */
export const sealedCitizens = Array.from({ length: 8 }, (_, i) =>
  identityFromSeed(`zonedao-sealed-citizen-${i}`),
);

export interface SealedWorld extends ZoneWorld {
  /** The zone's citizens, admitted at its founding. */
  citizens: Identity[];
  key: DevelopmentKey;
  circuit: WarmCircuit;
  tellers: ZoneTellers;
  tellersAddress: string;
  sealedBallots: ZoneSealedBallots;
}

/** The development key and its warm circuit, made (or read from the build cache) once per run. */
let development: Promise<{ key: DevelopmentKey; circuit: WarmCircuit }> | undefined;
export function sealedDevelopment(): Promise<{ key: DevelopmentKey; circuit: WarmCircuit }> {
  development ??= developmentCircuit();
  return development;
}

/** A deployment with sealed ballots and a zone of `citizens`, admitted at its founding. */
export async function deploySealedZone(citizens: Identity[] = sealedCitizens): Promise<SealedWorld> {
  const { key, circuit } = await sealedDevelopment();
  const world = await deployEmptyZone(TEST_RULES, undefined, {
    sealedBallotKey: key.verificationKey as VerificationKey,
  });
  await (
    await world.zone.connect(world.registrar).addMembers(citizens.map((citizen) => citizen.commitment))
  ).wait();
  const tellersAddress = await world.factory.TELLERS();
  const tellers = zoneTellersAt(tellersAddress, world.relayer);
  const sealedBallots = sealedBallotsAt(await world.factory.SEALED_BALLOTS(), world.relayer);
  return { ...world, citizens, key, circuit, tellers, tellersAddress, sealedBallots };
}

/** A term of tellers whose key is ready, and what each teller holds. */
export interface ElectedTellers {
  term: bigint;
  threshold: number;
  publicKey: Point;
  /** Each teller's signer, by its number (1..n). */
  signers: Map<number, Signer>;
  /** Each teller's share of the joint secret, by its number: what it decrypts with. */
  secretShares: Map<number, bigint>;
}

/**
 * The zone's citizens (`voters`, all of them by default) elect `signers` as tellers (threshold
 * `threshold`) by vote, and the tellers run the key generation on chain with the sdk's teller steps:
 * each registers a key, deals, and ends with its share read back from the chain; no complaints.
 * Returns the finalized term.
 */
export async function electTellers(
  world: SealedWorld,
  signers: Signer[],
  threshold: number,
  voters: Identity[] = world.citizens,
): Promise<ElectedTellers> {
  const { tellers, zoneAddress: zone } = world;
  const { time } = world.chain.networkHelpers;
  const addresses = await Promise.all(signers.map((signer) => signer.getAddress()));
  await passProposal(
    world,
    [[electionAction(world, addresses, threshold)]],
    `Elect ${signers.length} tellers`,
    {
      voters,
    },
  );
  const term = (await tellers.termCount(zone)) - 1n;
  const numbers = signers.map((_, index) => index + 1);
  const as = (teller: number): TellersTerm => ({
    tellers: tellers.connect(signers[teller - 1]),
    zone,
    term,
  });
  const secrets = new Map(numbers.map((teller) => [teller, randomScalar()]));
  for (const teller of numbers) await registerTeller(as(teller), secrets.get(teller)!);
  await time.increase(TELLER_PHASE);
  for (const teller of numbers) await dealAsTeller(as(teller), teller);
  await time.increase(3 * TELLER_PHASE);
  await (await tellers.finalize(zone, term)).wait();
  const secretShares = new Map<number, bigint>();
  for (const teller of numbers)
    secretShares.set(teller, await secretShareOf(as(teller), teller, secrets.get(teller)!));
  const { publicKey } = await tellers.getTerm(zone, term);
  return {
    term,
    threshold,
    publicKey: [publicKey.x, publicKey.y],
    signers: new Map(numbers.map((teller) => [teller, signers[teller - 1]!])),
    secretShares,
  };
}

/** The zone's action that elects `addresses` as its tellers for a term (TELLER_PHASE, TELLER_TERM). */
export function electionAction(world: SealedWorld, addresses: string[], threshold: number): ZoneAction {
  return electTellersAction(world.tellersAddress, {
    accounts: addresses,
    threshold,
    phaseLength: TELLER_PHASE,
    termLength: TELLER_TERM,
  });
}

/** The Hardhat signers the sealed tests make tellers of (not the deployer, registrar or relayer). */
export async function tellerSigners(count: number): Promise<Signer[]> {
  return (await ethers.getSigners()).slice(3, 3 + count);
}
