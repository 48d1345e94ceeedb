// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ISemaphoreVerifier} from "@semaphore-protocol/contracts/interfaces/ISemaphoreVerifier.sol";
import {MIN_DEPTH, MAX_DEPTH} from "@semaphore-protocol/contracts/base/Constants.sol";
import {InternalLeanIMT, LeanIMTData} from "@zk-kit/lean-imt.sol/InternalLeanIMT.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";
import {SlotDerivation} from "@openzeppelin/contracts/utils/SlotDerivation.sol";
import {TransientSlot} from "@openzeppelin/contracts/utils/TransientSlot.sol";
import {IZone} from "../interfaces/IZone.sol";
import {IZoneSealedBallots} from "../interfaces/IZoneSealedBallots.sol";
import {ZoneScopes} from "../libraries/ZoneScopes.sol";
import {ZoneMembership} from "./ZoneMembership.sol";
import {SemaphoreBatchVerifier, WORDS_PER_PROOF} from "../verifier/SemaphoreBatchVerifier.sol";

/// @title Anonymous proposals, anonymous votes, timelocked execution.
/// @dev The shape of OpenZeppelin Governor (propose -> vote -> queue -> execute) with votes keyed by
/// Semaphore nullifiers instead of accounts. Counting is behind three hooks a zone may override:
/// {_quorumReached}, {_voteSucceeded} and {_winningOption}.
abstract contract ZoneGovernance is ZoneMembership, ReentrancyGuard {
    using InternalLeanIMT for LeanIMTData;
    using SlotDerivation for bytes32;
    using TransientSlot for bytes32;
    using TransientSlot for TransientSlot.BooleanSlot;

    /// @notice The most options a proposal may offer.
    uint256 public constant MAX_OPTIONS = 16;
    /// @notice The most options a sealed proposal may offer: a sealed ballot's entries.
    uint256 public constant SEALED_OPTIONS = 3;
    /// @notice Options of a For/Against/Abstain proposal.
    uint256 public constant AGAINST = 0;
    uint256 public constant FOR = 1;
    uint256 public constant ABSTAIN = 2;

    uint256 private constant BPS = 10_000;

    /// @notice Gas of a vote's call that {castVote} and {castVotes} do not see between their first and
    /// last `gasleft()`, whoever calls: the clone's delegatecall to the implementation (100, warm), the
    /// dispatch before the first `gasleft()`, and after the last the credit's event (~1,650), the
    /// arithmetic and the return. Calibrated against receipts in contracts/test/relayer-refunds.test.ts
    /// and rounded down, so that neither call is credited more than it cost ({castVotes} checks its
    /// array before the first `gasleft()`, ~100 more than {castVote}). The clone's copy of the call's
    /// data to memory is added from its length.
    uint256 public constant REFUND_CALL_GAS = 100 + 2_700;
    /// @notice Gas the sender pays for a transaction besides its calldata, credited only when the vote's
    /// call is the transaction itself: 21,000, and 2,500 for the implementation being cold at the
    /// clone's delegatecall (2,600 instead of the 100 in {REFUND_CALL_GAS}).
    uint256 public constant REFUND_TRANSACTION_GAS = 21_000 + 2_500;
    /// @notice Calldata gas (EIP-2028: 16 a non-zero byte, 4 a zero byte) credited for each vote that
    /// counted: what a genuine vote's 352 bytes cost. Its proposal id and option are small numbers
    /// (31 zero bytes and one other); its nullifier and 8 proof coordinates are field elements, whose
    /// 288 bytes are zero by chance (1.3 of them on average), priced here as two. Every other byte of
    /// the call is credited 4 gas, the least a byte costs (see {_creditRelayer}).
    uint256 public constant REFUND_GAS_PER_COUNTED_VOTE = 2 * (31 * 4 + 16) + 286 * 16 + 2 * 4;

    /// @notice The most gas a transaction may use (EIP-7825): {castVotes} plans the search for
    /// invalid proofs in a batch so that a transaction given this much can finish it.
    uint256 public constant TRANSACTION_GAS_CAP = 1 << 24;
    // What castVotes spends after the batch verifier returns, at most, counting every proof as
    // valid (measured on Hardhat's network, rounded up; too low, and the 128-vote cases of
    // contracts/test/batch-fallback.test.ts pass the cap): per vote its nullifier's storage
    // (20,000, the slot is warm from the precheck), the event and the tally's increment; per tally
    // slot a first write (22,100); the relayer's credit; and the call itself (the cold account, the
    // copy of the proofs and of the verdicts).
    uint256 private constant COUNT_GAS_PER_VOTE = 23_000;
    uint256 private constant TALLY_SLOT_GAS = 22_100;
    uint256 private constant CREDIT_GAS = 30_000;
    uint256 private constant VERIFIER_CALL_GAS = 6_000;
    uint256 private constant VERIFIER_CALL_GAS_PER_PROOF = 600;
    // What the sender of a {castVotes} of genuine votes pays outside the call, at most (the plan
    // needs an upper bound; the refund constants above are lower bounds): 21,000, the cold
    // implementation, the dispatch and the return, the array's two words; per vote its calldata
    // (proposal id and option small numbers, 9 words of field elements at 16 gas a byte) and the
    // clone's copy of its 11 words.
    uint256 private constant PLAN_TRANSACTION_GAS = 21_000 + 2_600 + 3_000 + 2 * (31 * 4 + 16);
    uint256 private constant PLAN_GAS_PER_VOTE = 2 * (31 * 4 + 16) + 9 * 32 * 16 + 11 * 6;

    struct Proposal {
        uint256 snapshotRoot;
        uint48 voteStart;
        uint48 voteEnd;
        uint48 eta;
        uint32 eligibleCount;
        uint8 snapshotDepth;
        uint8 optionCount;
        bool multipleChoice;
        bool executed;
        bool canceled;
        // The rules a proposal is decided by are those in force when it was created.
        uint16 quorumBps;
        uint16 approvalBps;
        uint32 executionDelay;
        uint32 executionWindow;
        // Sealed: votes are ballots in the sealed ballots module, counted here once tallied.
        bool isSealed;
        uint48 talliedAt;
        bytes32 descriptionHash;
    }

    /// @notice Verifies Groth16 proofs with the official Semaphore v4 ceremony keys.
    ISemaphoreVerifier public immutable VERIFIER;
    /// @notice Verifies batches of proofs with the same official keys (see {castVotes}).
    SemaphoreBatchVerifier public immutable BATCH_VERIFIER;

    Rules internal _rules;
    uint256 public proposalCount;
    mapping(uint256 proposalId => Proposal) internal _proposals;
    // keccak256(abi.encode(actions)) of each option; execution must present the same actions.
    mapping(uint256 proposalId => mapping(uint256 option => bytes32 actionsHash)) internal _actionsHashes;
    mapping(uint256 proposalId => mapping(uint256 option => uint256 votes)) internal _tally;
    // One slot per vote: Semaphore nullifiers differ per scope, so one map serves votes and proposals.
    mapping(uint256 nullifier => bool used) internal _nullifierUsed;
    // The proposal whose actions are running, so that every payment on the ledger names it.
    uint256 internal _executingProposal;
    /// @inheritdoc IZone
    mapping(address relayer => uint256 amount) public relayerCredit;
    // Transient: for each relayer, whether the transaction wrote its credit yet (see _recordCreditWrite).
    bytes32 private constant CREDIT_WRITTEN_SLOT = keccak256("zonedao.relayerCreditWritten");

    constructor(ISemaphoreVerifier verifier, SemaphoreBatchVerifier batchVerifier) {
        VERIFIER = verifier;
        BATCH_VERIFIER = batchVerifier;
    }

    /// @inheritdoc IZone
    function propose(
        Action[][] calldata options,
        string calldata description,
        ProposalProof calldata proof
    ) external returns (uint256 proposalId) {
        _checkProposal(options, MAX_OPTIONS, proof);
        _useMembershipProof(
            proof,
            uint256(ZoneScopes.proposalContentHash(options, description)),
            ZoneScopes.proposalScope(block.chainid, address(this), proof.epoch, proof.slot)
        );
        proposalId = _createProposal(options, description, proof.nullifier);
    }

    /// @inheritdoc IZone
    function proposeSealed(
        Action[][] calldata options,
        string calldata description,
        ProposalProof calldata proof,
        uint256 tellersTerm
    ) external returns (uint256 proposalId) {
        address sealedBallots = _sealedBallots();
        if (sealedBallots == address(0)) revert ZoneSealedBallotsUnavailable();
        _checkProposal(options, SEALED_OPTIONS, proof);
        _useMembershipProof(
            proof,
            uint256(ZoneScopes.sealedProposalContentHash(options, description, tellersTerm)),
            ZoneScopes.proposalScope(block.chainid, address(this), proof.epoch, proof.slot)
        );
        proposalId = _createProposal(options, description, proof.nullifier);
        Proposal storage proposal = _proposals[proposalId];
        proposal.isSealed = true;
        // The module checks the term (the zone's, its key made, serving past the vote) or reverts.
        IZoneSealedBallots(sealedBallots).openBallotBox(
            proposalId,
            tellersTerm,
            proposal.optionCount,
            proposal.snapshotRoot,
            proposal.voteEnd
        );
    }

    /// @inheritdoc IZone
    function recordSealedTally(uint256 proposalId, uint256[] calldata counts) external {
        if (msg.sender != _sealedBallots()) revert ZoneCallerIsNotAModule(msg.sender);
        _requireState(proposalId, ProposalState.Tallying);
        Proposal storage proposal = _proposals[proposalId];
        for (uint256 option = 0; option < proposal.optionCount; ++option) {
            _tally[proposalId][option] = counts[option];
        }
        proposal.talliedAt = uint48(block.timestamp);
    }

    function _checkProposal(
        Action[][] calldata options,
        uint256 maxOptions,
        ProposalProof calldata proof
    ) private view {
        if (options.length == 0 || options.length > maxOptions) revert ZoneInvalidOptionCount(options.length);
        if (_memberCount == 0) revert ZoneGroupIsEmpty();
        uint256 perEpoch = _rules.proposalsPerEpoch;
        if (proof.slot >= perEpoch) revert ZoneProposalSlotOutOfRange(proof.slot, perEpoch);
    }

    /// @inheritdoc IZone
    function invite(
        uint256 identityCommitment,
        ProposalProof calldata proof
    ) external returns (uint256 requestId) {
        _useMembershipProof(
            proof,
            identityCommitment,
            ZoneScopes.invitationScope(block.chainid, address(this), proof.epoch, proof.slot)
        );
        // The slot is checked against the zone's invitation rule there; the request is pending.
        return ADMISSIONS.requestByInvitation(identityCommitment, proof.slot);
    }

    /// @dev A citizen's proof for this epoch, at a recent root, binding `message` under `scope`.
    function _useMembershipProof(ProposalProof calldata proof, uint256 message, uint256 scope) private {
        uint256 epoch = currentProposalEpoch();
        if (proof.epoch != epoch) revert ZoneWrongProposalEpoch(proof.epoch, epoch);
        if (proof.merkleTreeDepth < MIN_DEPTH || proof.merkleTreeDepth > MAX_DEPTH) {
            revert ZoneUnsupportedTreeDepth(proof.merkleTreeDepth);
        }
        _requireRecentRoot(proof.merkleTreeRoot);
        _useNullifier(
            proof.merkleTreeRoot,
            proof.merkleTreeDepth,
            proof.nullifier,
            message,
            scope,
            proof.points
        );
    }

    function _founding() internal view override returns (bool) {
        return proposalCount == 0;
    }

    /// @inheritdoc IZone
    function castVote(
        uint256 proposalId,
        uint256 option,
        uint256 nullifier,
        uint256[8] calldata points
    ) external {
        uint256 gasAtStart = gasleft();
        _requireState(proposalId, ProposalState.Active);
        Proposal storage proposal = _proposals[proposalId];
        if (proposal.isSealed) revert ZoneProposalIsSealed(proposalId);
        if (option >= proposal.optionCount) revert ZoneInvalidOption(proposalId, option);
        _useNullifier(
            proposal.snapshotRoot,
            proposal.snapshotDepth,
            nullifier,
            option,
            ZoneScopes.voteScope(block.chainid, address(this), proposalId),
            points
        );
        ++_tally[proposalId][option];
        emit VoteCast(proposalId, option, nullifier);
        _creditRelayer(gasAtStart, 1);
    }

    /// @inheritdoc IZone
    function castVotes(Vote[] calldata votes) external returns (uint256 counted) {
        uint256 gasAtStart = gasleft();
        uint256[] memory packed = new uint256[](votes.length * WORDS_PER_PROOF);
        uint256[] memory voteIndex = new uint256[](votes.length);
        uint256 proofCount;
        // Tally slots the batch may write for the first time: at most each option of each proposal read.
        uint256 tallySlots;
        // Votes in a batch mostly share a proposal: read and check each proposal once.
        ProposalCache memory cache;
        for (uint256 i = 0; i < votes.length; ++i) {
            Vote calldata vote = votes[i];
            if (vote.proposalId != cache.proposalId) {
                _loadProposal(cache, vote.proposalId);
                tallySlots += cache.optionCount;
            }
            (bool eligible, VoteRejection reason) = _precheckVote(vote, cache);
            if (!eligible) {
                emit VoteRejected(vote.proposalId, vote.nullifier, reason);
                continue;
            }
            _packProof(packed, proofCount, vote, cache);
            voteIndex[proofCount++] = i;
        }
        uint256 packedLength = proofCount * WORDS_PER_PROOF;
        assembly ("memory-safe") {
            mstore(packed, packedLength)
        }
        // One bad proof must not sink the honest ones: if the batch fails, the verifier searches for
        // the bad ones within what a transaction at the gas cap can pay for (empty: all valid).
        SemaphoreBatchVerifier.Verdict[] memory verdicts;
        if (proofCount != 0) {
            (uint256 gasForwarded, uint256 gasUsable) = _verifierGas(
                gasAtStart,
                votes.length,
                proofCount,
                tallySlots < proofCount ? tallySlots : proofCount
            );
            verdicts = BATCH_VERIFIER.verifyBatch(packed, gasForwarded, gasUsable);
        }
        for (uint256 k = 0; k < proofCount; ++k) {
            Vote calldata vote = votes[voteIndex[k]];
            if (verdicts.length != 0 && verdicts[k] != SemaphoreBatchVerifier.Verdict.Valid) {
                emit VoteRejected(
                    vote.proposalId,
                    vote.nullifier,
                    verdicts[k] == SemaphoreBatchVerifier.Verdict.Invalid
                        ? VoteRejection.InvalidProof
                        : VoteRejection.Unverified
                );
                continue;
            }
            // A nullifier repeated in the batch is decided here, after the proofs, not at the
            // precheck: there a forged copy placed first would take the nullifier and get the valid
            // copy skipped. Exactly the first valid copy counts (a citizen can prove two options
            // under one nullifier; only one vote is theirs).
            if (_nullifierUsed[vote.nullifier]) {
                emit VoteRejected(vote.proposalId, vote.nullifier, VoteRejection.NullifierUsed);
                continue;
            }
            _nullifierUsed[vote.nullifier] = true;
            ++_tally[vote.proposalId][vote.option];
            emit VoteCast(vote.proposalId, vote.option, vote.nullifier);
            ++counted;
        }
        _creditRelayer(gasAtStart, counted);
    }

    /// @inheritdoc IZone
    function queue(uint256 proposalId) external {
        _requireState(proposalId, ProposalState.Succeeded);
        Proposal storage proposal = _proposals[proposalId];
        uint256 eta = block.timestamp + proposal.executionDelay;
        proposal.eta = uint48(eta);
        emit ProposalQueued(proposalId, eta);
    }

    /// @inheritdoc IZone
    function execute(uint256 proposalId, Action[] calldata actions) external nonReentrant {
        _requireState(proposalId, ProposalState.Queued);
        Proposal storage proposal = _proposals[proposalId];
        if (block.timestamp < proposal.eta) revert ZoneTimelockNotOver(proposalId, proposal.eta);
        (uint256 option, ) = _winningOption(proposalId);
        if (keccak256(abi.encode(actions)) != _actionsHashes[proposalId][option]) {
            revert ZoneActionsMismatch(proposalId);
        }
        // Effects before interactions: a re-entrant call finds the proposal already executed.
        proposal.executed = true;
        emit ProposalExecuted(proposalId, option);
        _executingProposal = proposalId;
        for (uint256 i = 0; i < actions.length; ++i) {
            if (actions[i].value != 0)
                emit TreasuryPaid(proposalId, address(0), actions[i].target, actions[i].value);
            (bool success, bytes memory returnData) = actions[i].target.call{value: actions[i].value}(
                actions[i].data
            );
            if (!success) revert ZoneActionFailed(i, returnData);
        }
        _afterActions();
        _executingProposal = 0;
    }

    /// @inheritdoc IZone
    function executingProposal() external view returns (uint256) {
        return _executingProposal;
    }

    /// @dev The zone calls itself only from {execute}, so an approval always has a proposal here, and
    /// lasts as long as that proposal's rules gave it to execute.
    function _executingProposalWindow() internal view override returns (uint256 proposalId, uint256 window) {
        proposalId = _executingProposal;
        window = _proposals[proposalId].executionWindow;
    }

    /// @inheritdoc IZone
    function cancel(uint256 proposalId) external onlySelf {
        ProposalState current = state(proposalId);
        if (
            current == ProposalState.Canceled ||
            current == ProposalState.Executed ||
            current == ProposalState.Expired ||
            current == ProposalState.Defeated
        ) revert ZoneUnexpectedProposalState(proposalId, current);
        _proposals[proposalId].canceled = true;
        emit ProposalCanceled(proposalId);
    }

    /// @inheritdoc IZone
    function state(uint256 proposalId) public view returns (ProposalState) {
        Proposal storage proposal = _proposals[proposalId];
        if (proposal.voteEnd == 0) revert ZoneUnknownProposal(proposalId);
        if (proposal.executed) return ProposalState.Executed;
        if (proposal.canceled) return ProposalState.Canceled;
        if (block.timestamp < proposal.voteStart) return ProposalState.Pending;
        if (block.timestamp < proposal.voteEnd) return ProposalState.Active;
        // A sealed proposal has no count until its tellers open it, within the execution window.
        if (proposal.isSealed && proposal.talliedAt == 0) {
            return
                block.timestamp > proposal.voteEnd + proposal.executionWindow
                    ? ProposalState.Expired
                    : ProposalState.Tallying;
        }
        (, bool succeeded) = _winningOption(proposalId);
        if (!succeeded) return ProposalState.Defeated;
        // The window runs from the vote's end (a sealed proposal's tally) until the proposal is
        // queued, then again from the end of the timelock: otherwise anyone could queue, months
        // later, what a long-gone electorate passed (a payment voted by the few citizens of a young
        // zone).
        uint256 eta = proposal.eta;
        uint256 windowStart =
            eta != 0
                ? eta
                : proposal.isSealed
                    ? proposal.talliedAt
                    : proposal.voteEnd;
        if (block.timestamp > windowStart + proposal.executionWindow) return ProposalState.Expired;
        return eta == 0 ? ProposalState.Succeeded : ProposalState.Queued;
    }

    /// @inheritdoc IZone
    function getProposal(uint256 proposalId) external view returns (ProposalView memory view_) {
        ProposalState current = state(proposalId);
        Proposal storage proposal = _proposals[proposalId];
        view_.snapshotRoot = proposal.snapshotRoot;
        view_.snapshotDepth = proposal.snapshotDepth;
        view_.eligibleCount = proposal.eligibleCount;
        view_.scope = ZoneScopes.voteScope(block.chainid, address(this), proposalId);
        view_.optionCount = proposal.optionCount;
        view_.multipleChoice = proposal.multipleChoice;
        view_.voteStart = proposal.voteStart;
        view_.voteEnd = proposal.voteEnd;
        view_.eta = proposal.eta;
        view_.state = current;
        view_.descriptionHash = proposal.descriptionHash;
        view_.tally = new uint256[](proposal.optionCount);
        for (uint256 option = 0; option < proposal.optionCount; ++option) {
            view_.tally[option] = _tally[proposalId][option];
        }
    }

    /// @inheritdoc IZone
    function winningOption(uint256 proposalId) external view returns (uint256 option, bool succeeded) {
        state(proposalId); // reverts for an unknown proposal
        return _winningOption(proposalId);
    }

    /// @inheritdoc IZone
    function voteScope(uint256 proposalId) external view returns (uint256) {
        return ZoneScopes.voteScope(block.chainid, address(this), proposalId);
    }

    /// @inheritdoc IZone
    function proposalScope(uint256 epoch, uint256 slot) external view returns (uint256) {
        return ZoneScopes.proposalScope(block.chainid, address(this), epoch, slot);
    }

    /// @inheritdoc IZone
    function currentProposalEpoch() public view returns (uint256) {
        return block.timestamp / _rules.proposalEpoch;
    }

    /// @inheritdoc IZone
    function isNullifierUsed(uint256 nullifier) external view returns (bool) {
        return _nullifierUsed[nullifier];
    }

    /// @inheritdoc IZone
    function rules() external view returns (Rules memory) {
        return _rules;
    }

    /// @dev The factory's sealed ballots module, or address(0).
    function _sealedBallots() internal view virtual returns (address);

    /// @dev Execution hook: runs after a proposal's last action, inside {execute}, so a revert here
    /// undoes every action. The treasury checks there that no action spent money set aside.
    function _afterActions() internal view virtual;

    /// @dev Counting hook: whether enough of the snapshot's citizens voted (any option counts).
    function _quorumReached(uint256 proposalId) internal view virtual returns (bool) {
        Proposal storage proposal = _proposals[proposalId];
        return _totalVotes(proposalId) * BPS >= uint256(proposal.quorumBps) * proposal.eligibleCount;
    }

    /// @dev Counting hook: whether `option`, with `votes`, carries the proposal. For/Against/Abstain:
    /// For must exceed approvalBps of For + Against (abstentions count for quorum only). Multiple
    /// choice: the option must exceed approvalBps of all votes.
    function _voteSucceeded(
        uint256 proposalId,
        uint256 option,
        uint256 votes
    ) internal view virtual returns (bool) {
        Proposal storage proposal = _proposals[proposalId];
        if (!proposal.multipleChoice) {
            if (option != FOR) return false;
            uint256 decisive = votes + _tally[proposalId][AGAINST];
            return votes * BPS > uint256(proposal.approvalBps) * decisive;
        }
        return votes * BPS > uint256(proposal.approvalBps) * _totalVotes(proposalId);
    }

    /// @dev Counting hook: the option whose actions run, and whether the proposal passed. For/Against/
    /// Abstain proposals run For; multiple choice runs the option with strictly the most votes (a tie
    /// for first place passes nothing).
    function _winningOption(
        uint256 proposalId
    ) internal view virtual returns (uint256 option, bool succeeded) {
        Proposal storage proposal = _proposals[proposalId];
        if (!_quorumReached(proposalId)) return (FOR, false);
        if (!proposal.multipleChoice) return (FOR, _voteSucceeded(proposalId, FOR, _tally[proposalId][FOR]));
        uint256 best;
        bool tie;
        for (uint256 candidate = 0; candidate < proposal.optionCount; ++candidate) {
            uint256 votes = _tally[proposalId][candidate];
            if (votes > best) {
                (option, best, tie) = (candidate, votes, false);
            } else if (votes == best) {
                tie = true;
            }
        }
        return (option, !tie && _voteSucceeded(proposalId, option, best));
    }

    function _createProposal(
        Action[][] calldata options,
        string calldata description,
        uint256 nullifier
    ) private returns (uint256 proposalId) {
        Rules memory zoneRules = _rules;
        proposalId = ++proposalCount;
        Proposal storage proposal = _proposals[proposalId];
        proposal.snapshotRoot = _group._root();
        proposal.snapshotDepth = uint8(_group.depth == 0 ? MIN_DEPTH : _group.depth);
        proposal.eligibleCount = uint32(_memberCount);
        proposal.voteStart = uint48(block.timestamp + zoneRules.votingDelay);
        proposal.voteEnd = uint48(block.timestamp + zoneRules.votingDelay + zoneRules.votingPeriod);
        proposal.multipleChoice = options.length > 1;
        proposal.optionCount = uint8(options.length > 1 ? options.length : 3);
        proposal.quorumBps = zoneRules.quorumBps;
        proposal.approvalBps = zoneRules.approvalBps;
        proposal.executionDelay = zoneRules.executionDelay;
        proposal.executionWindow = zoneRules.executionWindow;
        proposal.descriptionHash = keccak256(bytes(description));
        if (options.length == 1) {
            _actionsHashes[proposalId][FOR] = keccak256(abi.encode(options[0]));
        } else {
            for (uint256 option = 0; option < options.length; ++option) {
                _actionsHashes[proposalId][option] = keccak256(abi.encode(options[option]));
            }
        }

        emit ProposalCreated(
            proposalId,
            options,
            description,
            proposal.snapshotRoot,
            proposal.snapshotDepth,
            proposal.eligibleCount,
            proposal.voteStart,
            proposal.voteEnd,
            nullifier
        );
    }

    /// @dev Credits the caller for the `counted` votes of a call that started with `gasAtStart` left:
    /// what the call cost it at `tx.gasprice`, shared by the votes that counted, at most the rule per
    /// vote. Only gas the sender really spent is credited, whatever it puts in the call:
    /// - calldata: a counted vote's bytes at a genuine vote's price (they are a citizen's proof, not
    ///   the sender's choice), every other byte (rejected or padded votes, anything appended) at 4 gas,
    ///   the least a byte costs, so junk earns back at most what it cost. EIP-7623's floor (10 gas a
    ///   zero byte, 40 a non-zero one) binds only a transaction with less execution than ~6 gas a
    ///   byte's worth, far from a counted vote's ~80,000; junk that made it bind would cost the
    ///   sender more, not the zone;
    /// - the transaction's own costs (21,000 and calldata) only when the call is the transaction: a
    ///   contract that calls the zone may have built the data in memory for less, or call it several
    ///   times in one transaction;
    /// - the credit's storage write at what it costs given the transaction's earlier writes of it.
    /// The rules in force now apply, whatever proposals the votes are for: the refund pays for
    /// submitting, a service the zone buys at today's price. Ether is never sent here (see
    /// {claimRelayerRefund}), so a relayer cannot re-enter or grief the vote path.
    function _creditRelayer(uint256 gasAtStart, uint256 counted) private {
        uint256 maxPerVote = _rules.maxRelayerRefundPerVote;
        if (maxPerVote == 0 || counted == 0) return;
        uint256 owed = relayerCredit[msg.sender];
        // A counted vote is 352 bytes of the call's data, apart from the others: no underflow.
        uint256 otherBytes = msg.data.length - counted * 352;
        uint256 gasUsed;
        // Gas figures are far below 2^128: these sums and products cannot overflow.
        unchecked {
            // The write below, as EIP-2200, EIP-2929 and EIP-3529 price it (the read above warmed the
            // slot): if the transaction has not written the slot yet, 20,000 from zero and 2,900
            // otherwise; if it has, 100. That includes a slot it created and a claim zeroed: writing
            // it again costs 20,000, but the claim earned 19,900 of them back.
            uint256 writeGas = 100;
            if (!_recordCreditWrite(msg.sender)) writeGas = owed == 0 ? 20_000 : 2_900;
            gasUsed = REFUND_CALL_GAS + writeGas;
            // The clone copies the call's data to memory before delegating: 3 gas a word to copy, 3
            // and a quadratic term to expand memory.
            uint256 words = (msg.data.length + 31) / 32;
            gasUsed += 6 * words + (words * words) / 512;
            // Only an account without code that sends the transaction makes a call that is the
            // transaction (an EIP-7702 account has code: its code may be what calls the zone).
            // solhint-disable-next-line avoid-tx-origin
            if (msg.sender == tx.origin && msg.sender.code.length == 0) {
                gasUsed += REFUND_TRANSACTION_GAS + counted * REFUND_GAS_PER_COUNTED_VOTE + otherBytes * 4;
            }
            // Read last, so that the work above is measured too.
            gasUsed += gasAtStart - gasleft();
        }
        uint256 perVote = (gasUsed * tx.gasprice) / counted;
        if (perVote > maxPerVote) perVote = maxPerVote;
        uint256 amount = perVote * counted;
        relayerCredit[msg.sender] = owed + amount;
        emit RelayerCredited(msg.sender, counted, amount);
    }

    /// @dev The gas the batch verifier gets, and the most it may use so that {castVotes} can finish,
    /// in a transaction given TRANSACTION_GAS_CAP. Computed from the batch and the gas used so far,
    /// which do not depend on the gas the transaction was given (the gas left does): so the search,
    /// and every verdict, is the same whatever gas limit the submitter chose.
    function _verifierGas(
        uint256 gasAtStart,
        uint256 voteCount,
        uint256 proofCount,
        uint256 tallySlots
    ) private view returns (uint256 gasForwarded, uint256 gasUsable) {
        uint256 outside = PLAN_TRANSACTION_GAS + voteCount * PLAN_GAS_PER_VOTE;
        if (outside >= TRANSACTION_GAS_CAP) return (0, 0);
        // A zone is a clone, whose delegatecall to the implementation keeps 1/64 back (EIP-150).
        uint256 frame = TRANSACTION_GAS_CAP - outside;
        frame -= frame / 64;
        uint256 used = gasAtStart - gasleft() + VERIFIER_CALL_GAS + proofCount * VERIFIER_CALL_GAS_PER_PROOF;
        if (used >= frame) return (0, 0);
        uint256 atCall = frame - used;
        gasForwarded = atCall - atCall / 64;
        uint256 afterCall = proofCount * COUNT_GAS_PER_VOTE + tallySlots * TALLY_SLOT_GAS + CREDIT_GAS;
        gasUsable = atCall > afterCall ? atCall - afterCall : 0;
    }

    /// @dev Whether this transaction wrote `relayer`'s credit before, and records that it writes it
    /// now: every function that writes {relayerCredit} calls this, so that {_creditRelayer} prices its
    /// write as the EVM does. Transient storage outlives the call and ends with the transaction.
    function _recordCreditWrite(address relayer) internal returns (bool writtenBefore) {
        TransientSlot.BooleanSlot slot = CREDIT_WRITTEN_SLOT.deriveMapping(relayer).asBoolean();
        writtenBefore = slot.tload();
        if (!writtenBefore) slot.tstore(true);
    }

    /// @dev What {castVotes} needs of the proposal a run of votes is for.
    struct ProposalCache {
        uint256 proposalId;
        bool exists;
        bool active;
        bool isSealed;
        uint256 optionCount;
        uint256 snapshotRoot;
        uint256 snapshotDepth;
        uint256 scopeHash;
    }

    function _loadProposal(ProposalCache memory cache, uint256 proposalId) private view {
        Proposal storage proposal = _proposals[proposalId];
        cache.proposalId = proposalId;
        cache.exists = proposal.voteEnd != 0;
        cache.active = cache.exists && state(proposalId) == ProposalState.Active;
        cache.isSealed = proposal.isSealed;
        cache.optionCount = proposal.optionCount;
        cache.snapshotRoot = proposal.snapshotRoot;
        cache.snapshotDepth = proposal.snapshotDepth;
        cache.scopeHash = ZoneScopes.semaphoreHash(
            ZoneScopes.voteScope(block.chainid, address(this), proposalId)
        );
    }

    /// @dev The checks of {castVote} before the proof, as a verdict instead of a revert.
    function _precheckVote(
        Vote calldata vote,
        ProposalCache memory cache
    ) private view returns (bool eligible, VoteRejection reason) {
        if (!cache.exists) return (false, VoteRejection.UnknownProposal);
        if (!cache.active) return (false, VoteRejection.NotActive);
        if (cache.isSealed) return (false, VoteRejection.SealedProposal);
        if (vote.option >= cache.optionCount) return (false, VoteRejection.InvalidOption);
        if (vote.nullifier >= ZoneScopes.SNARK_SCALAR_FIELD)
            return (false, VoteRejection.NullifierOutOfRange);
        // Only a nullifier used before this call: a repeat inside the batch is caught after the
        // proofs are verified (see {castVotes}).
        if (_nullifierUsed[vote.nullifier]) return (false, VoteRejection.NullifierUsed);
        return (true, VoteRejection.UnknownProposal);
    }

    /// @dev Writes proof `index` in the batch verifier's layout: 8 points, root, nullifier,
    /// hash(option), hash(scope), depth.
    function _packProof(
        uint256[] memory packed,
        uint256 index,
        Vote calldata vote,
        ProposalCache memory cache
    ) private pure {
        uint256 optionHash = ZoneScopes.semaphoreHash(vote.option);
        (uint256 root, uint256 nullifier, uint256 scopeHash, uint256 depth) = (
            cache.snapshotRoot,
            vote.nullifier,
            cache.scopeHash,
            cache.snapshotDepth
        );
        assembly ("memory-safe") {
            let at := add(add(packed, 32), mul(index, mul(WORDS_PER_PROOF, 32)))
            calldatacopy(at, add(vote, 96), 256)
            mstore(add(at, 256), root)
            mstore(add(at, 288), nullifier)
            mstore(add(at, 320), optionHash)
            mstore(add(at, 352), scopeHash)
            mstore(add(at, 384), depth)
        }
    }

    function _totalVotes(uint256 proposalId) internal view returns (uint256 total) {
        uint256 optionCount = _proposals[proposalId].optionCount;
        for (uint256 option = 0; option < optionCount; ++option) {
            total += _tally[proposalId][option];
        }
    }

    function _requireState(uint256 proposalId, ProposalState expected) internal view {
        ProposalState current = state(proposalId);
        if (current != expected) revert ZoneUnexpectedProposalState(proposalId, current);
    }

    /// @dev Semaphore's order: nullifier canonical and unused -> proof valid -> nullifier stored.
    function _useNullifier(
        uint256 root,
        uint256 depth,
        uint256 nullifier,
        uint256 message,
        uint256 scope,
        uint256[8] calldata points
    ) internal {
        // A nullifier + r would pass the pairing check yet be a different storage key: a second vote.
        if (nullifier >= ZoneScopes.SNARK_SCALAR_FIELD) revert ZoneFieldElementOutOfRange(nullifier);
        if (_nullifierUsed[nullifier]) revert ZoneNullifierAlreadyUsed(nullifier);
        // Semaphore's verifier reduces some coordinates mod q, so A.y + q would also pass; only the
        // canonical proof counts, as in castVotes.
        for (uint256 i = 0; i < 8; ++i) {
            if (points[i] >= ZoneScopes.BASE_FIELD) revert ZoneInvalidProof();
        }
        bool valid = VERIFIER.verifyProof(
            [points[0], points[1]],
            [[points[2], points[3]], [points[4], points[5]]],
            [points[6], points[7]],
            [root, nullifier, ZoneScopes.semaphoreHash(message), ZoneScopes.semaphoreHash(scope)],
            depth
        );
        if (!valid) revert ZoneInvalidProof();
        _nullifierUsed[nullifier] = true;
    }
}
