// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IZone} from "../interfaces/IZone.sol";
import {IZoneFactory} from "../interfaces/IZoneFactory.sol";

/// @title Every zone's registry of public services (healthcare, education, corrections, ...).
/// @notice Creating, changing and ending a service are calls a zone makes while executing a passed
/// proposal; a provider then claims its budget once per period from the zone's treasury.
/// @dev One registry for all zones, keyed by the calling zone: a zone can only touch its own.
contract ZoneServices {
    struct Service {
        address provider;
        address token;
        uint256 budgetPerPeriod;
        uint64 periodLength;
        uint64 start;
        bool active;
        // The proposal that set the current provider and budget: it authorises each payment.
        uint256 authorizingProposal;
        string kind;
        string description;
    }

    error ServicesCallerIsNotAZone(address caller);
    error ServicesNotDecidedByVote(address zone);
    error ServicesUnknownService(address zone, uint256 serviceId);
    error ServicesServiceEnded(address zone, uint256 serviceId);
    error ServicesCallerIsNotTheProvider(address caller, address provider);
    error ServicesAlreadyClaimed(address zone, uint256 serviceId, uint256 period);
    error ServicesInvalidTerms();

    event ServiceCreated(address indexed zone, uint256 indexed serviceId, Service service);
    event ServiceUpdated(
        address indexed zone,
        uint256 indexed serviceId,
        address provider,
        uint256 budgetPerPeriod,
        uint256 proposalId
    );
    event ServiceEnded(address indexed zone, uint256 indexed serviceId, uint256 proposalId);
    event ServiceBudgetClaimed(
        address indexed zone,
        uint256 indexed serviceId,
        uint256 period,
        address provider,
        uint256 amount
    );

    IZoneFactory public immutable FACTORY;

    mapping(address zone => Service[]) private _services;
    mapping(address zone => mapping(uint256 serviceId => mapping(uint256 period => bool))) public claimed;

    constructor(IZoneFactory factory) {
        FACTORY = factory;
    }

    /// @notice Creates a service of the calling zone. Called by a zone executing a passed proposal.
    /// @return serviceId The service's index in the zone's registry.
    function createService(
        string calldata kind,
        string calldata description,
        address provider,
        address token,
        uint256 budgetPerPeriod,
        uint64 periodLength
    ) external returns (uint256 serviceId) {
        uint256 proposalId = _requireZoneVote();
        if (provider == address(0) || periodLength == 0) revert ServicesInvalidTerms();
        serviceId = _services[msg.sender].length;
        Service storage service = _services[msg.sender].push();
        service.provider = provider;
        service.token = token;
        service.budgetPerPeriod = budgetPerPeriod;
        service.periodLength = periodLength;
        service.start = uint64(block.timestamp);
        service.active = true;
        service.authorizingProposal = proposalId;
        service.kind = kind;
        service.description = description;
        emit ServiceCreated(msg.sender, serviceId, service);
    }

    /// @notice Changes a service's provider and budget. Called by its zone executing a passed proposal.
    function updateService(uint256 serviceId, address provider, uint256 budgetPerPeriod) external {
        uint256 proposalId = _requireZoneVote();
        Service storage service = _activeService(msg.sender, serviceId);
        if (provider == address(0)) revert ServicesInvalidTerms();
        service.provider = provider;
        service.budgetPerPeriod = budgetPerPeriod;
        service.authorizingProposal = proposalId;
        emit ServiceUpdated(msg.sender, serviceId, provider, budgetPerPeriod, proposalId);
    }

    /// @notice Ends a service. Called by its zone executing a passed proposal.
    function endService(uint256 serviceId) external {
        uint256 proposalId = _requireZoneVote();
        _activeService(msg.sender, serviceId).active = false;
        emit ServiceEnded(msg.sender, serviceId, proposalId);
    }

    /// @notice Pays the provider its budget for the current period, once, from the zone's treasury.
    function claimBudget(address zone, uint256 serviceId) external {
        Service storage service = _activeService(zone, serviceId);
        if (msg.sender != service.provider)
            revert ServicesCallerIsNotTheProvider(msg.sender, service.provider);
        uint256 period = currentPeriod(zone, serviceId);
        if (claimed[zone][serviceId][period]) revert ServicesAlreadyClaimed(zone, serviceId, period);
        claimed[zone][serviceId][period] = true;
        emit ServiceBudgetClaimed(zone, serviceId, period, msg.sender, service.budgetPerPeriod);
        IZone(zone).payFromModule(
            service.token,
            msg.sender,
            service.budgetPerPeriod,
            service.authorizingProposal
        );
    }

    /// @notice A zone's service.
    function getService(address zone, uint256 serviceId) external view returns (Service memory) {
        if (serviceId >= _services[zone].length) revert ServicesUnknownService(zone, serviceId);
        return _services[zone][serviceId];
    }

    /// @notice How many services a zone has created (ended ones included).
    function serviceCount(address zone) external view returns (uint256) {
        return _services[zone].length;
    }

    /// @notice The budget period a service is in now, counted from its creation.
    function currentPeriod(address zone, uint256 serviceId) public view returns (uint256) {
        Service storage service = _services[zone][serviceId];
        return (block.timestamp - service.start) / service.periodLength;
    }

    /// @dev Only a zone, and only while it executes a proposal: a direct call cannot skip the vote.
    function _requireZoneVote() private view returns (uint256 proposalId) {
        if (!FACTORY.isZone(msg.sender)) revert ServicesCallerIsNotAZone(msg.sender);
        proposalId = IZone(msg.sender).executingProposal();
        if (proposalId == 0) revert ServicesNotDecidedByVote(msg.sender);
    }

    function _activeService(address zone, uint256 serviceId) private view returns (Service storage service) {
        if (serviceId >= _services[zone].length) revert ServicesUnknownService(zone, serviceId);
        service = _services[zone][serviceId];
        if (!service.active) revert ServicesServiceEnded(zone, serviceId);
    }
}
