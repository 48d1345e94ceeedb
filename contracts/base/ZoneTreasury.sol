// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ERC1155Holder} from "@openzeppelin/contracts/token/ERC1155/utils/ERC1155Holder.sol";
import {InternalLeanIMT, LeanIMTData} from "@zk-kit/lean-imt.sol/InternalLeanIMT.sol";
import {MIN_DEPTH} from "@semaphore-protocol/contracts/base/Constants.sol";
import {IZone} from "../interfaces/IZone.sol";
import {IZoneFactory} from "../interfaces/IZoneFactory.sol";
import {ZoneScopes} from "../libraries/ZoneScopes.sol";
import {ZoneGovernance} from "./ZoneGovernance.sol";

/// @title The zone's treasury and its public ledger, citizen dividends, goods reserves.
/// @dev Every unit that enters is a TreasuryReceived event and every unit that leaves a TreasuryPaid
/// event naming the proposal that decided it, so anyone can account for the treasury from events.
/// Tokens sent by plain transfer (not through {deposit}) are not on the ledger; an audit sees them
/// as the difference between balance and ledger.
abstract contract ZoneTreasury is ZoneGovernance, ERC1155Holder {
    using SafeERC20 for IERC20;
    using InternalLeanIMT for LeanIMTData;

    struct DividendRound {
        address token;
        uint32 eligibleCount;
        uint32 claimedCount;
        uint8 snapshotDepth;
        uint256 amountPerCitizen;
        uint256 snapshotRoot;
        uint256 authorizingProposal;
    }

    uint256 private constant BPS = 10_000;

    /// @notice The factory that created this zone; it names the system modules.
    IZoneFactory public factory;
    /// @notice The zone this internal DAO belongs to (address(0) for a top-level zone).
    address public parentZone;
    /// @notice Share, in basis points, of each income an internal DAO returns to its parent.
    uint16 public incomeShareBps;

    uint256 public dividendRoundCount;
    mapping(uint256 roundId => DividendRound) public dividendRounds;
    mapping(uint256 goodsId => uint256 amount) public reserveOf;

    /// @dev The trade module moves the zone's tokens itself (escrow, settlement) and reports each
    /// movement here, so the zone's own events stay a complete ledger.
    modifier onlyTrade() {
        if (msg.sender != factory.TRADE()) revert ZoneCallerIsNotAModule(msg.sender);
        _;
    }

    /// @notice The treasury accepts ether from anyone, on the ledger.
    receive() external payable {
        _recordIncome(msg.sender, address(0), msg.value);
    }

    /// @inheritdoc IZone
    function pay(address token, address to, uint256 amount) external onlySelf {
        _pay(_executingProposal, token, to, amount);
    }

    /// @inheritdoc IZone
    function payFromModule(
        address token,
        address to,
        uint256 amount,
        uint256 authorizingProposal
    ) external nonReentrant {
        if (msg.sender != factory.SERVICES()) revert ZoneCallerIsNotAModule(msg.sender);
        _pay(authorizingProposal, token, to, amount);
    }

    /// @inheritdoc IZone
    function deposit(address token, uint256 amount) external {
        uint256 before = IERC20(token).balanceOf(address(this));
        IERC20(token).safeTransferFrom(msg.sender, address(this), amount);
        // What arrived, not what was asked: after a fee on transfer the ledger and the parent's share
        // still follow the treasury's balance.
        _recordIncome(msg.sender, token, IERC20(token).balanceOf(address(this)) - before);
    }

    /// @inheritdoc IZone
    function notifyIncome(address from, address token, uint256 amount) external onlyTrade {
        _recordIncome(from, token, amount);
    }

    /// @inheritdoc IZone
    function notifyTransfer(
        bool incoming,
        address counterparty,
        address token,
        uint256 amount
    ) external onlyTrade {
        if (incoming) {
            emit TreasuryReceived(counterparty, token, amount);
        } else {
            emit TreasuryPaid(_executingProposal, token, counterparty, amount);
        }
    }

    /// @inheritdoc IZone
    function openDividendRound(
        address token,
        uint256 amountPerCitizen
    ) external onlySelf returns (uint256 roundId) {
        roundId = ++dividendRoundCount;
        DividendRound storage round = dividendRounds[roundId];
        round.token = token;
        round.amountPerCitizen = amountPerCitizen;
        round.snapshotRoot = _group._root();
        round.snapshotDepth = uint8(_group.depth == 0 ? MIN_DEPTH : _group.depth);
        round.eligibleCount = uint32(_memberCount);
        round.authorizingProposal = _executingProposal;
        emit DividendRoundOpened(
            roundId,
            _executingProposal,
            token,
            amountPerCitizen,
            round.snapshotRoot,
            round.snapshotDepth,
            round.eligibleCount
        );
    }

    /// @inheritdoc IZone
    function claimDividend(
        uint256 roundId,
        address recipient,
        uint256 nullifier,
        uint256[8] calldata points
    ) external nonReentrant {
        DividendRound storage round = dividendRounds[roundId];
        if (round.snapshotRoot == 0) revert ZoneUnknownDividendRound(roundId);
        if (round.claimedCount >= round.eligibleCount) revert ZoneDividendRoundExhausted(roundId);
        // The recipient is the proof's message: a relayer cannot redirect the payment.
        _useNullifier(
            round.snapshotRoot,
            round.snapshotDepth,
            nullifier,
            uint256(uint160(recipient)),
            ZoneScopes.dividendScope(block.chainid, address(this), roundId),
            points
        );
        ++round.claimedCount;
        emit DividendClaimed(roundId, nullifier, recipient, round.amountPerCitizen);
        _pay(round.authorizingProposal, round.token, recipient, round.amountPerCitizen);
    }

    /// @inheritdoc IZone
    function claimRelayerRefund() external nonReentrant returns (uint256 amount) {
        amount = relayerCredit[msg.sender];
        if (amount == 0) revert ZoneNoRelayerCredit(msg.sender);
        uint256 available = address(this).balance;
        if (available < amount) revert ZoneInsufficientTreasury(address(0), amount, available);
        // A vote later in this transaction must not price its write of the credit as a fresh slot's
        // (see {_creditRelayer}).
        _recordCreditWrite(msg.sender);
        // Effects before the transfer: a re-entrant claim finds nothing owed.
        relayerCredit[msg.sender] = 0;
        emit RelayerRefunded(msg.sender, amount);
        _transfer(address(0), msg.sender, amount);
    }

    /// @inheritdoc IZone
    function setReserve(uint256 goodsId, uint256 amount) external onlySelf {
        reserveOf[goodsId] = amount;
        emit ReserveSet(goodsId, amount);
    }

    function _pay(uint256 authorizingProposal, address token, address to, uint256 amount) internal {
        uint256 available =
            token == address(0) ? address(this).balance : IERC20(token).balanceOf(address(this));
        if (available < amount) revert ZoneInsufficientTreasury(token, amount, available);
        emit TreasuryPaid(authorizingProposal, token, to, amount);
        if (token != address(0) && factory.isZone(to)) {
            // Paying another zone (an internal DAO, a parent) goes through its deposit, so the
            // receiving ledger records the inflow too. Ether does so through receive().
            IERC20(token).forceApprove(to, amount);
            IZone(to).deposit(token, amount);
        } else {
            _transfer(token, to, amount);
        }
    }

    /// @dev Every inflow goes through here: the ledger entry, then the parent's share of an income.
    /// Money from the parent is funding, not income, so none of it goes back.
    function _recordIncome(address from, address token, uint256 amount) internal {
        emit TreasuryReceived(from, token, amount);
        address parent = parentZone;
        if (parent == address(0) || from == parent || incomeShareBps == 0) return;
        uint256 share = (amount * incomeShareBps) / BPS;
        if (share == 0) return;
        emit IncomeShared(parent, token, share);
        if (token == address(0)) {
            _transfer(address(0), parent, share);
        } else {
            IERC20(token).forceApprove(parent, share);
            IZone(parent).deposit(token, share);
        }
    }

    function _transfer(address token, address to, uint256 amount) private {
        if (token == address(0)) {
            (bool success, ) = to.call{value: amount}("");
            if (!success) revert ZoneTransferFailed(token, to, amount);
        } else {
            IERC20(token).safeTransfer(to, amount);
        }
    }

    /// @dev An internal DAO's members are admitted by its parent's vote or its parent's registrar.
    function _isParentAuthority(address caller) internal view override returns (bool) {
        address parent = parentZone;
        return parent != address(0) && (caller == parent || caller == IZone(parent).registrar());
    }
}
