// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Initializable} from "@openzeppelin/contracts/proxy/utils/Initializable.sol";
import {ISemaphoreVerifier} from "@semaphore-protocol/contracts/interfaces/ISemaphoreVerifier.sol";
import {IZone} from "./interfaces/IZone.sol";
import {IZoneFactory} from "./interfaces/IZoneFactory.sol";
import {ZoneGovernance} from "./base/ZoneGovernance.sol";
import {ZoneTreasury} from "./base/ZoneTreasury.sol";
import {SemaphoreBatchVerifier} from "./verifier/SemaphoreBatchVerifier.sol";

/// @title A zone: a community DAO owned by its citizens through anonymous votes.
/// @notice Holds the treasury (ether, ERC-20 and zone goods); only a passed proposal moves it.
/// @dev Deployed once as an implementation; {ZoneFactory} creates each zone as a minimal clone.
contract Zone is ZoneTreasury, Initializable {
    uint256 private constant BPS = 10_000;

    /// @notice The zone's name, for people.
    string public name;

    /// @param verifier The Semaphore v4 verifier shared by every zone (immutable, so clones share it).
    /// @param batchVerifier The batch verifier with the same keys, for {castVotes}.
    constructor(
        ISemaphoreVerifier verifier,
        SemaphoreBatchVerifier batchVerifier
    ) ZoneGovernance(verifier, batchVerifier) {
        _disableInitializers();
    }

    /// @notice Sets up a new clone. Called once, by the factory, in the transaction that creates it.
    /// @param parent The zone this one is an internal DAO of, or address(0).
    /// @param shareBps The charter: share of income returned to `parent`.
    function initialize(
        string calldata zoneName,
        address zoneRegistrar,
        Rules calldata zoneRules,
        address parent,
        uint16 shareBps
    ) external initializer {
        name = zoneName;
        factory = IZoneFactory(msg.sender);
        parentZone = parent;
        _setRegistrar(zoneRegistrar);
        _setRules(zoneRules);
        // Only an internal DAO has a charter; a top-level zone keeps all its income.
        if (parent != address(0)) _setCharter(shareBps);
    }

    /// @inheritdoc IZone
    function setRules(Rules calldata newRules) external onlySelf {
        _setRules(newRules);
    }

    /// @inheritdoc IZone
    function createInternalDao(
        string calldata daoName,
        address daoRegistrar,
        Rules calldata daoRules,
        uint16 shareBps
    ) external onlySelf returns (address dao) {
        dao = factory.createInternalZone(daoName, daoRegistrar, daoRules, shareBps);
        emit InternalDaoCreated(dao, daoName, shareBps);
    }

    /// @inheritdoc IZone
    function setCharter(uint16 shareBps) external onlySelf {
        if (parentZone == address(0)) revert ZoneNotAnInternalDao();
        _setCharter(shareBps);
    }

    function _setCharter(uint16 shareBps) private {
        if (shareBps > BPS) revert ZoneInvalidRules("incomeShareBps above 10000");
        incomeShareBps = shareBps;
        emit CharterChanged(shareBps);
    }

    function _setRules(Rules calldata newRules) private {
        if (newRules.votingPeriod == 0) revert ZoneInvalidRules("votingPeriod is 0");
        if (newRules.executionWindow == 0) revert ZoneInvalidRules("executionWindow is 0");
        if (newRules.quorumBps > BPS) revert ZoneInvalidRules("quorumBps above 10000");
        if (newRules.approvalBps >= BPS) revert ZoneInvalidRules("approvalBps not below 10000");
        if (newRules.proposalEpoch == 0) revert ZoneInvalidRules("proposalEpoch is 0");
        if (newRules.proposalsPerEpoch == 0) revert ZoneInvalidRules("proposalsPerEpoch is 0");
        _rules = newRules;
        emit RulesChanged(newRules);
    }
}
