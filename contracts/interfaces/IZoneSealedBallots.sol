// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title What a zone needs of the sealed ballots module.
interface IZoneSealedBallots {
    /// @notice Opens the ballot box of the calling zone's new sealed proposal, sealed to its tellers
    /// of `tellersTerm`. Called by the zone in the transaction that creates the proposal.
    function openBallotBox(
        uint256 proposalId,
        uint256 tellersTerm,
        uint256 optionCount,
        uint256 snapshotRoot,
        uint256 voteEnd
    ) external;
}
