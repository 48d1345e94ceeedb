/**
 * ZoneDAO's Semaphore scopes and message hashes: the TypeScript mirror of
 * contracts/libraries/ZoneScopes.sol, and the only place the sdk computes them.
 */
import { AbiCoder, keccak256, toBeHex, toUtf8Bytes, id } from "ethers";
import type { ZoneAction } from "./types.js";

const abi = AbiCoder.defaultAbiCoder();
const VOTE_TAG = id("zonedao.vote.v1");
const PROPOSAL_TAG = id("zonedao.propose.v1");
const DIVIDEND_TAG = id("zonedao.dividend.v1");
const INVITATION_TAG = id("zonedao.invite.v1");
const FEDERATION_TAG = id("zonedao.federation.v1");
const SEALED_PROPOSAL_TAG = id("zonedao.propose.sealed.v1");
const ACTION_LIST = "tuple(address target, uint256 value, bytes data)[]";

/** Scope of a vote: binds chain, zone and proposal, so a vote counts nowhere else. */
export function voteScope(chainId: bigint, zone: string, proposalId: bigint): bigint {
  return BigInt(
    keccak256(
      abi.encode(["bytes32", "uint256", "address", "uint256"], [VOTE_TAG, chainId, zone, proposalId]),
    ),
  );
}

/** Scope of an anonymous proposal: one nullifier per citizen, epoch and slot. */
export function proposalScope(chainId: bigint, zone: string, epoch: bigint, slot: bigint): bigint {
  return BigInt(
    keccak256(
      abi.encode(
        ["bytes32", "uint256", "address", "uint256", "uint256"],
        [PROPOSAL_TAG, chainId, zone, epoch, slot],
      ),
    ),
  );
}

/** Scope of a dividend claim: one nullifier per citizen and dividend round. */
export function dividendScope(chainId: bigint, zone: string, roundId: bigint): bigint {
  return BigInt(
    keccak256(
      abi.encode(["bytes32", "uint256", "address", "uint256"], [DIVIDEND_TAG, chainId, zone, roundId]),
    ),
  );
}

/** Scope of an anonymous invitation: one nullifier, so one newcomer, per citizen, epoch and slot. */
export function invitationScope(chainId: bigint, zone: string, epoch: bigint, slot: bigint): bigint {
  return BigInt(
    keccak256(
      abi.encode(
        ["bytes32", "uint256", "address", "uint256", "uint256"],
        [INVITATION_TAG, chainId, zone, epoch, slot],
      ),
    ),
  );
}

/**
 * Scope of a federation citizen's admission to `zone` through the FederationGatekeeper at
 * `gatekeeper`: one nullifier, so one admission, per person and zone.
 */
export function federationScope(chainId: bigint, gatekeeper: string, zone: string): bigint {
  return BigInt(
    keccak256(
      abi.encode(["bytes32", "uint256", "address", "address"], [FEDERATION_TAG, chainId, gatekeeper, zone]),
    ),
  );
}

/** Semaphore v4's hash of a message or scope into a circuit input: keccak256 >> 8. */
export function semaphoreHash(value: bigint): bigint {
  return BigInt(keccak256(toBeHex(value, 32))) >> 8n;
}

/** keccak256 of an option's actions, as the zone stores it to check execution. */
export function actionsHash(actions: readonly ZoneAction[]): string {
  return keccak256(abi.encode([ACTION_LIST], [actions.map(toTuple)]));
}

/** The message an anonymous proposal's proof binds, so no relayer can alter the proposal. */
export function proposalContentHash(
  options: readonly (readonly ZoneAction[])[],
  description: string,
): bigint {
  return BigInt(
    keccak256(
      abi.encode(
        [`${ACTION_LIST}[]`, "bytes32"],
        [options.map((actions) => actions.map(toTuple)), keccak256(toUtf8Bytes(description))],
      ),
    ),
  );
}

/** The message a sealed proposal's proof binds: its content and its tellers' term. */
export function sealedProposalContentHash(
  options: readonly (readonly ZoneAction[])[],
  description: string,
  tellersTerm: bigint,
): bigint {
  return BigInt(
    keccak256(
      abi.encode(
        ["bytes32", "uint256", "uint256"],
        [SEALED_PROPOSAL_TAG, proposalContentHash(options, description), tellersTerm],
      ),
    ),
  );
}

function toTuple(action: ZoneAction): [string, bigint, string] {
  return [action.target, action.value, action.data];
}
