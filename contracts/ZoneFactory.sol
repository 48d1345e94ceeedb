// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Clones} from "@openzeppelin/contracts/proxy/Clones.sol";
import {IZone} from "./interfaces/IZone.sol";
import {IZoneFactory} from "./interfaces/IZoneFactory.sol";
import {Zone} from "./Zone.sol";
import {ZoneServices} from "./economy/ZoneServices.sol";
import {ZoneGoods} from "./economy/ZoneGoods.sol";
import {ZoneTrade} from "./economy/ZoneTrade.sol";
import {ZoneSealedBallots} from "./sealed/ZoneSealedBallots.sol";
import {SealedBallotVerifier} from "./verifier/SealedBallotVerifier.sol";

/// @title Creates zones and the economy modules they share, and tells which addresses are zones.
/// @dev The modules are created here, so their addresses are fixed with the factory's and no one
/// holds a key to change them.
contract ZoneFactory is IZoneFactory {
    /// @notice The implementation every zone is a clone of.
    address public immutable ZONE_IMPLEMENTATION;
    /// @inheritdoc IZoneFactory
    address public immutable SERVICES;
    /// @inheritdoc IZoneFactory
    address public immutable GOODS;
    /// @inheritdoc IZoneFactory
    address public immutable TRADE;
    /// @inheritdoc IZoneFactory
    address public immutable TELLERS;
    /// @inheritdoc IZoneFactory
    address public immutable SEALED_BALLOTS;

    /// @notice Every zone created here, in order.
    address[] public zones;
    /// @inheritdoc IZoneFactory
    mapping(address account => bool created) public isZone;

    /// @param sealedBallotVerifier Verifies sealed ballots with a ceremony's key (circuits/ceremony.ts);
    /// address(0): this deployment has no sealed proposals.
    constructor(address zoneImplementation, SealedBallotVerifier sealedBallotVerifier) {
        ZONE_IMPLEMENTATION = zoneImplementation;
        SERVICES = address(new ZoneServices(this));
        GOODS = address(new ZoneGoods(this));
        TRADE = address(new ZoneTrade(this));
        // Made last, and only with a key: a deployment without sealed ballots creates its zones at
        // the addresses it always did.
        if (address(sealedBallotVerifier) != address(0)) {
            ZoneSealedBallots sealedBallots = new ZoneSealedBallots(this, sealedBallotVerifier);
            SEALED_BALLOTS = address(sealedBallots);
            TELLERS = address(sealedBallots.TELLERS());
        }
    }

    /// @notice Creates a top-level zone with its registrar and rules; the registrar then admits citizens.
    /// @return zone The new zone's address.
    function createZone(
        string calldata name,
        address registrar,
        IZone.Rules calldata rules
    ) external returns (address payable zone) {
        return _create(name, registrar, rules, address(0), 0);
    }

    /// @inheritdoc IZoneFactory
    function createInternalZone(
        string calldata name,
        address registrar,
        IZone.Rules calldata rules,
        uint16 incomeShareBps
    ) external returns (address payable zone) {
        if (!isZone[msg.sender]) revert ZoneFactoryCallerIsNotAZone(msg.sender);
        return _create(name, registrar, rules, msg.sender, incomeShareBps);
    }

    /// @notice How many zones exist.
    function zoneCount() external view returns (uint256) {
        return zones.length;
    }

    function _create(
        string calldata name,
        address registrar,
        IZone.Rules calldata rules,
        address parent,
        uint16 incomeShareBps
    ) private returns (address payable zone) {
        zone = payable(Clones.clone(ZONE_IMPLEMENTATION));
        Zone(zone).initialize(name, registrar, rules, parent, incomeShareBps);
        zones.push(zone);
        isZone[zone] = true;
        emit ZoneCreated(zone, parent, name, registrar);
    }
}
