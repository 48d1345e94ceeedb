// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Clones} from "@openzeppelin/contracts/proxy/Clones.sol";
import {IZone} from "./interfaces/IZone.sol";
import {Zone} from "./Zone.sol";

/// @title Creates zones, and tells which addresses are zones it created.
contract ZoneFactory {
    /// @notice The implementation every zone is a clone of.
    address public immutable ZONE_IMPLEMENTATION;

    /// @notice Every zone created here, in order.
    address[] public zones;
    mapping(address zone => bool created) public isZone;

    /// @notice Emitted when a zone is created.
    event ZoneCreated(address indexed zone, address indexed creator, string name, address registrar);

    constructor(address zoneImplementation) {
        ZONE_IMPLEMENTATION = zoneImplementation;
    }

    /// @notice Creates a zone with its registrar and rules; the registrar then admits citizens.
    /// @return zone The new zone's address.
    function createZone(
        string calldata name,
        address registrar,
        IZone.Rules calldata rules
    ) external returns (address payable zone) {
        zone = payable(Clones.clone(ZONE_IMPLEMENTATION));
        Zone(zone).initialize(name, registrar, rules);
        zones.push(zone);
        isZone[zone] = true;
        emit ZoneCreated(zone, msg.sender, name, registrar);
    }

    /// @notice How many zones exist.
    function zoneCount() external view returns (uint256) {
        return zones.length;
    }
}
