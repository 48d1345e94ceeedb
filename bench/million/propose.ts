/**
 * The bench's own proposal in the million-member zone, made without rebuilding the group: its author
 * is one of the known citizens, whose Merkle path comes from the relayer's tree top and buckets
 * (sdk/private-path.ts, checked against the chain's root). A proof made by hand from the sdk's
 * scope and content hash, exactly as `proveProposal` makes it from a whole group.
 */
import { JsonRpcProvider, Wallet } from "ethers";
import { encodeProposalText } from "../../sdk/proposal-text.js";
import { privateMerkleProof } from "../../sdk/private-path.js";
import { generateProof } from "../../sdk/prove.js";
import {
  identityFromSeed,
  proposalContentHash,
  proposalScope,
  RelayerClient,
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
  members: number;
  relayerUrl: string;
  title: string;
}): Promise<bigint> {
  const zone = zoneAt(options.zone, options.submitter);
  const identity = identityFromSeed(options.author.seed);
  const path = await privateMerkleProof(new RelayerClient(options.relayerUrl), {
    zone: options.zone,
    identity,
    leafIndex: options.author.index,
    size: options.members,
    snapshotRoot: options.root,
  });
  const depth = Number((await zone.merkleTree()).depth);
  const epoch = await zone.currentProposalEpoch();
  const slot = 0n;
  const choices = [[]];
  const description = encodeProposalText({ title: options.title });
  const proof = await generateProof(
    identity,
    path,
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
