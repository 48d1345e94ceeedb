// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Initializable} from "@openzeppelin/contracts/proxy/utils/Initializable.sol";
import {ISemaphoreVerifier} from "@semaphore-protocol/contracts/interfaces/ISemaphoreVerifier.sol";
import {IZone} from "./interfaces/IZone.sol";
import {ZoneGovernance} from "./base/ZoneGovernance.sol";

/// @title A zone: a community DAO owned by its citizens through anonymous votes.
/// @notice Holds the treasury (ether and any ERC-20 sent to it); only a passed proposal moves it.
/// @dev Deployed once as an implementation; {ZoneFactory} creates each zone as a minimal clone.
contract Zone is ZoneGovernance, Initializable {
    /// @notice The zone's name, for people.
    string public name;

    /// @param verifier The Semaphore v4 verifier shared by every zone (immutable, so clones share it).
    constructor(ISemaphoreVerifier verifier) ZoneGovernance(verifier) {
        _disableInitializers();
    }

    /// @notice Sets up a new clone. Called once, by the factory, in the transaction that creates it.
    function initialize(
        string calldata zoneName,
        address zoneRegistrar,
        Rules calldata zoneRules
    ) external initializer {
        name = zoneName;
        _setRegistrar(zoneRegistrar);
        _setRules(zoneRules);
    }

    /// @notice The treasury accepts ether from anyone.
    receive() external payable {
        emit EtherReceived(msg.sender, msg.value);
    }

    /// @inheritdoc IZone
    function setRules(Rules calldata newRules) external onlySelf {
        _setRules(newRules);
    }

    function _setRules(Rules calldata newRules) private {
        if (newRules.votingPeriod == 0) revert ZoneInvalidRules("votingPeriod is 0");
        if (newRules.executionWindow == 0) revert ZoneInvalidRules("executionWindow is 0");
        if (newRules.quorumBps > 10_000) revert ZoneInvalidRules("quorumBps above 10000");
        if (newRules.approvalBps >= 10_000) revert ZoneInvalidRules("approvalBps not below 10000");
        if (newRules.proposalEpoch == 0) revert ZoneInvalidRules("proposalEpoch is 0");
        if (newRules.proposalsPerEpoch == 0) revert ZoneInvalidRules("proposalsPerEpoch is 0");
        _rules = newRules;
        emit RulesChanged(newRules);
    }
}
