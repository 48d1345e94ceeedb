// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IZone} from "../interfaces/IZone.sol";
import {IZoneGatekeeper} from "../interfaces/IZoneGatekeeper.sol";
import {ZoneScopes} from "../libraries/ZoneScopes.sol";

/// @title Who may join a zone, and how fast: admissions not decided by the zone's own vote wait.
/// @notice A registrar (an account or a multisig), the parent zone's vote (for an internal DAO), a
/// citizen's anonymous invitation or a gatekeeper contract can only *request* an admission. The
/// request is public and pending for the admission delay, longer than a vote takes, during which
/// the zone's citizens can pass a decision rejecting it ({rejectPending}); then anyone admits it
/// ({admit}). Pending members are not in the group, so they never count in that vote. Registrar
/// requests are also capped per epoch; more needs a vote (which admits at once: `addMembers` from
/// the zone itself). Before a zone's first proposal (its founding) there is no decision to protect
/// and no electorate to object, so requests are admitted at once and the registrar is not capped.
/// @dev One contract for every zone of a Zone implementation, created by it, keyed by zone address:
/// a caller can only change its own entries, so it needs no list of zones. Each zone's rules are set
/// by the zone itself, which calls only while executing a passed proposal.
contract ZoneAdmissions {
    /// @notice A zone's admission rules (defaults until the zone sets its own: {defaultRules}).
    struct AdmissionRules {
        // Seconds a request waits. The zone's vote length (votingDelay + votingPeriod +
        // executionDelay) plus MIN_NOTICE applies if longer, so a rejection can always pass in time.
        uint32 delay;
        // Registrar requests per epoch (the zone's proposal epoch): this share of the current
        // members, in basis points...
        uint16 registrarShareBps;
        // ...but at least this many.
        uint16 registrarFloor;
        // Anonymous invitations each citizen may make per epoch; 0: no invitations.
        uint8 invitationsPerEpoch;
        // Whether the parent zone's votes may request admissions to this internal DAO.
        bool parentMayAdmit;
        // The contract that admits newcomers on evidence ({IZoneGatekeeper}); 0: none.
        address gatekeeper;
    }

    /// @notice How a request was made.
    enum Path {
        Registrar,
        Parent,
        Invitation,
        Gatekeeper
    }

    /// @notice One request: the commitments' hash (they are in its event), when it may be admitted,
    /// and whether it was.
    struct Request {
        bytes32 commitmentsHash;
        uint64 readyAt;
        Path path;
        bool admitted;
    }

    /// @notice Time the citizens have, beyond one vote's length, to notice a request and propose to
    /// reject it.
    uint256 public constant MIN_NOTICE = 1 days;
    uint256 private constant BPS = 10_000;

    mapping(address zone => AdmissionRules) private _rules;
    mapping(address zone => bool) private _rulesSet;
    mapping(address zone => Request[]) private _requests;
    /// @notice Requests below this id were rejected by the zone's vote (those not yet admitted).
    mapping(address zone => uint256) public rejectedBelow;
    mapping(address zone => mapping(uint256 requestId => bool)) private _rejected;
    /// @notice Commitments the registrar requested in an epoch, against its cap.
    mapping(address zone => mapping(uint256 epoch => uint256)) public registrarRequestsIn;

    error AdmissionsCallerIsNotTheRegistrar(address zone, address caller);
    error AdmissionsCallerIsNotTheParent(address zone, address caller);
    error AdmissionsParentMayNotAdmit(address zone);
    error AdmissionsNotDecidedByVote(address zone);
    error AdmissionsRegistrarCapReached(address zone, uint256 epoch, uint256 cap, uint256 requested);
    error AdmissionsInvitationSlotOutOfRange(address zone, uint256 slot, uint256 invitationsPerEpoch);
    error AdmissionsNoGatekeeper(address zone);
    error AdmissionsGatekeeperRefused(address zone, uint256 identityCommitment);
    error AdmissionsInvalidIdentityCommitment(uint256 identityCommitment);
    error AdmissionsNothingToAdmit();
    error AdmissionsUnknownRequest(address zone, uint256 requestId);
    error AdmissionsCommitmentsMismatch(address zone, uint256 requestId);
    error AdmissionsAlreadyAdmitted(address zone, uint256 requestId);
    error AdmissionsRequestRejected(address zone, uint256 requestId);
    error AdmissionsNotReady(address zone, uint256 requestId, uint256 readyAt);
    error AdmissionsInvalidRules(string reason);

    /// @notice Someone asked for `identityCommitments` to join `zone`; they can be admitted from
    /// `readyAt` unless the zone's vote rejects them first. `by`: the registrar or parent zone; 0 for
    /// an invitation (who invited is secret) or a gatekeeper's admission (the gatekeeper is a rule).
    event AdmissionRequested(
        address indexed zone,
        uint256 indexed requestId,
        Path path,
        address by,
        uint256[] identityCommitments,
        uint256 readyAt
    );
    /// @notice The zone's vote `proposalId` rejected every request below `belowRequestId` not yet admitted.
    event PendingAdmissionsRejected(address indexed zone, uint256 belowRequestId, uint256 proposalId);
    /// @notice The zone's vote `proposalId` rejected request `requestId`.
    event AdmissionRejected(address indexed zone, uint256 indexed requestId, uint256 proposalId);
    /// @notice Request `requestId` entered the zone's group.
    event AdmissionAdmitted(address indexed zone, uint256 indexed requestId);
    event AdmissionRulesChanged(address indexed zone, AdmissionRules rules, uint256 proposalId);

    /// @notice The registrar (an account or a contract such as a Safe multisig) asks to admit
    /// citizens: pending for the admission delay, within its per-epoch cap (at once while founding).
    /// @return requestId The request's id in the zone's list.
    function requestByRegistrar(
        address zone,
        uint256[] calldata identityCommitments
    ) external returns (uint256) {
        if (msg.sender != IZone(zone).registrar()) revert AdmissionsCallerIsNotTheRegistrar(zone, msg.sender);
        if (!_founding(zone)) {
            uint256 epoch = IZone(zone).currentProposalEpoch();
            uint256 cap = registrarCap(zone);
            uint256 requested = registrarRequestsIn[zone][epoch] + identityCommitments.length;
            if (requested > cap) revert AdmissionsRegistrarCapReached(zone, epoch, cap, requested);
            registrarRequestsIn[zone][epoch] = requested;
        }
        return _request(zone, Path.Registrar, msg.sender, identityCommitments);
    }

    /// @notice An internal DAO's parent zone, executing a passed proposal of its own, asks to admit
    /// citizens to the DAO: pending like a registrar's, unless the DAO's vote withdrew that right.
    function requestByParent(address dao, uint256[] calldata identityCommitments) external returns (uint256) {
        if (msg.sender != IZone(dao).parentZone()) revert AdmissionsCallerIsNotTheParent(dao, msg.sender);
        if (IZone(msg.sender).executingProposal() == 0) revert AdmissionsNotDecidedByVote(msg.sender);
        if (!admissionRulesOf(dao).parentMayAdmit) revert AdmissionsParentMayNotAdmit(dao);
        return _request(dao, Path.Parent, msg.sender, identityCommitments);
    }

    /// @notice Called by a zone that has just checked a citizen's anonymous invitation (a Semaphore
    /// proof for the invitation scope of `slot`, see {IZone.invite}).
    function requestByInvitation(uint256 identityCommitment, uint256 slot) external returns (uint256) {
        address zone = msg.sender;
        uint256 allowed = admissionRulesOf(zone).invitationsPerEpoch;
        if (slot >= allowed) revert AdmissionsInvitationSlotOutOfRange(zone, slot, allowed);
        return _request(zone, Path.Invitation, address(0), _one(identityCommitment));
    }

    /// @notice Asks the zone's gatekeeper to admit `identityCommitment` on `evidence`; anyone may
    /// call (a relayer, or the newcomer).
    function requestByGatekeeper(
        address zone,
        uint256 identityCommitment,
        bytes calldata evidence
    ) external returns (uint256) {
        address gatekeeper = admissionRulesOf(zone).gatekeeper;
        if (gatekeeper == address(0)) revert AdmissionsNoGatekeeper(zone);
        if (!IZoneGatekeeper(gatekeeper).admits(zone, identityCommitment, evidence)) {
            revert AdmissionsGatekeeperRefused(zone, identityCommitment);
        }
        return _request(zone, Path.Gatekeeper, address(0), _one(identityCommitment));
    }

    /// @notice Admits a request whose delay is over and that the zone did not reject. Anyone may call.
    /// @param identityCommitments The request's commitments, as its event lists them.
    function admit(address zone, uint256 requestId, uint256[] calldata identityCommitments) external {
        Request storage request = _requestOf(zone, requestId);
        if (request.commitmentsHash != keccak256(abi.encode(identityCommitments))) {
            revert AdmissionsCommitmentsMismatch(zone, requestId);
        }
        if (request.admitted) revert AdmissionsAlreadyAdmitted(zone, requestId);
        if (isRejected(zone, requestId)) revert AdmissionsRequestRejected(zone, requestId);
        if (block.timestamp < request.readyAt) revert AdmissionsNotReady(zone, requestId, request.readyAt);
        request.admitted = true;
        emit AdmissionAdmitted(zone, requestId);
        IZone(zone).addMembers(identityCommitments);
    }

    /// @notice The citizens' veto: rejects every request made so far and not yet admitted, including
    /// those made while this decision was being voted. Called by the zone executing a passed proposal.
    function rejectPending() external {
        uint256 proposalId = _decidedByVote();
        uint256 below = _requests[msg.sender].length;
        rejectedBelow[msg.sender] = below;
        emit PendingAdmissionsRejected(msg.sender, below, proposalId);
    }

    /// @notice Rejects one request not yet admitted. Called by the zone executing a passed proposal.
    function reject(uint256 requestId) external {
        uint256 proposalId = _decidedByVote();
        Request storage request = _requestOf(msg.sender, requestId);
        if (request.admitted) revert AdmissionsAlreadyAdmitted(msg.sender, requestId);
        _rejected[msg.sender][requestId] = true;
        emit AdmissionRejected(msg.sender, requestId, proposalId);
    }

    /// @notice Sets the calling zone's admission rules. Called by the zone executing a passed proposal.
    function setAdmissionRules(AdmissionRules calldata rules) external {
        uint256 proposalId = _decidedByVote();
        if (rules.registrarShareBps > BPS) revert AdmissionsInvalidRules("registrarShareBps above 10000");
        _rules[msg.sender] = rules;
        _rulesSet[msg.sender] = true;
        emit AdmissionRulesChanged(msg.sender, rules, proposalId);
    }

    /// @notice Rules of a zone that has not set its own: the shortest delay, a registrar capped at 10%
    /// of the members (at least 10) per epoch, no invitations, no gatekeeper, and a parent zone's
    /// votes may request admissions.
    function defaultRules() public pure returns (AdmissionRules memory) {
        return AdmissionRules(0, 1_000, 10, 0, true, address(0));
    }

    /// @notice The zone's admission rules.
    function admissionRulesOf(address zone) public view returns (AdmissionRules memory) {
        return _rulesSet[zone] ? _rules[zone] : defaultRules();
    }

    /// @notice How long a request made now waits: the rule's delay, or the zone's vote length plus
    /// MIN_NOTICE if longer (so a rejection proposed within MIN_NOTICE executes in time).
    function admissionDelay(address zone) public view returns (uint256) {
        IZone.Rules memory rules = IZone(zone).rules();
        uint256 voteLength = uint256(rules.votingDelay) + rules.votingPeriod + rules.executionDelay;
        uint256 delay = admissionRulesOf(zone).delay;
        return delay > voteLength + MIN_NOTICE ? delay : voteLength + MIN_NOTICE;
    }

    /// @notice How many commitments the registrar may request per epoch now.
    function registrarCap(address zone) public view returns (uint256) {
        AdmissionRules memory rules = admissionRulesOf(zone);
        uint256 share = (IZone(zone).memberCount() * rules.registrarShareBps) / BPS;
        return share > rules.registrarFloor ? share : rules.registrarFloor;
    }

    /// @notice How many requests the zone has had (ids 0 to count - 1).
    function requestCount(address zone) external view returns (uint256) {
        return _requests[zone].length;
    }

    /// @notice One request (its commitments are in its {AdmissionRequested} event).
    function requestOf(address zone, uint256 requestId) external view returns (Request memory) {
        return _requestOf(zone, requestId);
    }

    /// @notice Whether the zone's vote rejected the request (a request admitted first stays admitted).
    function isRejected(address zone, uint256 requestId) public view returns (bool) {
        return
            !_requestOf(zone, requestId).admitted &&
            (requestId < rejectedBelow[zone] || _rejected[zone][requestId]);
    }

    function _request(
        address zone,
        Path path,
        address by,
        uint256[] memory identityCommitments
    ) private returns (uint256 requestId) {
        if (identityCommitments.length == 0) revert AdmissionsNothingToAdmit();
        for (uint256 i = 0; i < identityCommitments.length; ++i) {
            uint256 commitment = identityCommitments[i];
            // Refused now, since the tree would refuse them at admission and strand the request.
            if (commitment == 0 || commitment >= ZoneScopes.SNARK_SCALAR_FIELD) {
                revert AdmissionsInvalidIdentityCommitment(commitment);
            }
        }
        bool founding = _founding(zone);
        uint256 readyAt = founding ? block.timestamp : block.timestamp + admissionDelay(zone);
        requestId = _requests[zone].length;
        _requests[zone].push(
            Request(keccak256(abi.encode(identityCommitments)), uint64(readyAt), path, founding)
        );
        emit AdmissionRequested(zone, requestId, path, by, identityCommitments, readyAt);
        if (founding) {
            emit AdmissionAdmitted(zone, requestId);
            IZone(zone).addMembers(identityCommitments);
        }
    }

    /// @dev The proposal the calling zone is executing; reverts if none (the call was not voted).
    function _decidedByVote() private view returns (uint256 proposalId) {
        proposalId = IZone(msg.sender).executingProposal();
        if (proposalId == 0) revert AdmissionsNotDecidedByVote(msg.sender);
    }

    /// @dev Before its first proposal a zone has no decision to protect and no electorate to object.
    function _founding(address zone) private view returns (bool) {
        return IZone(zone).proposalCount() == 0;
    }

    function _requestOf(address zone, uint256 requestId) private view returns (Request storage) {
        if (requestId >= _requests[zone].length) revert AdmissionsUnknownRequest(zone, requestId);
        return _requests[zone][requestId];
    }

    function _one(uint256 identityCommitment) private pure returns (uint256[] memory commitments) {
        commitments = new uint256[](1);
        commitments[0] = identityCommitment;
    }
}
