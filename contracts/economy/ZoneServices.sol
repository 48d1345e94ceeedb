// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {IZone} from "../interfaces/IZone.sol";
import {IZoneFactory} from "../interfaces/IZoneFactory.sol";
import {ZoneGoods} from "./ZoneGoods.sol";

/// @title Every zone's registry of public services (healthcare, education, corrections, ...), and
/// the rewards it pays its producers for recyclable content.
/// @notice Creating, changing and ending a service are calls a zone makes while executing a passed
/// proposal; a provider then claims its budget once per period from the zone's treasury. A service
/// whose provider is an internal DAO is that DAO's production budget; a contract cannot sign, so
/// anyone may claim it, and it is paid to the DAO as always.
///
/// Production rewards (the zone's own votes decide each step): a vote appoints one of the zone's
/// services as its inspector, with a challenge window; the inspector's provider attests an internal
/// DAO's production (its declared recyclable content, ZoneGoods); a vote may revoke the attestation
/// until the window closes; after it, anyone claims the reward for the producer, once, under the
/// zone's reward rule (a reward per unit that grows linearly with the recyclable content above a
/// floor, in one token, with a budget per period), paid from the zone's treasury naming the rule's
/// proposal.
/// @dev One registry for all zones, keyed by the calling zone: a zone can only touch its own. This
/// contract is the one module allowed to pay from zones' treasuries, which is why rewards live here.
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
    error ProductionNoInspector(address zone);
    error ProductionCallerIsNotTheInspector(address caller, address inspector);
    error ProductionAlreadyAttested(uint256 productionId);
    error ProductionNotAttested(uint256 productionId);
    error ProductionAttestationRevoked(uint256 productionId);
    error ProductionNotOfThisZone(uint256 productionId, address zone);
    error ProductionChallengeWindowClosed(uint256 productionId, uint64 closedAt);
    error ProductionChallengeWindowOpen(uint256 productionId, uint64 closesAt);
    error ProductionAlreadyRewarded(uint256 productionId);
    error ProductionNoRewardRule(address zone);
    error ProductionNoReward(uint256 productionId);
    error ProductionRewardBudgetExhausted(address zone, uint256 period, uint256 remaining, uint256 reward);

    /// @notice How a zone rewards recyclable content: `rewardPerUnit` of `token` for a unit with all
    /// its content recyclable, nothing at or below `floorBps`, linear between; at most
    /// `budgetPerPeriod` paid in each period of `periodLength` seconds counted from `start`.
    struct RewardRule {
        address token;
        uint16 floorBps;
        uint256 rewardPerUnit;
        uint256 budgetPerPeriod;
        uint64 periodLength;
        uint64 start;
        // The proposal that set the rule: it authorises each reward and keys its budget.
        uint256 authorizingProposal;
    }

    /// @notice The inspector's word on a production; a vote may revoke it until `claimableAt`.
    struct Attestation {
        uint256 inspectorService;
        uint64 attestedAt;
        uint64 claimableAt;
        bool revoked;
        bool rewarded;
    }

    /// @notice The service whose provider attests a zone's productions, and how long a vote has to
    /// revoke an attestation.
    struct Inspection {
        uint256 serviceId;
        uint64 challengeWindow;
        bool appointed;
    }

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

    event InspectorAppointed(
        address indexed zone,
        uint256 indexed serviceId,
        uint64 challengeWindow,
        uint256 proposalId
    );
    event ProductionAttested(
        address indexed zone,
        uint256 indexed productionId,
        uint256 inspectorService,
        address inspector,
        uint64 claimableAt
    );
    event AttestationRevoked(address indexed zone, uint256 indexed productionId, uint256 proposalId);
    event RewardRuleSet(address indexed zone, RewardRule rule);
    event ProductionRewarded(
        address indexed zone,
        uint256 indexed productionId,
        address producer,
        address token,
        uint256 amount,
        uint256 period,
        uint256 ruleProposal
    );

    uint256 private constant BPS = 10_000;

    IZoneFactory public immutable FACTORY;

    mapping(address zone => Service[]) private _services;
    mapping(address zone => mapping(uint256 serviceId => mapping(uint256 period => bool))) public claimed;

    mapping(address zone => Inspection) public inspectionOf;
    mapping(uint256 productionId => Attestation) public attestationOf;
    mapping(address zone => RewardRule) private _rewardRules;
    /// @notice Rewards paid under a rule (named by its proposal) in each of its periods.
    mapping(address zone => mapping(uint256 ruleProposal => mapping(uint256 period => uint256 paid)))
        public rewardsPaid;

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
    /// A production budget (a zone as provider) may be claimed by anyone: it is paid to the zone.
    function claimBudget(address zone, uint256 serviceId) external {
        Service storage service = _activeService(zone, serviceId);
        if (msg.sender != service.provider && !FACTORY.isZone(service.provider))
            revert ServicesCallerIsNotTheProvider(msg.sender, service.provider);
        uint256 period = currentPeriod(zone, serviceId);
        if (claimed[zone][serviceId][period]) revert ServicesAlreadyClaimed(zone, serviceId, period);
        claimed[zone][serviceId][period] = true;
        emit ServiceBudgetClaimed(zone, serviceId, period, service.provider, service.budgetPerPeriod);
        IZone(zone).payFromModule(
            service.token,
            service.provider,
            service.budgetPerPeriod,
            service.authorizingProposal
        );
    }

    /// @notice Makes service `serviceId` the calling zone's inspector of productions; a vote then has
    /// `challengeWindow` seconds after each attestation to revoke it. Called by the zone executing a
    /// passed proposal.
    function appointInspector(uint256 serviceId, uint64 challengeWindow) external {
        uint256 proposalId = _requireZoneVote();
        _activeService(msg.sender, serviceId);
        inspectionOf[msg.sender] = Inspection(serviceId, challengeWindow, true);
        emit InspectorAppointed(msg.sender, serviceId, challengeWindow, proposalId);
    }

    /// @notice Attests a production's declared recyclable content. Only the provider of the
    /// producing zone's inspector service, once per production.
    function attestProduction(uint256 productionId) external {
        address zone = _goods().getProduction(productionId).zone;
        Inspection storage inspection = inspectionOf[zone];
        if (!inspection.appointed) revert ProductionNoInspector(zone);
        address inspector = _activeService(zone, inspection.serviceId).provider;
        if (msg.sender != inspector) revert ProductionCallerIsNotTheInspector(msg.sender, inspector);
        Attestation storage attestation = attestationOf[productionId];
        if (attestation.attestedAt != 0) revert ProductionAlreadyAttested(productionId);
        uint64 claimableAt = uint64(block.timestamp) + inspection.challengeWindow;
        attestationOf[productionId] = Attestation(
            inspection.serviceId,
            uint64(block.timestamp),
            claimableAt,
            false,
            false
        );
        emit ProductionAttested(zone, productionId, inspection.serviceId, inspector, claimableAt);
    }

    /// @notice Revokes an attestation of one of the calling zone's productions while its challenge
    /// window is open; the production is never rewarded. Called by the zone executing a passed proposal.
    function revokeAttestation(uint256 productionId) external {
        uint256 proposalId = _requireZoneVote();
        if (_goods().getProduction(productionId).zone != msg.sender)
            revert ProductionNotOfThisZone(productionId, msg.sender);
        Attestation storage attestation = attestationOf[productionId];
        if (attestation.attestedAt == 0) revert ProductionNotAttested(productionId);
        if (attestation.revoked) revert ProductionAttestationRevoked(productionId);
        if (block.timestamp >= attestation.claimableAt)
            revert ProductionChallengeWindowClosed(productionId, attestation.claimableAt);
        attestation.revoked = true;
        emit AttestationRevoked(msg.sender, productionId, proposalId);
    }

    /// @notice Sets the calling zone's reward rule, replacing any before it (whose budget stops; a
    /// budget of 0 pays nothing more). Called by the zone executing a passed proposal.
    function setRewardRule(
        address token,
        uint16 floorBps,
        uint256 rewardPerUnit,
        uint256 budgetPerPeriod,
        uint64 periodLength
    ) external {
        uint256 proposalId = _requireZoneVote();
        if (floorBps >= BPS || periodLength == 0) revert ServicesInvalidTerms();
        RewardRule memory rule = RewardRule(
            token,
            floorBps,
            rewardPerUnit,
            budgetPerPeriod,
            periodLength,
            uint64(block.timestamp),
            proposalId
        );
        _rewardRules[msg.sender] = rule;
        emit RewardRuleSet(msg.sender, rule);
    }

    /// @notice Pays a production's reward to its producer from its zone's treasury: once, after its
    /// attestation's challenge window, under the zone's rule, within the rule's budget for this period.
    /// Anyone may call it; the money goes only to the producer.
    function claimReward(uint256 productionId) external {
        ZoneGoods.Production memory production = _goods().getProduction(productionId);
        Attestation storage attestation = attestationOf[productionId];
        if (attestation.attestedAt == 0) revert ProductionNotAttested(productionId);
        if (attestation.revoked) revert ProductionAttestationRevoked(productionId);
        if (block.timestamp < attestation.claimableAt)
            revert ProductionChallengeWindowOpen(productionId, attestation.claimableAt);
        if (attestation.rewarded) revert ProductionAlreadyRewarded(productionId);
        RewardRule storage rule = _rewardRules[production.zone];
        if (rule.periodLength == 0) revert ProductionNoRewardRule(production.zone);
        uint256 reward = rewardFor(rule, production.amount, production.recyclableBps);
        if (reward == 0) revert ProductionNoReward(productionId);
        uint256 period = (block.timestamp - rule.start) / rule.periodLength;
        uint256 paid = rewardsPaid[production.zone][rule.authorizingProposal][period];
        if (paid + reward > rule.budgetPerPeriod)
            revert ProductionRewardBudgetExhausted(
                production.zone,
                period,
                rule.budgetPerPeriod - paid,
                reward
            );
        rewardsPaid[production.zone][rule.authorizingProposal][period] = paid + reward;
        attestation.rewarded = true;
        emit ProductionRewarded(
            production.zone,
            productionId,
            production.producer,
            rule.token,
            reward,
            period,
            rule.authorizingProposal
        );
        IZone(production.zone).payFromModule(
            rule.token,
            production.producer,
            reward,
            rule.authorizingProposal
        );
    }

    /// @notice What `amount` units with `recyclableBps` of recyclable content earn under `rule`: the
    /// per-unit reward scaled by the content above the floor, at most one period's budget (so a large
    /// production is paid what a period allows rather than never).
    function rewardFor(
        RewardRule memory rule,
        uint256 amount,
        uint256 recyclableBps
    ) public pure returns (uint256) {
        if (recyclableBps <= rule.floorBps) return 0;
        uint256 reward = Math.mulDiv(
            amount,
            rule.rewardPerUnit * (recyclableBps - rule.floorBps),
            BPS - rule.floorBps
        );
        return Math.min(reward, rule.budgetPerPeriod);
    }

    /// @notice A zone's reward rule (periodLength 0: none set).
    function rewardRuleOf(address zone) external view returns (RewardRule memory) {
        return _rewardRules[zone];
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

    function _goods() private view returns (ZoneGoods) {
        return ZoneGoods(FACTORY.GOODS());
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
