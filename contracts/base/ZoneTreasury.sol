// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ERC1155Holder} from "@openzeppelin/contracts/token/ERC1155/utils/ERC1155Holder.sol";
import {IZone} from "../interfaces/IZone.sol";
import {IZoneFactory} from "../interfaces/IZoneFactory.sol";
import {ZoneScopes} from "../libraries/ZoneScopes.sol";
import {ZoneGovernance} from "./ZoneGovernance.sol";

/// @title The zone's treasury and its public ledger, citizen dividends, goods reserves.
/// @dev Every unit that enters is a TreasuryReceived event and every unit that leaves a TreasuryPaid
/// event naming the proposal that decided it, so anyone can account for the treasury from events.
/// Tokens sent by plain transfer (not through {deposit}) are not on the ledger; an audit sees them
/// as the difference between balance and ledger. Money set aside for open dividend rounds
/// ({reservedFunds}) stays in the treasury but only its claims may spend it: every payment sees
/// the balance minus it, and after each execution the balance must still cover it.
abstract contract ZoneTreasury is ZoneGovernance, ERC1155Holder {
    using SafeERC20 for IERC20;

    /// @dev A round's electorate is the snapshot of the proposal that opened it (root, depth,
    /// eligibleCount in `_proposals[authorizingProposal]`): who decided the round is who it pays.
    struct DividendRound {
        address token;
        uint32 claimedCount;
        // Claims are taken before this time; from it on, anyone may close the round.
        uint48 claimDeadline;
        // Set by {closeDividendRound}: what was not claimed is no longer set aside.
        bool closed;
        uint256 amountPerCitizen;
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
    // Not public: the zone is near the 24 KiB code size limit, and DividendRoundOpened,
    // DividendClaimed and DividendRoundClosed say all a round's getter would.
    mapping(uint256 roundId => DividendRound) private _dividendRounds;
    mapping(uint256 goodsId => uint256 amount) public reserveOf;
    /// @inheritdoc IZone
    mapping(address token => uint256 amount) public reservedFunds;
    // Every token (address(0): ether) ever set aside, once, so that the check after an execution
    // reads only those; a vote opens each round, so the list stays short.
    address[] private _reservedTokens;
    mapping(address token => bool) private _isReservedToken;

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
        uint256 amountPerCitizen,
        uint32 claimPeriod
    ) external onlySelf returns (uint256 roundId) {
        if (claimPeriod == 0) revert ZoneInvalidClaimPeriod();
        uint256 proposalId = _executingProposal;
        // The electorate of the vote, not the group at execution: a registrar who admits members
        // between the vote and the execution must not add claimants to what citizens decided.
        uint256 reserved = amountPerCitizen * _proposals[proposalId].eligibleCount;
        // Set aside now, so that a late claimant is paid whatever the treasury spends meanwhile.
        _reserve(token, reserved);
        roundId = ++dividendRoundCount;
        DividendRound storage round = _dividendRounds[roundId];
        round.token = token;
        round.claimDeadline = uint48(block.timestamp + claimPeriod);
        round.amountPerCitizen = amountPerCitizen;
        round.authorizingProposal = proposalId;
        emit DividendRoundOpened(roundId, proposalId, token, amountPerCitizen, reserved, round.claimDeadline);
    }

    /// @inheritdoc IZone
    function claimDividend(
        uint256 roundId,
        address recipient,
        uint256 nullifier,
        uint256[8] calldata points
    ) external nonReentrant {
        DividendRound storage round = _knownRound(roundId);
        if (block.timestamp >= round.claimDeadline)
            revert ZoneDividendClaimPeriodOver(roundId, round.claimDeadline);
        Proposal storage electorate = _proposals[round.authorizingProposal];
        if (round.claimedCount >= electorate.eligibleCount) revert ZoneDividendRoundExhausted(roundId);
        // The recipient is the proof's message: a relayer cannot redirect the payment.
        _useNullifier(
            electorate.snapshotRoot,
            electorate.snapshotDepth,
            nullifier,
            uint256(uint160(recipient)),
            ZoneScopes.dividendScope(block.chainid, address(this), roundId),
            points
        );
        ++round.claimedCount;
        // Paid from the money set aside for the round, which only its claims may spend.
        _release(round.token, round.amountPerCitizen);
        emit DividendClaimed(roundId, nullifier, recipient, round.amountPerCitizen);
        _pay(round.authorizingProposal, round.token, recipient, round.amountPerCitizen);
    }

    /// @inheritdoc IZone
    function closeDividendRound(uint256 roundId) external {
        DividendRound storage round = _knownRound(roundId);
        if (round.closed) revert ZoneDividendRoundClosed(roundId);
        if (block.timestamp < round.claimDeadline)
            revert ZoneDividendClaimPeriodNotOver(roundId, round.claimDeadline);
        round.closed = true;
        uint256 unclaimed = _proposals[round.authorizingProposal].eligibleCount - round.claimedCount;
        uint256 returned = unclaimed * round.amountPerCitizen;
        _release(round.token, returned);
        emit DividendRoundClosed(roundId, round.token, returned);
    }

    /// @inheritdoc IZone
    function claimRelayerRefund() external nonReentrant returns (uint256 amount) {
        amount = relayerCredit[msg.sender];
        if (amount == 0) revert ZoneNoRelayerCredit(msg.sender);
        uint256 available = _spendable(address(0));
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
        uint256 available = _spendable(token);
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

    /// @dev Actions that move money without {pay} (ether sent as an action's value, a token's own
    /// transfer or approve, a trade's escrow or payment) are checked here, once they have all run:
    /// each token set aside must still be in the treasury, or the whole execution reverts.
    function _sealedBallots() internal view override returns (address) {
        return factory.SEALED_BALLOTS();
    }

    function _afterActions() internal view override {
        for (uint256 i = 0; i < _reservedTokens.length; ++i) {
            address token = _reservedTokens[i];
            uint256 reserved = reservedFunds[token];
            if (reserved == 0) continue;
            uint256 balance = _balance(token);
            if (balance < reserved) revert ZoneReservedFundsSpent(token, reserved, balance);
        }
    }

    /// @dev What the treasury may spend of `token`: its balance less the money set aside.
    function _spendable(address token) internal view returns (uint256) {
        uint256 balance = _balance(token);
        uint256 reserved = reservedFunds[token];
        return balance > reserved ? balance - reserved : 0;
    }

    function _balance(address token) private view returns (uint256) {
        return token == address(0) ? address(this).balance : IERC20(token).balanceOf(address(this));
    }

    /// @dev Sets `amount` of `token` aside, if the treasury can spare it.
    function _reserve(address token, uint256 amount) private {
        uint256 available = _spendable(token);
        if (available < amount) revert ZoneInsufficientTreasury(token, amount, available);
        if (amount == 0) return;
        if (!_isReservedToken[token]) {
            _isReservedToken[token] = true;
            _reservedTokens.push(token);
        }
        reservedFunds[token] += amount;
    }

    /// @dev Frees `amount` of `token` set aside: a claim is paid from it, or a round closed.
    function _release(address token, uint256 amount) private {
        reservedFunds[token] -= amount;
    }

    function _knownRound(uint256 roundId) private view returns (DividendRound storage round) {
        round = _dividendRounds[roundId];
        if (round.authorizingProposal == 0) revert ZoneUnknownDividendRound(roundId);
    }

    function _transfer(address token, address to, uint256 amount) private {
        if (token == address(0)) {
            (bool success, ) = to.call{value: amount}("");
            if (!success) revert ZoneTransferFailed(token, to, amount);
        } else {
            IERC20(token).safeTransfer(to, amount);
        }
    }
}
