// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {InternalLeanIMT, LeanIMTData} from "@zk-kit/lean-imt.sol/InternalLeanIMT.sol";
import {LeanIMT} from "@zk-kit/lean-imt.sol/LeanIMT.sol";
import {IZone} from "../interfaces/IZone.sol";
import {ZoneAdmissions} from "../admissions/ZoneAdmissions.sol";
import {ZoneScopes} from "../libraries/ZoneScopes.sol";

/// @title The zone's citizens: a Semaphore v4 compatible group (a LeanIMT of identity commitments).
/// @dev The tree is the one @semaphore-protocol/group builds in JavaScript, so both compute the same
/// roots. Members enter by a passed proposal of the zone, at once, or through {ADMISSIONS}, after an
/// admission delay in which the citizens can reject them; the registrar's direct `addMembers` is
/// for the founding only (before the first proposal). Every other change needs a passed proposal.
/// A removal or replacement takes two steps: the proposal approves it, then anyone applies it with
/// Merkle siblings of the tree as it is then (siblings fixed at proposal time go stale with the
/// next admission, so a one-step change could fail after its vote).
/// The tree's updates (hashing) run in zk-kit's LeanIMT library, deployed once and linked, so they
/// do not take the zone past the 24,576-byte code size limit; reads stay inline (the vote path
/// reads the root).
abstract contract ZoneMembership is IZone {
    using InternalLeanIMT for LeanIMTData;

    /// @dev How long a replaced root still proves membership for a new proposal, so that a citizen
    /// whose proof was made just before a registration is not refused (Semaphore does the same).
    uint256 public constant ROOT_VALIDITY = 1 hours;

    /// @notice Where admissions not decided by the zone's vote wait (shared by every zone of this
    /// implementation; created with it, so no key chooses it).
    ZoneAdmissions public immutable ADMISSIONS;

    LeanIMTData internal _group;
    uint256 internal _memberCount;
    address public registrar;
    mapping(uint256 root => uint256 validUntil) internal _replacedRootValidUntil;
    mapping(uint256 identityCommitment => ApprovedChange) internal _approvedChanges;

    modifier onlySelf() {
        if (msg.sender != address(this)) revert ZoneCallerIsNotTheZone(msg.sender);
        _;
    }

    /// @dev The zone's vote, a request whose admission delay is over, or the registrar while founding.
    modifier onlyAdmitter() {
        if (msg.sender != address(this) && msg.sender != address(ADMISSIONS)) {
            if (msg.sender != registrar) revert ZoneCallerIsNotTheRegistrar(msg.sender);
            if (!_founding()) revert ZoneAdmissionMustWait(address(ADMISSIONS));
        }
        _;
    }

    constructor() {
        ADMISSIONS = new ZoneAdmissions();
    }

    /// @dev Hook: whether the zone is founding (no proposal yet: nothing to decide, no one to object).
    function _founding() internal view virtual returns (bool);

    /// @dev Hook: the proposal executing now and its execution window, which an approval it records
    /// lasts for.
    function _executingProposalWindow() internal view virtual returns (uint256 proposalId, uint256 window);

    /// @inheritdoc IZone
    function addMember(uint256 identityCommitment) external onlyAdmitter {
        uint256 previousRoot = _group._root();
        uint256 root = LeanIMT.insert(_group, identityCommitment);
        ++_memberCount;
        _rootReplaced(previousRoot);
        emit MemberAdded(_group.size - 1, identityCommitment, root);
    }

    /// @inheritdoc IZone
    function addMembers(uint256[] calldata identityCommitments) external onlyAdmitter {
        uint256 previousRoot = _group._root();
        uint256 startIndex = _group.size;
        uint256 root = LeanIMT.insertMany(_group, identityCommitments);
        _memberCount += identityCommitments.length;
        _rootReplaced(previousRoot);
        emit MembersAdded(startIndex, identityCommitments, root);
    }

    /// @inheritdoc IZone
    function approveRemoval(uint256 identityCommitment) external onlySelf {
        // A commitment not in the tree now could be admitted later: an approval must never wait for it.
        if (!_group._has(identityCommitment)) revert ZoneNotAMember(identityCommitment);
        (uint256 proposalId, uint256 validUntil) = _recordApproval(identityCommitment, 0);
        emit MemberRemovalApproved(proposalId, identityCommitment, validUntil);
    }

    /// @inheritdoc IZone
    function approveUpdate(uint256 identityCommitment, uint256 newIdentityCommitment) external onlySelf {
        if (!_group._has(identityCommitment)) revert ZoneNotAMember(identityCommitment);
        // 0 would empty the leaf without counting a member out; a value >= r cannot be a leaf. Both
        // would only fail when applied: refuse them while the execution can still be retried.
        if (newIdentityCommitment == 0 || newIdentityCommitment >= ZoneScopes.SNARK_SCALAR_FIELD) {
            revert ZoneInvalidIdentityCommitment(newIdentityCommitment);
        }
        if (_group._has(newIdentityCommitment)) revert ZoneAlreadyAMember(newIdentityCommitment);
        (uint256 proposalId, uint256 validUntil) = _recordApproval(identityCommitment, newIdentityCommitment);
        emit MemberUpdateApproved(proposalId, identityCommitment, newIdentityCommitment, validUntil);
    }

    /// @inheritdoc IZone
    function applyRemoval(uint256 identityCommitment, uint256[] calldata siblings) external {
        _useApproval(identityCommitment, 0);
        uint256 previousRoot = _group._root();
        uint256 index = _group._indexOf(identityCommitment);
        // Wrong or stale siblings revert here (WrongSiblingNodes), leaving the approval unused.
        uint256 root = LeanIMT.remove(_group, identityCommitment, siblings);
        --_memberCount;
        _rootReplaced(previousRoot);
        emit MemberRemoved(index, identityCommitment, root);
    }

    /// @inheritdoc IZone
    function applyUpdate(
        uint256 identityCommitment,
        uint256 newIdentityCommitment,
        uint256[] calldata siblings
    ) external {
        _useApproval(identityCommitment, newIdentityCommitment);
        uint256 previousRoot = _group._root();
        uint256 index = _group._indexOf(identityCommitment);
        // Also reverts if the new commitment was admitted since the approval (LeafAlreadyExists).
        uint256 root = LeanIMT.update(_group, identityCommitment, newIdentityCommitment, siblings);
        _rootReplaced(previousRoot);
        emit MemberUpdated(index, identityCommitment, newIdentityCommitment, root);
    }

    /// @inheritdoc IZone
    function approvedChangeOf(uint256 identityCommitment) external view returns (ApprovedChange memory) {
        return _approvedChanges[identityCommitment];
    }

    /// @inheritdoc IZone
    function setRegistrar(address newRegistrar) external onlySelf {
        _setRegistrar(newRegistrar);
    }

    /// @inheritdoc IZone
    function merkleTree() external view returns (uint256 root, uint256 depth, uint256 size) {
        return (_group._root(), _group.depth, _group.size);
    }

    /// @inheritdoc IZone
    function memberCount() external view returns (uint256) {
        return _memberCount;
    }

    /// @inheritdoc IZone
    function isMember(uint256 identityCommitment) external view returns (bool) {
        return _group._has(identityCommitment);
    }

    function _setRegistrar(address newRegistrar) internal {
        address previousRegistrar = registrar;
        registrar = newRegistrar;
        emit RegistrarChanged(previousRegistrar, newRegistrar);
    }

    /// @dev Reverts unless `root` is the current root or one replaced less than ROOT_VALIDITY ago.
    function _requireRecentRoot(uint256 root) internal view {
        if (root == _group._root() && _group.size != 0) return;
        if (block.timestamp > _replacedRootValidUntil[root]) revert ZoneUnknownMerkleRoot(root);
    }

    /// @dev One approval per member: a later vote about the same member replaces an earlier one.
    function _recordApproval(
        uint256 identityCommitment,
        uint256 newIdentityCommitment
    ) private returns (uint256 proposalId, uint256 validUntil) {
        uint256 window;
        (proposalId, window) = _executingProposalWindow();
        // As long as a passed proposal has to be executed: a decision nobody carries out lapses.
        validUntil = block.timestamp + window;
        _approvedChanges[identityCommitment] = ApprovedChange(newIdentityCommitment, validUntil);
    }

    /// @dev Checks that the vote approved exactly this change (a removal: `newIdentityCommitment` 0)
    /// and that it has not lapsed, then clears it before the tree changes, so it applies once. A
    /// member leaves the tree only through its own approval, which this clears, so an approval never
    /// outlives the leaf it was made for (a commitment removed and admitted again starts with none).
    function _useApproval(uint256 identityCommitment, uint256 newIdentityCommitment) private {
        ApprovedChange storage approval = _approvedChanges[identityCommitment];
        uint256 validUntil = approval.validUntil;
        if (validUntil == 0 || approval.newIdentityCommitment != newIdentityCommitment) {
            revert ZoneChangeNotApproved(identityCommitment, newIdentityCommitment);
        }
        if (block.timestamp > validUntil) revert ZoneApprovalExpired(identityCommitment, validUntil);
        delete _approvedChanges[identityCommitment];
    }

    function _rootReplaced(uint256 previousRoot) private {
        if (previousRoot != 0) _replacedRootValidUntil[previousRoot] = block.timestamp + ROOT_VALIDITY;
    }
}
