// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {InternalLeanIMT, LeanIMTData} from "@zk-kit/lean-imt.sol/InternalLeanIMT.sol";
import {IZone} from "../interfaces/IZone.sol";

/// @title The zone's citizens: a Semaphore v4 compatible group (a LeanIMT of identity commitments).
/// @dev The tree is the one @semaphore-protocol/group builds in JavaScript, so both compute the same
/// roots. Admission is checked off chain by the registrar; every other change needs a passed proposal.
abstract contract ZoneMembership is IZone {
    using InternalLeanIMT for LeanIMTData;

    /// @dev How long a replaced root still proves membership for a new proposal, so that a citizen
    /// whose proof was made just before a registration is not refused (Semaphore does the same).
    uint256 public constant ROOT_VALIDITY = 1 hours;

    LeanIMTData internal _group;
    uint256 internal _memberCount;
    address public registrar;
    mapping(uint256 root => uint256 validUntil) internal _replacedRootValidUntil;

    modifier onlySelf() {
        if (msg.sender != address(this)) revert ZoneCallerIsNotTheZone(msg.sender);
        _;
    }

    modifier onlyRegistrarOrSelf() {
        if (msg.sender != registrar && msg.sender != address(this) && !_isParentAuthority(msg.sender)) {
            revert ZoneCallerIsNotTheRegistrar(msg.sender);
        }
        _;
    }

    /// @dev Hook: whether `caller` may admit members on behalf of a parent zone (internal DAOs).
    function _isParentAuthority(address caller) internal view virtual returns (bool);

    /// @inheritdoc IZone
    function addMember(uint256 identityCommitment) external onlyRegistrarOrSelf {
        uint256 previousRoot = _group._root();
        uint256 root = _group._insert(identityCommitment);
        ++_memberCount;
        _rootReplaced(previousRoot);
        emit MemberAdded(_group.size - 1, identityCommitment, root);
    }

    /// @inheritdoc IZone
    function addMembers(uint256[] calldata identityCommitments) external onlyRegistrarOrSelf {
        uint256 previousRoot = _group._root();
        uint256 startIndex = _group.size;
        uint256 root = _group._insertMany(identityCommitments);
        _memberCount += identityCommitments.length;
        _rootReplaced(previousRoot);
        emit MembersAdded(startIndex, identityCommitments, root);
    }

    /// @inheritdoc IZone
    function updateMember(
        uint256 identityCommitment,
        uint256 newIdentityCommitment,
        uint256[] calldata siblings
    ) external onlySelf {
        uint256 previousRoot = _group._root();
        uint256 index = _group._indexOf(identityCommitment);
        uint256 root = _group._update(identityCommitment, newIdentityCommitment, siblings);
        _rootReplaced(previousRoot);
        emit MemberUpdated(index, identityCommitment, newIdentityCommitment, root);
    }

    /// @inheritdoc IZone
    function removeMember(uint256 identityCommitment, uint256[] calldata siblings) external onlySelf {
        uint256 previousRoot = _group._root();
        uint256 index = _group._indexOf(identityCommitment);
        uint256 root = _group._remove(identityCommitment, siblings);
        --_memberCount;
        _rootReplaced(previousRoot);
        emit MemberRemoved(index, identityCommitment, root);
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

    function _rootReplaced(uint256 previousRoot) private {
        if (previousRoot != 0) _replacedRootValidUntil[previousRoot] = block.timestamp + ROOT_VALIDITY;
    }
}
