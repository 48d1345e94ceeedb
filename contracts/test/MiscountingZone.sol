// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ISemaphoreVerifier} from "@semaphore-protocol/contracts/interfaces/ISemaphoreVerifier.sol";
import {Zone} from "../Zone.sol";
import {SemaphoreBatchVerifier} from "../verifier/SemaphoreBatchVerifier.sol";

/// @dev Test-only dishonest zone: it counts votes as a zone must not, so that the tally audit
/// (sdk/audit/) has a real contract to catch. For/Against/Abstain proposals get the opposite
/// verdict: a rejected For passes and an approved one fails. Multiple choice is counted honestly.
contract MiscountingZone is Zone {
    constructor(
        ISemaphoreVerifier verifier,
        SemaphoreBatchVerifier batchVerifier
    ) Zone(verifier, batchVerifier) {}

    function _voteSucceeded(
        uint256 proposalId,
        uint256 option,
        uint256 votes
    ) internal view override returns (bool) {
        bool honest = super._voteSucceeded(proposalId, option, votes);
        return _proposals[proposalId].multipleChoice ? honest : !honest;
    }
}
