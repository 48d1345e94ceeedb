/**
 * The bench's own proposal in the million-member zone, made without rebuilding the group: its author
 * is one of the known citizens, whose Merkle path the build kept. A proof made by hand from the
 * sdk's scope and content hash, exactly as `proveProposal` makes it from a whole group.
 */
import { JsonRpcProvider, Wallet } from "ethers";
import { encodeProposalText } from "../../sdk/proposal-text.js";
import { generateProof } from "../../sdk/prove.js";
import {
  identityFromSeed,
  proposalContentHash,
  proposalScope,
  semaphoreArtifacts,
  zoneAt,
  type PackedProof,
} from "../../sdk/index.js";
import type { KnownCitizen } from "./build.js";

export async function proposeAsKnownCitizen(options: {
  provider: JsonRpcProvider;
  submitter: Wallet;
  chainId: bigint;
  zone: string;
  root: bigint;
  author: KnownCitizen;
  title: string;
}): Promise<bigint> {
  const zone = zoneAt(options.zone, options.submitter);
  const identity = identityFromSeed(options.author.seed);
  const siblings = options.author.siblings.map(BigInt);
  const depth = siblings.length;
  const epoch = await zone.currentProposalEpoch();
  const slot = 0n;
  const choices = [[]];
  const description = encodeProposalText({ title: options.title });
  const proof = await generateProof(
    identity,
    { root: options.root, leaf: identity.commitment, index: options.author.index, siblings },
    proposalContentHash(choices, description),
    proposalScope(options.chainId, options.zone, epoch, slot),
    depth,
    semaphoreArtifacts(depth),
  );
  const receipt = await (
    await zone.propose(choices, description, {
      merkleTreeRoot: BigInt(proof.merkleTreeRoot),
      merkleTreeDepth: depth,
      epoch,
      slot,
      nullifier: BigInt(proof.nullifier),
      points: proof.points.map(BigInt) as unknown as PackedProof,
    })
  ).wait();
  if (receipt?.status !== 1) throw new Error("the proposal was not created");
  return zone.proposalCount();
}
