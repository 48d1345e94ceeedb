// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ISemaphoreVerifier} from "@semaphore-protocol/contracts/interfaces/ISemaphoreVerifier.sol";
import {MIN_DEPTH, MAX_DEPTH} from "@semaphore-protocol/contracts/base/Constants.sol";
import {IZone} from "../interfaces/IZone.sol";
import {IZoneGatekeeper} from "../interfaces/IZoneGatekeeper.sol";
import {ZoneScopes} from "../libraries/ZoneScopes.sol";

/// @title A gatekeeper that admits the citizens of a federation: the members of another zone's group.
/// @notice The evidence is a Semaphore proof of membership in `FEDERATION`'s current group whose
/// message is the newcomer's identity commitment and whose scope is {ZoneScopes.federationScope} of
/// (chain, this gatekeeper, the zone): each federation citizen admits one identity per zone, and no
/// one learns which citizen it was.
/// @dev Only the admissions contract may ask: the proof is bound to its commitment, but anyone who
/// saw it could otherwise spend its nullifier without making the request.
contract FederationGatekeeper is IZoneGatekeeper {
    IZone public immutable FEDERATION;
    ISemaphoreVerifier public immutable VERIFIER;
    address public immutable ADMISSIONS;

    mapping(uint256 nullifier => bool) public nullifierUsed;

    error FederationCallerIsNotAdmissions(address caller);
    error FederationNullifierUsed(uint256 nullifier);
    error FederationStaleRoot(uint256 root);

    /// @notice A federation citizen's proof, as `evidence` (abi-encoded).
    struct Evidence {
        uint256 merkleTreeRoot;
        uint256 merkleTreeDepth;
        uint256 nullifier;
        uint256[8] points;
    }

    constructor(IZone federation, ISemaphoreVerifier verifier, address admissions) {
        FEDERATION = federation;
        VERIFIER = verifier;
        ADMISSIONS = admissions;
    }

    /// @inheritdoc IZoneGatekeeper
    function admits(
        address zone,
        uint256 identityCommitment,
        bytes calldata evidence
    ) external returns (bool) {
        if (msg.sender != ADMISSIONS) revert FederationCallerIsNotAdmissions(msg.sender);
        Evidence memory proof = abi.decode(evidence, (Evidence));
        (uint256 root, , ) = FEDERATION.merkleTree();
        // The federation's group as it is now: a proof made before a change is simply made again.
        if (proof.merkleTreeRoot != root) revert FederationStaleRoot(proof.merkleTreeRoot);
        if (proof.nullifier >= ZoneScopes.SNARK_SCALAR_FIELD || nullifierUsed[proof.nullifier]) {
            revert FederationNullifierUsed(proof.nullifier);
        }
        if (proof.merkleTreeDepth < MIN_DEPTH || proof.merkleTreeDepth > MAX_DEPTH) return false;
        for (uint256 i = 0; i < 8; ++i) {
            if (proof.points[i] >= ZoneScopes.BASE_FIELD) return false;
        }
        bool valid = VERIFIER.verifyProof(
            [proof.points[0], proof.points[1]],
            [[proof.points[2], proof.points[3]], [proof.points[4], proof.points[5]]],
            [proof.points[6], proof.points[7]],
            [
                root,
                proof.nullifier,
                ZoneScopes.semaphoreHash(identityCommitment),
                ZoneScopes.semaphoreHash(ZoneScopes.federationScope(block.chainid, address(this), zone))
            ],
            proof.merkleTreeDepth
        );
        if (!valid) return false;
        nullifierUsed[proof.nullifier] = true;
        return true;
    }
}
