// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title ZoneDAO zone interface
/// @notice A zone is a DAO owned by its citizens: a Semaphore v4 group of anonymous identities, a
/// treasury and the rules by which citizens decide, anonymously, what the zone does.
/// @dev Errors, events and structs live here; logic lives in the abstract bases under base/.
interface IZone {
    /// @notice How a zone decides. Only a passed proposal can change them (see {setRules}).
    struct Rules {
        // Seconds between a proposal's creation and the start of its vote.
        uint32 votingDelay;
        // Seconds a vote stays open.
        uint32 votingPeriod;
        // Timelock: seconds between queueing a passed proposal and the earliest execution.
        uint32 executionDelay;
        // Seconds a passed proposal has to be queued after its vote ends, and to be executed after
        // its timelock; past either it is Expired.
        uint32 executionWindow;
        // Share, in basis points, of the snapshot's citizens who must vote (any option).
        uint16 quorumBps;
        // Share, in basis points, of the counted votes that the winning option must exceed.
        uint16 approvalBps;
        // Length in seconds of the epoch that bounds anonymous proposals.
        uint32 proposalEpoch;
        // How many proposals each citizen may make per epoch.
        uint8 proposalsPerEpoch;
        // Most the treasury reimburses, in wei of the native currency, for each vote that counted
        // to whoever submitted it (see {castVotes}); 0: no refunds. 56 bits keep the rules in one
        // storage slot and cap it at 2^56 - 1 wei, about 0.072 of the native currency per vote.
        uint56 maxRelayerRefundPerVote;
    }

    /// @notice One call a passed proposal makes from the zone: the zone's treasury pays `value`.
    struct Action {
        address target;
        uint256 value;
        bytes data;
    }

    /// @notice A Semaphore v4 proof of membership that authorises an anonymous proposal.
    /// @dev The proof's message is {proposalContentHash} of the proposal, its scope
    /// {ZoneScopes.proposalScope} of (chain, zone, epoch, slot): a citizen has one nullifier per
    /// slot, hence at most `proposalsPerEpoch` proposals per epoch.
    struct ProposalProof {
        uint256 merkleTreeRoot;
        uint256 merkleTreeDepth;
        uint256 epoch;
        uint256 slot;
        uint256 nullifier;
        uint256[8] points;
    }

    /// @notice One anonymous vote in a batch (see {castVotes}).
    struct Vote {
        uint256 proposalId;
        uint256 option;
        uint256 nullifier;
        uint256[8] points;
    }

    /// @notice A removal or replacement citizens voted for, waiting to be applied (see {applyRemoval},
    /// {applyUpdate}). `validUntil` 0: none; `newIdentityCommitment` 0: a removal.
    struct ApprovedChange {
        uint256 newIdentityCommitment;
        uint256 validUntil;
    }

    /// @notice Why {castVotes} skipped a vote. `Unverified` is not a verdict on the vote: its batch
    /// held invalid proofs and the search for them ran out of the gas a transaction may use before it
    /// reached this one. Its nullifier stays unused; send it again, in a smaller batch.
    enum VoteRejection {
        UnknownProposal,
        NotActive,
        InvalidOption,
        NullifierOutOfRange,
        NullifierUsed,
        InvalidProof,
        Unverified,
        // The proposal is sealed: its votes are ballots cast through the sealed ballots module.
        SealedProposal
    }

    /// @notice What a client needs to vote on a proposal without any ZoneDAO library.
    struct ProposalView {
        uint256 snapshotRoot;
        uint256 snapshotDepth;
        uint256 eligibleCount;
        uint256 scope;
        uint256 optionCount;
        bool multipleChoice;
        uint256 voteStart;
        uint256 voteEnd;
        uint256 eta;
        ProposalState state;
        bytes32 descriptionHash;
        uint256[] tally;
    }

    /// @notice Lifecycle of a proposal, in the order of OpenZeppelin Governor's states.
    enum ProposalState {
        Pending,
        Active,
        Canceled,
        Defeated,
        Succeeded,
        Queued,
        Expired,
        Executed,
        // A sealed proposal whose vote has ended and whose tellers have not yet opened the tally
        // (ZoneSealedBallots). Past the execution window after the vote's end it is Expired.
        Tallying
    }

    error ZoneCallerIsNotTheZone(address caller);
    error ZoneCallerIsNotTheRegistrar(address caller);
    /// @notice The registrar's direct admissions are for the founding only (before the first
    /// proposal); later ones are requests to `admissions`, pending for the admission delay.
    error ZoneAdmissionMustWait(address admissions);
    error ZoneInvalidRules(string reason);
    error ZoneInvalidAddress();
    error ZoneInvalidOptionCount(uint256 count);
    error ZoneInvalidOption(uint256 proposalId, uint256 option);
    error ZoneUnknownProposal(uint256 proposalId);
    error ZoneUnexpectedProposalState(uint256 proposalId, ProposalState current);
    error ZoneFieldElementOutOfRange(uint256 value);
    error ZoneNullifierAlreadyUsed(uint256 nullifier);
    error ZoneInvalidProof();
    error ZoneUnsupportedTreeDepth(uint256 depth);
    error ZoneUnknownMerkleRoot(uint256 root);
    error ZoneWrongProposalEpoch(uint256 epoch, uint256 currentEpoch);
    error ZoneProposalSlotOutOfRange(uint256 slot, uint256 proposalsPerEpoch);
    error ZoneGroupIsEmpty();
    error ZoneNotAMember(uint256 identityCommitment);
    error ZoneAlreadyAMember(uint256 identityCommitment);
    error ZoneInvalidIdentityCommitment(uint256 identityCommitment);
    error ZoneChangeNotApproved(uint256 identityCommitment, uint256 newIdentityCommitment);
    error ZoneApprovalExpired(uint256 identityCommitment, uint256 validUntil);
    /// @dev The group's errors raised by the linked LeanIMT library (zk-kit's InternalLeanIMT),
    /// declared again here so that clients decode them from the zone's ABI. (LeafDoesNotExist is
    /// there already: the inline `indexOf` raises it.)
    error WrongSiblingNodes();
    error LeafGreaterThanSnarkScalarField();
    error LeafCannotBeZero();
    error LeafAlreadyExists();
    error ZoneTimelockNotOver(uint256 proposalId, uint256 eta);
    error ZoneActionsMismatch(uint256 proposalId);
    error ZoneActionFailed(uint256 index, bytes returnData);
    error ZoneCallerIsNotAModule(address caller);
    error ZoneInsufficientTreasury(address token, uint256 needed, uint256 available);
    error ZoneTransferFailed(address token, address to, uint256 amount);
    error ZoneUnknownDividendRound(uint256 roundId);
    error ZoneDividendRoundExhausted(uint256 roundId);
    error ZoneDividendClaimPeriodOver(uint256 roundId, uint256 claimDeadline);
    error ZoneDividendClaimPeriodNotOver(uint256 roundId, uint256 claimDeadline);
    error ZoneDividendRoundClosed(uint256 roundId);
    error ZoneInvalidClaimPeriod();
    error ZoneReservedFundsSpent(address token, uint256 reserved, uint256 balance);
    error ZoneNotAnInternalDao();
    error ZoneNoRelayerCredit(address relayer);
    /// @notice The proposal is sealed: open votes are refused (see {proposeSealed}).
    error ZoneProposalIsSealed(uint256 proposalId);
    /// @notice This deployment has no sealed ballots module (its factory was made without a key).
    error ZoneSealedBallotsUnavailable();

    /// @notice Emitted when an identity commitment joins the group.
    event MemberAdded(uint256 index, uint256 identityCommitment, uint256 merkleTreeRoot);
    /// @notice Emitted when several identity commitments join the group, from `startIndex` on.
    event MembersAdded(uint256 startIndex, uint256[] identityCommitments, uint256 merkleTreeRoot);
    /// @notice Emitted when a member's identity commitment is replaced.
    event MemberUpdated(
        uint256 index,
        uint256 identityCommitment,
        uint256 newIdentityCommitment,
        uint256 merkleTreeRoot
    );
    /// @notice Emitted when a member leaves the group; its leaf becomes 0.
    event MemberRemoved(uint256 index, uint256 identityCommitment, uint256 merkleTreeRoot);
    /// @notice Emitted when proposal `proposalId` approves removing a member; the group is unchanged
    /// until someone applies it ({applyRemoval}), which they may until `validUntil`.
    event MemberRemovalApproved(
        uint256 indexed proposalId,
        uint256 indexed identityCommitment,
        uint256 validUntil
    );
    /// @notice Emitted when proposal `proposalId` approves replacing a member's identity commitment;
    /// the group is unchanged until someone applies it ({applyUpdate}), which they may until `validUntil`.
    event MemberUpdateApproved(
        uint256 indexed proposalId,
        uint256 indexed identityCommitment,
        uint256 newIdentityCommitment,
        uint256 validUntil
    );
    /// @notice Emitted when the address that admits citizens changes.
    event RegistrarChanged(address previousRegistrar, address newRegistrar);
    /// @notice Emitted when the zone's rules change.
    event RulesChanged(Rules rules);
    /// @notice Emitted when a citizen proposes; `options[i]` are the actions of option i (for a
    /// For/Against/Abstain proposal, `options` has one entry: the actions run if For wins).
    event ProposalCreated(
        uint256 indexed proposalId,
        Action[][] options,
        string description,
        uint256 snapshotRoot,
        uint256 snapshotDepth,
        uint256 eligibleCount,
        uint256 voteStart,
        uint256 voteEnd,
        uint256 nullifier
    );
    /// @notice Emitted when an anonymous vote is counted.
    event VoteCast(uint256 indexed proposalId, uint256 option, uint256 indexed nullifier);
    /// @notice Emitted when {castVotes} skips a vote, and why; the rest of the batch still counts.
    event VoteRejected(uint256 indexed proposalId, uint256 indexed nullifier, VoteRejection reason);
    /// @notice Emitted when the submitter of votes is owed `amount` wei for the `votes` of its call that
    /// counted (see {castVotes}); {claimRelayerRefund} pays it. Not a ledger entry: nothing moved yet.
    event RelayerCredited(address indexed relayer, uint256 votes, uint256 amount);
    /// @notice Ledger: the treasury paid `amount` wei to `relayer`, reimbursing the gas of votes it
    /// submitted, as the rule `maxRelayerRefundPerVote` allows (no proposal decides each payment).
    event RelayerRefunded(address indexed relayer, uint256 amount);
    /// @notice Emitted when a passed proposal enters the timelock.
    event ProposalQueued(uint256 indexed proposalId, uint256 eta);
    /// @notice Emitted when a proposal's winning option has been executed.
    event ProposalExecuted(uint256 indexed proposalId, uint256 option);
    /// @notice Emitted when a passed proposal cancels another proposal.
    event ProposalCanceled(uint256 indexed proposalId);
    /// @notice Ledger: the treasury received `amount` of `token` (address(0) for ether) from `from`.
    event TreasuryReceived(address indexed from, address indexed token, uint256 amount);
    /// @notice Ledger: the treasury paid `amount` of `token` to `to`, as proposal `proposalId` decided.
    event TreasuryPaid(uint256 indexed proposalId, address indexed token, address indexed to, uint256 amount);
    /// @notice An internal DAO returned its charter's share of an income to its parent.
    event IncomeShared(address indexed parent, address indexed token, uint256 amount);
    /// @notice Citizens voted, in proposal `proposalId`, to share `amountPerCitizen` of `token` with
    /// each citizen of that proposal's snapshot (its root, depth and eligibleCount: claims prove
    /// membership against it), claimed before `claimDeadline`. Ledger: `reserved` (`amountPerCitizen`
    /// x `eligibleCount`) of the treasury is set aside for the claims.
    event DividendRoundOpened(
        uint256 indexed roundId,
        uint256 indexed proposalId,
        address token,
        uint256 amountPerCitizen,
        uint256 reserved,
        uint256 claimDeadline
    );
    /// @notice An anonymous citizen claimed a dividend, paid to `recipient` from the money set aside
    /// for the round.
    event DividendClaimed(
        uint256 indexed roundId,
        uint256 indexed nullifier,
        address recipient,
        uint256 amount
    );
    /// @notice Ledger: a round's claim period is over and what its citizens did not claim, `returned`
    /// of `token`, is no longer set aside: the treasury may spend it again.
    event DividendRoundClosed(uint256 indexed roundId, address indexed token, uint256 returned);
    /// @notice The zone created an internal DAO (itself a zone) whose parent it is.
    event InternalDaoCreated(address indexed dao, string name, uint256 incomeShareBps);
    /// @notice The share of income an internal DAO returns to its parent changed.
    event CharterChanged(uint256 incomeShareBps);
    /// @notice Citizens set the domestic reserve of a good: what must stay home.
    event ReserveSet(uint256 indexed goodsId, uint256 amount);

    /// @notice Adds a citizen's identity commitment: a passed proposal, an admission request whose
    /// delay is over (the zone's ADMISSIONS), or the registrar while the zone has no proposal yet.
    function addMember(uint256 identityCommitment) external;

    /// @notice Adds several identity commitments; the same callers as {addMember}.
    function addMembers(uint256[] calldata identityCommitments) external;

    /// @notice A citizen anonymously invites a newcomer: `proof` is a membership proof (the shape of a
    /// proposal's) whose message is `identityCommitment` and whose scope is
    /// {ZoneScopes.invitationScope} of (chain, zone, epoch, slot). The newcomer is pending in the
    /// zone's ADMISSIONS for the admission delay. Anyone may submit it (a relayer).
    /// @return requestId The admission request's id.
    function invite(
        uint256 identityCommitment,
        ProposalProof calldata proof
    ) external returns (uint256 requestId);

    /// @notice The zone's current rules.
    function rules() external view returns (Rules memory);

    /// @notice How many proposals the zone has had (ids 1 to this).
    function proposalCount() external view returns (uint256);

    /// @notice Approves removing a member, to be applied by anyone with {applyRemoval} within the
    /// executing proposal's execution window. Passed proposal only. Replaces any earlier approval
    /// for the same member.
    /// @dev Merkle siblings are not taken here: computed when the proposal is made, they would be
    /// stale after any admission before execution. The applier computes them from the current tree.
    function approveRemoval(uint256 identityCommitment) external;

    /// @notice Approves replacing a member's identity commitment (a lost or stolen identity), to be
    /// applied by anyone with {applyUpdate} within the executing proposal's execution window. Passed
    /// proposal only. Replaces any earlier approval for the same member.
    function approveUpdate(uint256 identityCommitment, uint256 newIdentityCommitment) external;

    /// @notice Removes a member whose removal a passed proposal approved. Anyone may call it.
    /// @param siblings The member's Merkle proof siblings in the current tree.
    function applyRemoval(uint256 identityCommitment, uint256[] calldata siblings) external;

    /// @notice Replaces a member's identity commitment as a passed proposal approved. Anyone may call it.
    /// @param siblings The member's Merkle proof siblings in the current tree.
    function applyUpdate(
        uint256 identityCommitment,
        uint256 newIdentityCommitment,
        uint256[] calldata siblings
    ) external;

    /// @notice The approved, not yet applied, change of `identityCommitment` (validUntil 0: none).
    function approvedChangeOf(uint256 identityCommitment) external view returns (ApprovedChange memory);

    /// @notice Changes the registrar (address(0) leaves admission to proposals). Passed proposal only.
    function setRegistrar(address newRegistrar) external;

    /// @notice Changes the rules for proposals created from now on. Passed proposal only.
    function setRules(Rules calldata newRules) external;

    /// @notice Cancels a proposal that has not been executed. Passed proposal only.
    function cancel(uint256 proposalId) external;

    /// @notice Creates a proposal on behalf of an anonymous citizen.
    /// @param options One action list (For/Against/Abstain vote) or 2 or more (choose one).
    /// @param description Human-readable text; only its hash is stored.
    /// @param proof Membership proof binding the content (message) and the epoch slot (scope).
    /// @return proposalId The new proposal's id (sequential from 1).
    function propose(
        Action[][] calldata options,
        string calldata description,
        ProposalProof calldata proof
    ) external returns (uint256 proposalId);

    /// @notice Creates a sealed proposal: its votes are ballots encrypted to the joint key of the
    /// zone's tellers of `tellersTerm` (ZoneTellers), cast and tallied through the factory's
    /// ZoneSealedBallots, and nobody sees a count until `threshold` tellers open the sums after the
    /// vote. The proposal then passes, executes or expires as any other.
    /// @param options One action list (For/Against/Abstain) or 2 or 3 (a ballot has 3 entries).
    /// @param proof As for {propose}, its message {ZoneScopes.sealedProposalContentHash}: a relayer
    /// can neither unseal a proposal nor choose its tellers.
    function proposeSealed(
        Action[][] calldata options,
        string calldata description,
        ProposalProof calldata proof,
        uint256 tellersTerm
    ) external returns (uint256 proposalId);

    /// @notice Records a sealed proposal's tally, once, from the sealed ballots module, which
    /// checked it against the tellers' partial decryptions. `counts[i]` is option i's.
    function recordSealedTally(uint256 proposalId, uint256[] calldata counts) external;

    /// @notice Counts an anonymous vote. Anyone may submit it (a relayer or the citizen).
    /// @param option 0 Against, 1 For, 2 Abstain; or the chosen option's index.
    /// @param nullifier The proof's nullifier: one per citizen and proposal.
    /// @param points The packed Groth16 proof, as @semaphore-protocol/proof produces it.
    function castVote(
        uint256 proposalId,
        uint256 option,
        uint256 nullifier,
        uint256[8] calldata points
    ) external;

    /// @notice Counts a batch of anonymous votes, for any proposals of this zone, verifying all their
    /// proofs at once. Votes that cannot count are skipped with a {VoteRejected} event, never
    /// reverting the batch. Anyone may submit it. A nullifier repeated in the batch counts once: its
    /// first copy with a valid proof, wherever forged copies sit; later valid copies are skipped as
    /// `NullifierUsed`, forged ones as `InvalidProof`. If the batch holds invalid proofs, a search
    /// finds them within what a transaction of `TRANSACTION_GAS_CAP` gas can pay for; votes it could
    /// not reach are skipped as `Unverified` (not counted, nullifier unused). The verdicts depend on
    /// the votes and the chain's state, never on the gas the transaction was given: with too little,
    /// it reverts (the batch verifier's `BatchVerifierOutOfGas`).
    /// @dev If the rule `maxRelayerRefundPerVote` is not 0, the caller of {castVote} or {castVotes}
    /// is credited, for the votes that counted, the gas the call cost it at `tx.gasprice`, at most
    /// that rule per vote ({RelayerCredited}); nothing is paid here (see {claimRelayerRefund}).
    /// @return counted How many votes were counted.
    function castVotes(Vote[] calldata votes) external returns (uint256 counted);

    /// @notice Pays the caller, in ether from the treasury, everything it is owed for submitting
    /// votes, and zeroes its credit ({RelayerRefunded}). Reverts, keeping the credit, if the
    /// treasury holds too little.
    /// @return amount The wei paid.
    function claimRelayerRefund() external returns (uint256 amount);

    /// @notice What the zone owes `relayer`, in wei, for the votes it submitted (see {castVotes}).
    function relayerCredit(address relayer) external view returns (uint256);

    /// @notice Starts the timelock of a succeeded proposal. Anyone may call it, within the execution
    /// window after the vote ends; later the proposal is Expired.
    function queue(uint256 proposalId) external;

    /// @notice Runs the winning option's actions once the timelock is over. Anyone may call it.
    /// @param actions The winning option's actions, exactly as proposed.
    function execute(uint256 proposalId, Action[] calldata actions) external;

    /// @notice The state of a proposal.
    function state(uint256 proposalId) external view returns (ProposalState);

    /// @notice Everything needed to vote on and follow a proposal.
    function getProposal(uint256 proposalId) external view returns (ProposalView memory);

    /// @notice The option whose actions run if the proposal passes, and whether it passed.
    function winningOption(uint256 proposalId) external view returns (uint256 option, bool succeeded);

    /// @notice The Semaphore scope of votes on `proposalId`.
    function voteScope(uint256 proposalId) external view returns (uint256);

    /// @notice The Semaphore scope of proposals in `epoch`, `slot`.
    function proposalScope(uint256 epoch, uint256 slot) external view returns (uint256);

    /// @notice The epoch anonymous proposals are counted in now.
    function currentProposalEpoch() external view returns (uint256);

    /// @notice Whether a nullifier has been used for a vote or proposal in this zone.
    function isNullifierUsed(uint256 nullifier) external view returns (bool);

    /// @notice The group's current root, depth and number of leaves (removed members stay as 0).
    function merkleTree() external view returns (uint256 root, uint256 depth, uint256 size);

    /// @notice The proposal being executed now (0 outside execution): what authorises a payment.
    function executingProposal() external view returns (uint256);

    /// @notice Pays from the treasury (`token` address(0) is ether). Passed proposal only.
    function pay(address token, address to, uint256 amount) external;

    /// @notice Pays for a system module (services) on the authority of an earlier proposal.
    function payFromModule(address token, address to, uint256 amount, uint256 authorizingProposal) external;

    /// @notice Takes `amount` of an ERC-20 from the caller into the treasury, on the ledger as what
    /// arrived (less than `amount` for a fee-on-transfer token); an income share is computed on that.
    function deposit(address token, uint256 amount) external;

    /// @notice Records `amount` of `token` that a system module (trade) has just paid in.
    function notifyIncome(address from, address token, uint256 amount) external;

    /// @notice Records a token movement the trade module made for the zone that is not income: escrow
    /// of an offer, its return, a purchase's payment or delivery.
    function notifyTransfer(bool incoming, address counterparty, address token, uint256 amount) external;

    /// @notice Opens a dividend round for the citizens who could vote on the executing proposal (its
    /// snapshot), and sets `amountPerCitizen` x their number of `token` aside for their claims
    /// (reverts with {ZoneInsufficientTreasury} if the treasury cannot). Citizens claim for
    /// `claimPeriod` seconds; then anyone may close the round ({closeDividendRound}). Passed
    /// proposal only.
    function openDividendRound(
        address token,
        uint256 amountPerCitizen,
        uint32 claimPeriod
    ) external returns (uint256 roundId);

    /// @notice Closes a round whose claim period is over: what was not claimed is no longer set aside
    /// ({DividendRoundClosed}, which says how much). Anyone may call it, once.
    function closeDividendRound(uint256 roundId) external;

    /// @notice How much of `token` (address(0): ether) the treasury holds for open dividend rounds'
    /// claims: no payment, service budget, trade or other round may spend it.
    function reservedFunds(address token) external view returns (uint256);

    /// @notice Pays a citizen's dividend to `recipient`, bound in the proof's message, from the money
    /// set aside for the round; before the round's claim deadline only.
    function claimDividend(
        uint256 roundId,
        address recipient,
        uint256 nullifier,
        uint256[8] calldata points
    ) external;

    /// @notice Creates an internal DAO with its own group, treasury and rules. Passed proposal only.
    function createInternalDao(
        string calldata name,
        address daoRegistrar,
        Rules calldata daoRules,
        uint16 incomeShareBps
    ) external returns (address dao);

    /// @notice Changes the share of income returned to the parent. The internal DAO's own vote only.
    function setCharter(uint16 incomeShareBps) external;

    /// @notice Sets the domestic reserve of a good. Passed proposal only.
    function setReserve(uint256 goodsId, uint256 amount) external;

    /// @notice The domestic reserve of a good: ZoneGoods lets no transfer out of the zone cut into it.
    function reserveOf(uint256 goodsId) external view returns (uint256);

    /// @notice The zone this internal DAO belongs to (address(0) for a top-level zone).
    function parentZone() external view returns (address);

    /// @notice The current registrar.
    function registrar() external view returns (address);

    /// @notice The number of current citizens.
    function memberCount() external view returns (uint256);

    /// @notice Whether `identityCommitment` is a current member.
    function isMember(uint256 identityCommitment) external view returns (bool);
}
