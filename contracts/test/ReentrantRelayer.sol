// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IZone} from "../interfaces/IZone.sol";

/// @dev Test-only attacker: a relayer contract that submits votes, so that the zone owes it, then,
/// while the zone pays its refund, re-enters the zone from `receive`: to claim again, or to submit
/// votes again (a replayed batch, or fresh votes).
contract ReentrantRelayer {
    enum Attack {
        None,
        Claim,
        CastVotes
    }

    IZone private immutable ZONE;
    Attack private _attack;
    IZone.Vote[] private _reentryVotes;

    /// @notice Ether received from the zone, over every payment.
    uint256 public received;
    /// @notice How many payments the zone made to this contract.
    uint256 public payments;
    /// @notice Whether the re-entrant claim reverted (this contract catches it, to keep the first).
    bool public reentrantClaimFailed;
    /// @notice What a re-entrant claim paid, had it succeeded.
    uint256 public reentrantClaimPaid;

    constructor(IZone zone) {
        ZONE = zone;
    }

    function castVotes(IZone.Vote[] calldata votes) external returns (uint256) {
        return ZONE.castVotes(votes);
    }

    /// @notice What `receive` does on the next payment; `votes` are for {Attack.CastVotes}.
    function arm(Attack attack, IZone.Vote[] calldata votes) external {
        _attack = attack;
        delete _reentryVotes;
        for (uint256 i = 0; i < votes.length; ++i) _reentryVotes.push(votes[i]);
    }

    function claim() external returns (uint256) {
        return ZONE.claimRelayerRefund();
    }

    // Re-entering the zone from here is the attack.
    // solhint-disable-next-line no-complex-fallback
    receive() external payable {
        received += msg.value;
        ++payments;
        Attack attack = _attack;
        _attack = Attack.None;
        if (attack == Attack.Claim) {
            try ZONE.claimRelayerRefund() returns (uint256 paidAgain) {
                reentrantClaimPaid += paidAgain;
            } catch {
                reentrantClaimFailed = true;
            }
        } else if (attack == Attack.CastVotes) {
            ZONE.castVotes(_reentryVotes);
        }
    }
}
