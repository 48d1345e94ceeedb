// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IZone} from "../interfaces/IZone.sol";

/// @dev Test-only attacker: when a proposal's action calls it, it tries to execute the same
/// proposal again from inside the execution.
contract ReentrantExecutor {
    IZone private immutable ZONE;
    uint256 private _proposalId;
    IZone.Action[] private _actions;

    constructor(IZone zone) {
        ZONE = zone;
    }

    function arm(uint256 proposalId, IZone.Action[] calldata actions) external {
        _proposalId = proposalId;
        for (uint256 i = 0; i < actions.length; ++i) _actions.push(actions[i]);
    }

    function attack() external {
        ZONE.execute(_proposalId, _actions);
    }
}
