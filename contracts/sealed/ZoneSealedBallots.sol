// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IZone} from "../interfaces/IZone.sol";
import {IZoneFactory} from "../interfaces/IZoneFactory.sol";
import {IZoneSealedBallots} from "../interfaces/IZoneSealedBallots.sol";
import {BabyJubJub} from "../libraries/BabyJubJub.sol";
import {ZoneScopes} from "../libraries/ZoneScopes.sol";
import {SealedBallotVerifier} from "../verifier/SealedBallotVerifier.sol";
import {ZoneTellers} from "./ZoneTellers.sol";

/// @title Every zone's sealed ballot boxes: anonymous ballots encrypted to the zone's tellers, added
/// up unopened, and a tally that `threshold` tellers open after the vote, checked here.
/// @notice The life of a sealed proposal (IZone.proposeSealed):
/// 1. the zone opens its box, sealed to the joint key of a term of its tellers (ZoneTellers);
/// 2. {castSealedVotes}: anyone (a relayer) sends ballots, each a Semaphore proof of membership at
///    the proposal's snapshot, its vote nullifier, and a one-hot vote over 3 entries with each entry
///    ElGamal-encrypted to the key (circuits/src/sealed-ballot.circom). The box keeps only the sums
///    of the ciphertexts, entry by entry: no ballot is stored (each is in its event, for the audit);
/// 3. after the vote, each teller posts its partial decryption of the sums with a Chaum-Pedersen
///    proof against its share key ({postPartialDecryption});
/// 4. with `threshold` of them, anyone posts the counts ({completeTally}); they must open the sums,
///    and the zone records them, as if counted in the open: the proposal passes, is defeated or
///    executes by the zone's rules.
/// @dev Sealed ballots are not refunded to relayers (the zone's refund rule is for open votes).
contract ZoneSealedBallots is IZoneSealedBallots {
    using BabyJubJub for BabyJubJub.Point;

    /// @notice Entries of a sealed ballot (the circuit's one-hot vector): a sealed proposal offers
    /// at most this many options; an entry past its options is a spoiled ballot, counted nowhere.
    uint256 public constant ENTRIES = 3;
    /// The 8 proof words, then 17 public signals: root, nullifier, c1 and c2 of each entry, scope, key.
    uint256 private constant PROOF_WORDS = 25;

    IZoneFactory public immutable FACTORY;
    ZoneTellers public immutable TELLERS;
    SealedBallotVerifier public immutable VERIFIER;

    /// @notice One sealed ballot in a batch.
    struct SealedVote {
        uint256 nullifier;
        // c1 (x, y) of entries 0, 1, 2, then c2 (x, y) of entries 0, 1, 2: the circuit's order.
        uint256[12] ciphertexts;
        // The Groth16 proof, packed as Semaphore packs it.
        uint256[8] points;
    }

    /// @notice Why {castSealedVotes} skipped a ballot.
    enum Rejection {
        NullifierOutOfRange,
        CiphertextOutOfRange,
        NullifierUsed,
        InvalidProof
    }

    /// @notice A sealed proposal's box.
    struct BallotBox {
        uint256 term;
        uint256 snapshotRoot;
        BabyJubJub.Point publicKey;
        // The sums (as ciphertexts are laid out), affine, each word stored plus one: never zero, so
        // that the box's first batch updates 12 slots instead of creating them (openBallotBox sets
        // them to the neutral element). {ballotBox} returns them as they are.
        uint256[12] sums;
        uint32 ballots;
        uint8 optionCount;
        uint8 threshold;
        bool tallied;
    }

    error SealedCallerIsNotAZone(address caller);
    error SealedTellersKeyNotReady(uint256 term);
    error SealedTermEndsBeforeVote(uint256 term, uint256 termEnd, uint256 voteEnd);
    error SealedUnknownBallotBox(address zone, uint256 proposalId);
    /// @notice A box opens once, for the proposal its zone is creating (the zone's newest).
    error SealedCannotOpenBox(address zone, uint256 proposalId);
    error SealedWrongProposalState(address zone, uint256 proposalId, IZone.ProposalState current);
    error SealedVerifierMismatch(uint256 proofWords);
    error SealedAlreadyPosted(uint256 teller);
    error SealedWrongPartialDecryption(uint256 teller, uint256 entry);
    error SealedWrongTellers();
    error SealedNoPartialDecryption(uint256 teller);
    error SealedCountsNotBallots(uint256 counted, uint256 ballots);
    error SealedWrongTally(uint256 entry);

    event BallotBoxOpened(
        address indexed zone,
        uint256 indexed proposalId,
        uint256 term,
        BabyJubJub.Point publicKey
    );
    /// @notice A ballot counted into the sums: its ciphertexts as in {SealedVote}.
    event SealedVoteCast(
        address indexed zone,
        uint256 indexed proposalId,
        uint256 nullifier,
        uint256[12] ciphertexts
    );
    event SealedVoteRejected(
        address indexed zone,
        uint256 indexed proposalId,
        uint256 nullifier,
        Rejection reason
    );
    /// @notice Teller `teller`'s share of each entry's sum, x·c1 (x, y per entry), with its proofs.
    event PartialDecryptionPosted(
        address indexed zone,
        uint256 indexed proposalId,
        uint256 teller,
        uint256[6] shares,
        uint256[3] challenges,
        uint256[3] responses
    );
    /// @notice The counts of each entry, opened by `tellers`; the zone records those of its options.
    event SealedTallyCompleted(
        address indexed zone,
        uint256 indexed proposalId,
        uint256[3] counts,
        uint256[] tellers
    );

    mapping(address zone => mapping(uint256 proposalId => BallotBox)) private _boxes;
    mapping(address zone => mapping(uint256 nullifier => bool used)) private _nullifierUsed;
    mapping(address zone => mapping(uint256 proposalId => mapping(uint256 teller => uint256[6] shares)))
        private _partials;

    /// @dev Makes the tellers' contract its boxes are sealed to.
    constructor(IZoneFactory factory, SealedBallotVerifier verifier) {
        if (verifier.PROOF_WORDS() != PROOF_WORDS) revert SealedVerifierMismatch(verifier.PROOF_WORDS());
        FACTORY = factory;
        TELLERS = new ZoneTellers(factory);
        VERIFIER = verifier;
    }

    /// @inheritdoc IZoneSealedBallots
    function openBallotBox(
        uint256 proposalId,
        uint256 tellersTerm,
        uint256 optionCount,
        uint256 snapshotRoot,
        uint256 voteEnd
    ) external {
        address zone = msg.sender;
        if (!FACTORY.isZone(zone)) revert SealedCallerIsNotAZone(zone);
        // A zone's passed proposal could call this as one of its actions: it must not reopen (and
        // empty) another proposal's box, nor open one ahead of a proposal to come.
        if (_boxes[zone][proposalId].optionCount != 0 || proposalId != IZone(zone).proposalCount()) {
            revert SealedCannotOpenBox(zone, proposalId);
        }
        ZoneTellers.Term memory term = TELLERS.getTerm(zone, tellersTerm);
        if (!term.finalized) revert SealedTellersKeyNotReady(tellersTerm);
        if (term.end < voteEnd) revert SealedTermEndsBeforeVote(tellersTerm, term.end, voteEnd);
        BallotBox storage box = _boxes[zone][proposalId];
        box.term = tellersTerm;
        box.snapshotRoot = snapshotRoot;
        box.publicKey = term.publicKey;
        box.optionCount = uint8(optionCount);
        box.threshold = term.threshold;
        for (uint256 p = 0; p < 6; ++p) (box.sums[2 * p], box.sums[2 * p + 1]) = (0 + 1, 1 + 1);
        emit BallotBoxOpened(zone, proposalId, tellersTerm, term.publicKey);
    }

    /// @notice Counts a batch of sealed ballots for one proposal, verifying their proofs at once.
    /// Ballots that cannot count are skipped with a {SealedVoteRejected} event; a nullifier repeated
    /// in the batch counts once, its first copy with a valid proof. Anyone may send it.
    /// @return counted How many ballots were added to the sums.
    function castSealedVotes(
        address zone,
        uint256 proposalId,
        SealedVote[] calldata votes
    ) external returns (uint256 counted) {
        BallotBox storage box = _box(zone, proposalId);
        _requireState(zone, proposalId, IZone.ProposalState.Active);
        uint256[] memory packed = new uint256[](votes.length * PROOF_WORDS);
        uint256[] memory voteIndex = new uint256[](votes.length);
        uint256 proofCount;
        uint256 scopeHash = ZoneScopes.semaphoreHash(ZoneScopes.voteScope(block.chainid, zone, proposalId));
        for (uint256 i = 0; i < votes.length; ++i) {
            (bool eligible, Rejection reason) = _precheck(zone, votes[i]);
            if (!eligible) {
                emit SealedVoteRejected(zone, proposalId, votes[i].nullifier, reason);
                continue;
            }
            _pack(packed, proofCount, votes[i], box, scopeHash);
            voteIndex[proofCount++] = i;
        }
        uint256 packedLength = proofCount * PROOF_WORDS;
        assembly ("memory-safe") {
            mstore(packed, packedLength)
        }
        bool[] memory valid = VERIFIER.verifyBatch(packed);
        // The sums in extended coordinates while the batch adds up: one inversion each at the end.
        uint256[4][6] memory sums = _loadSums(box);
        for (uint256 k = 0; k < proofCount; ++k) {
            SealedVote calldata vote = votes[voteIndex[k]];
            if (!valid[k]) {
                emit SealedVoteRejected(zone, proposalId, vote.nullifier, Rejection.InvalidProof);
                continue;
            }
            // Decided after the proofs, as in IZone.castVotes: a forged copy placed first must not
            // take the nullifier of a valid one.
            if (_nullifierUsed[zone][vote.nullifier]) {
                emit SealedVoteRejected(zone, proposalId, vote.nullifier, Rejection.NullifierUsed);
                continue;
            }
            _nullifierUsed[zone][vote.nullifier] = true;
            for (uint256 p = 0; p < 6; ++p) {
                BabyJubJub.addAffineInto(sums[p], vote.ciphertexts[2 * p], vote.ciphertexts[2 * p + 1]);
            }
            emit SealedVoteCast(zone, proposalId, vote.nullifier, vote.ciphertexts);
            ++counted;
        }
        if (counted == 0) return 0;
        for (uint256 p = 0; p < 6; ++p) {
            BabyJubJub.Point memory sum = BabyJubJub.toAffine(sums[p]);
            (box.sums[2 * p], box.sums[2 * p + 1]) = (sum.x + 1, sum.y + 1);
        }
        box.ballots += uint32(counted);
    }

    /// @notice Posts the calling teller's partial decryption of the sums after the vote: for each
    /// entry, share = x·c1 with x its share of the key, and a proof (challenge, response) that
    /// log_G(shareKey) = log_c1(share). A wrong one reverts, naming the teller and the entry.
    function postPartialDecryption(
        address zone,
        uint256 proposalId,
        uint256[6] calldata shares,
        uint256[3] calldata challenges,
        uint256[3] calldata responses
    ) external {
        BallotBox storage box = _box(zone, proposalId);
        _requireState(zone, proposalId, IZone.ProposalState.Tallying);
        uint256 teller = TELLERS.tellerIndex(zone, box.term, msg.sender);
        uint256[6] storage posted = _partials[zone][proposalId][teller];
        // A subgroup point never has y = 0 (those points have order 4): 0 is "not posted".
        if (posted[1] != 0) revert SealedAlreadyPosted(teller);
        BabyJubJub.Point memory key = TELLERS.shareKey(zone, box.term, teller);
        for (uint256 entry = 0; entry < ENTRIES; ++entry) {
            BabyJubJub.Point memory share = BabyJubJub.Point(shares[2 * entry], shares[2 * entry + 1]);
            if (
                !share.isSubgroupPoint() ||
                !BabyJubJub.verifyDleq(key, _sum(box, entry), share, challenges[entry], responses[entry])
            ) revert SealedWrongPartialDecryption(teller, entry);
        }
        for (uint256 i = 0; i < 6; ++i) posted[i] = shares[i];
        emit PartialDecryptionPosted(zone, proposalId, teller, shares, challenges, responses);
    }

    /// @notice Completes the tally with the counts of each entry, opened off chain from the partial
    /// decryptions of `tellers` (exactly `threshold` of them, ascending): checked here as
    /// count·G + sum_j lambda_j·share_j = c2 for each entry, lambda_j the Lagrange coefficients at 0.
    /// The zone records the counts of its options. Anyone may call it.
    function completeTally(
        address zone,
        uint256 proposalId,
        uint256[3] calldata counts,
        uint256[] calldata tellers
    ) external {
        BallotBox storage box = _box(zone, proposalId);
        _requireState(zone, proposalId, IZone.ProposalState.Tallying);
        if (tellers.length != box.threshold) revert SealedWrongTellers();
        // Each ballot is one-hot: the counts add up to the ballots (which also bounds each count).
        uint256 total = counts[0] + counts[1] + counts[2];
        if (total != box.ballots) revert SealedCountsNotBallots(total, box.ballots);
        uint256[6][] memory shares = new uint256[6][](tellers.length);
        for (uint256 j = 0; j < tellers.length; ++j) {
            if (j != 0 && tellers[j] <= tellers[j - 1]) revert SealedWrongTellers();
            shares[j] = _partials[zone][proposalId][tellers[j]];
            if (shares[j][1] == 0) revert SealedNoPartialDecryption(tellers[j]);
        }
        uint256[] memory lambdas = _lagrangeAtZero(tellers);
        BabyJubJub.Point memory g = BabyJubJub.Point(BabyJubJub.GX, BabyJubJub.GY);
        for (uint256 entry = 0; entry < ENTRIES; ++entry) {
            BabyJubJub.Point memory opened = BabyJubJub.mulAdd(
                g,
                counts[entry],
                BabyJubJub.Point(shares[0][2 * entry], shares[0][2 * entry + 1]),
                lambdas[0]
            );
            // The other shares two by two, each pair one joint multiplication.
            for (uint256 j = 1; j < tellers.length; j += 2) {
                BabyJubJub.Point memory share = BabyJubJub.Point(
                    shares[j][2 * entry],
                    shares[j][2 * entry + 1]
                );
                opened = opened.add(
                    j + 1 < tellers.length
                        ? BabyJubJub.mulAdd(
                            share,
                            lambdas[j],
                            BabyJubJub.Point(shares[j + 1][2 * entry], shares[j + 1][2 * entry + 1]),
                            lambdas[j + 1]
                        )
                        : BabyJubJub.mul(share, lambdas[j])
                );
            }
            BabyJubJub.Point memory c2 = _sum(box, ENTRIES + entry);
            if (opened.x != c2.x || opened.y != c2.y) revert SealedWrongTally(entry);
        }
        box.tallied = true;
        uint256[] memory recorded = new uint256[](box.optionCount);
        for (uint256 option = 0; option < recorded.length; ++option) recorded[option] = counts[option];
        IZone(zone).recordSealedTally(proposalId, recorded);
        emit SealedTallyCompleted(zone, proposalId, counts, tellers);
    }

    /// @notice A sealed proposal's box (optionCount 0: the proposal is not sealed or not known), its
    /// sums as they are (the neutral element while it is empty).
    function ballotBox(address zone, uint256 proposalId) external view returns (BallotBox memory box) {
        box = _boxes[zone][proposalId];
        if (box.optionCount == 0) return box;
        for (uint256 i = 0; i < 12; ++i) --box.sums[i];
    }

    /// @notice Teller `teller`'s posted shares of the sums (zeros: not posted).
    function partialDecryptionOf(
        address zone,
        uint256 proposalId,
        uint256 teller
    ) external view returns (uint256[6] memory) {
        return _partials[zone][proposalId][teller];
    }

    /// @notice Whether a sealed ballot with this nullifier counted in `zone`.
    function isNullifierUsed(address zone, uint256 nullifier) external view returns (bool) {
        return _nullifierUsed[zone][nullifier];
    }

    function _box(address zone, uint256 proposalId) private view returns (BallotBox storage box) {
        box = _boxes[zone][proposalId];
        if (box.optionCount == 0) revert SealedUnknownBallotBox(zone, proposalId);
    }

    function _requireState(address zone, uint256 proposalId, IZone.ProposalState expected) private view {
        IZone.ProposalState current = IZone(zone).state(proposalId);
        if (current != expected) revert SealedWrongProposalState(zone, proposalId, current);
    }

    /// @dev Point `index` of the sums (0..2: c1 of each entry, 3..5: c2).
    function _sum(BallotBox storage box, uint256 index) private view returns (BabyJubJub.Point memory) {
        return BabyJubJub.Point(box.sums[2 * index] - 1, box.sums[2 * index + 1] - 1);
    }

    function _loadSums(BallotBox storage box) private view returns (uint256[4][6] memory sums) {
        for (uint256 p = 0; p < 6; ++p) sums[p] = BabyJubJub.toExtended(_sum(box, p));
    }

    /// @dev The checks of a ballot before its proof, as a verdict. The proof binds each public
    /// signal only modulo the field: values at or above it would be another spelling of a ballot.
    function _precheck(address zone, SealedVote calldata vote) private view returns (bool, Rejection) {
        uint256 field = ZoneScopes.SNARK_SCALAR_FIELD;
        if (vote.nullifier >= field) return (false, Rejection.NullifierOutOfRange);
        for (uint256 i = 0; i < 12; ++i) {
            if (vote.ciphertexts[i] >= field) return (false, Rejection.CiphertextOutOfRange);
        }
        if (_nullifierUsed[zone][vote.nullifier]) return (false, Rejection.NullifierUsed);
        return (true, Rejection.NullifierOutOfRange);
    }

    /// @dev Writes proof `index` in the verifier's layout: 8 points, then the public signals (root,
    /// nullifier, the 12 ciphertext words, scope's hash, key).
    function _pack(
        uint256[] memory packed,
        uint256 index,
        SealedVote calldata vote,
        BallotBox storage box,
        uint256 scopeHash
    ) private view {
        (uint256 root, uint256 nullifier, uint256 keyX, uint256 keyY) = (
            box.snapshotRoot,
            vote.nullifier,
            box.publicKey.x,
            box.publicKey.y
        );
        assembly ("memory-safe") {
            let at := add(add(packed, 32), mul(index, mul(PROOF_WORDS, 32)))
            // The struct in calldata: nullifier (1 word), ciphertexts (12), points (8).
            calldatacopy(at, add(vote, 416), 256)
            mstore(add(at, 256), root)
            mstore(add(at, 288), nullifier)
            calldatacopy(add(at, 320), add(vote, 32), 384)
            mstore(add(at, 704), scopeHash)
            mstore(add(at, 736), keyX)
            mstore(add(at, 768), keyY)
        }
    }

    /// @dev lambda_j = prod_{m != j} m / (m - j) mod ORDER, for each j among `tellers`.
    function _lagrangeAtZero(uint256[] calldata tellers) private view returns (uint256[] memory lambdas) {
        uint256 order = BabyJubJub.ORDER;
        lambdas = new uint256[](tellers.length);
        for (uint256 j = 0; j < tellers.length; ++j) {
            uint256 numerator = 1;
            uint256 denominator = 1;
            for (uint256 m = 0; m < tellers.length; ++m) {
                if (m == j) continue;
                numerator = mulmod(numerator, tellers[m], order);
                denominator = mulmod(denominator, addmod(tellers[m], order - tellers[j], order), order);
            }
            lambdas[j] = mulmod(numerator, BabyJubJub.invertScalar(denominator), order);
        }
    }
}
