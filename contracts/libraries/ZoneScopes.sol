// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IZone} from "../interfaces/IZone.sol";

/// @title The one definition of ZoneDAO's Semaphore scopes and hashes (mirrored by sdk/scope.ts).
/// @dev A Semaphore nullifier is Poseidon(scope, secret): binding chain id, zone and proposal into
/// the scope makes a vote useless on any other chain, zone or proposal, and gives each citizen
/// exactly one nullifier per proposal.
library ZoneScopes {
    /// @dev The BN254 scalar field order: every Groth16 public input is below it.
    uint256 internal constant SNARK_SCALAR_FIELD =
        21888242871839275222246405745257275088548364400416034343698204186575808495617;

    /// @dev The BN254 base field order: every proof coordinate is below it.
    uint256 internal constant BASE_FIELD =
        21888242871839275222246405745257275088696311157297823662689037894645226208583;

    bytes32 internal constant VOTE_TAG = keccak256("zonedao.vote.v1");
    bytes32 internal constant PROPOSAL_TAG = keccak256("zonedao.propose.v1");
    bytes32 internal constant DIVIDEND_TAG = keccak256("zonedao.dividend.v1");
    bytes32 internal constant INVITATION_TAG = keccak256("zonedao.invite.v1");
    bytes32 internal constant FEDERATION_TAG = keccak256("zonedao.federation.v1");
    bytes32 internal constant SEALED_PROPOSAL_TAG = keccak256("zonedao.propose.sealed.v1");

    /// @notice Scope of a vote: keccak256(abi.encode(VOTE_TAG, chainId, zone, proposalId)).
    function voteScope(uint256 chainId, address zone, uint256 proposalId) internal pure returns (uint256) {
        return uint256(keccak256(abi.encode(VOTE_TAG, chainId, zone, proposalId)));
    }

    /// @notice Scope of an anonymous proposal: keccak256(abi.encode(PROPOSAL_TAG, chainId, zone, epoch, slot)).
    function proposalScope(
        uint256 chainId,
        address zone,
        uint256 epoch,
        uint256 slot
    ) internal pure returns (uint256) {
        return uint256(keccak256(abi.encode(PROPOSAL_TAG, chainId, zone, epoch, slot)));
    }

    /// @notice Scope of a dividend claim: keccak256(abi.encode(DIVIDEND_TAG, chainId, zone, roundId)).
    function dividendScope(uint256 chainId, address zone, uint256 roundId) internal pure returns (uint256) {
        return uint256(keccak256(abi.encode(DIVIDEND_TAG, chainId, zone, roundId)));
    }

    /// @notice Scope of an anonymous invitation: keccak256(abi.encode(INVITATION_TAG, chainId, zone,
    /// epoch, slot)); a citizen has one nullifier, so one invitation, per slot and epoch.
    function invitationScope(
        uint256 chainId,
        address zone,
        uint256 epoch,
        uint256 slot
    ) internal pure returns (uint256) {
        return uint256(keccak256(abi.encode(INVITATION_TAG, chainId, zone, epoch, slot)));
    }

    /// @notice Scope of a federation citizen's admission to `zone` through `gatekeeper`:
    /// keccak256(abi.encode(FEDERATION_TAG, chainId, gatekeeper, zone)); one admission per person.
    function federationScope(
        uint256 chainId,
        address gatekeeper,
        address zone
    ) internal pure returns (uint256) {
        return uint256(keccak256(abi.encode(FEDERATION_TAG, chainId, gatekeeper, zone)));
    }

    /// @notice Semaphore v4's hash of a message or scope into a public input: keccak256 >> 8.
    function semaphoreHash(uint256 value) internal pure returns (uint256 hashed) {
        // uint256(keccak256(abi.encodePacked(value))) >> 8, hashed in scratch space: castVotes calls
        // this for every vote and should not grow memory each time.
        assembly ("memory-safe") {
            mstore(0, value)
            hashed := shr(8, keccak256(0, 32))
        }
    }

    /// @notice What an anonymous proposal's proof binds as its message, so a relayer cannot alter
    /// the proposal: keccak256(abi.encode(options, keccak256(bytes(description)))).
    function proposalContentHash(
        IZone.Action[][] calldata options,
        string calldata description
    ) internal pure returns (bytes32) {
        return keccak256(abi.encode(options, keccak256(bytes(description))));
    }

    /// @notice The message of a sealed proposal's proof: the content and the tellers' term, so that
    /// neither can be changed by whoever submits it: keccak256(abi.encode(SEALED_PROPOSAL_TAG,
    /// proposalContentHash(options, description), tellersTerm)).
    function sealedProposalContentHash(
        IZone.Action[][] calldata options,
        string calldata description,
        uint256 tellersTerm
    ) internal pure returns (bytes32) {
        return
            keccak256(
                abi.encode(SEALED_PROPOSAL_TAG, proposalContentHash(options, description), tellersTerm)
            );
    }
}
