// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IZone} from "./IZone.sol";

/// @title What zones and modules need to know of the factory.
interface IZoneFactory {
    error ZoneFactoryCallerIsNotAZone(address caller);

    /// @notice Emitted when a zone is created; `parent` is address(0) for a top-level zone.
    event ZoneCreated(address indexed zone, address indexed parent, string name, address registrar);

    /// @notice Whether `account` is a zone this factory created.
    function isZone(address account) external view returns (bool);

    /// @notice The services registry, the one module allowed to pay from zones' treasuries.
    function SERVICES() external view returns (address);

    /// @notice The inter-zone trade contract, the one module allowed to report trade income.
    function TRADE() external view returns (address);

    /// @notice The zone goods (ERC-1155) contract.
    function GOODS() external view returns (address);

    /// @notice Every zone's tellers (ZoneTellers, made by the sealed ballots module); address(0) if
    /// this deployment has no sealed ballot key.
    function TELLERS() external view returns (address);

    /// @notice The sealed ballots module (ZoneSealedBallots), the one allowed to record sealed
    /// tallies; address(0) if this deployment has no sealed ballot key.
    function SEALED_BALLOTS() external view returns (address);

    /// @notice Creates an internal DAO of the calling zone.
    function createInternalZone(
        string calldata name,
        address registrar,
        IZone.Rules calldata rules,
        uint16 incomeShareBps
    ) external returns (address payable zone);
}
