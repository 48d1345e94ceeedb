// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IZone} from "../interfaces/IZone.sol";
import {IZoneFactory} from "../interfaces/IZoneFactory.sol";
import {BabyJubJub} from "../libraries/BabyJubJub.sol";

/// @title Every zone's tellers: elected by vote, they make a joint key by a distributed key
/// generation on chain, and only `threshold` of them together can open what is sealed to it.
/// @notice The key generation is Pedersen's (Feldman sharing by each teller, complaints answered in
/// public), the on-chain side of sdk/sealed.ts. A term runs in four phases of `phaseLength` each:
/// 1. registration: each teller publishes a BabyJubJub key that its shares are encrypted to;
/// 2. dealing: each registered teller publishes `threshold` commitments to a random polynomial and
///    its shares for the others, each encrypted to the recipient's key (in the event only);
/// 3. complaints: a teller whose share fails Feldman's check against the commitments complains;
/// 4. answers: the dealer publishes that share; the contract checks it.
/// Then anyone finalizes: the qualified dealers (dealt, every complaint answered with a share that
/// verifies) make the key, the sum of their first commitments. Nobody ever holds its secret.
/// @dev A teller that does not register or deal is left out; the key needs `threshold` qualified
/// dealers. Nothing here decrypts: the sealed tally (to come) checks each teller's partial
/// decryption against `shareKey`.
contract ZoneTellers {
    using BabyJubJub for BabyJubJub.Point;

    /// @notice The most tellers a term may have (each dealer's shares are one event's words).
    uint256 public constant MAX_TELLERS = 16;
    uint32 public constant MIN_PHASE = 1 hours;
    uint32 public constant MAX_PHASE = 30 days;

    IZoneFactory public immutable FACTORY;

    enum Phase {
        Registration,
        Dealing,
        Complaints,
        Answers,
        Finalizable,
        Finalized
    }

    struct Term {
        address[] tellers;
        uint256 electingProposal;
        /// Bit i - 1 for teller i: which dealers made the key.
        uint256 qualified;
        BabyJubJub.Point publicKey;
        uint64 start;
        uint64 end;
        uint32 phaseLength;
        uint8 threshold;
        bool finalized;
    }

    error TellersCallerIsNotAZone(address caller);
    error TellersNotDecidedByVote(address zone);
    error TellersInvalidElection();
    error TellersUnknownTerm(address zone, uint256 term);
    error TellersNotATeller(address caller);
    error TellersWrongPhase(Phase current, Phase required);
    error TellersAlreadyDone(uint256 teller);
    error TellersInvalidKey();
    error TellersNotRegistered(uint256 teller);
    error TellersInvalidDealing();
    error TellersNoComplaint(uint256 dealer, uint256 complainant);
    error TellersWrongShare(uint256 dealer, uint256 complainant);
    error TellersTooFewQualified(uint256 qualified, uint256 threshold);

    event TellersElected(
        address indexed zone,
        uint256 indexed term,
        address[] tellers,
        uint8 threshold,
        uint32 phaseLength,
        uint64 end,
        uint256 proposalId
    );
    event TellerRegistered(address indexed zone, uint256 indexed term, uint256 teller, BabyJubJub.Point key);
    /// @param encryptedShares 3 words per teller j = 1..n: the ephemeral point (x, y) and the share
    /// masked with a hash of the shared point (sdk/sealed.ts encryptShare), the dealer's own share
    /// too (encrypted to itself, so that a teller keeps only its registration secret); zeros for
    /// tellers that did not register.
    event SharesDealt(
        address indexed zone,
        uint256 indexed term,
        uint256 dealer,
        BabyJubJub.Point[] commitments,
        uint256[] encryptedShares
    );
    event ShareComplaint(address indexed zone, uint256 indexed term, uint256 dealer, uint256 complainant);
    event ComplaintAnswered(
        address indexed zone,
        uint256 indexed term,
        uint256 dealer,
        uint256 complainant,
        uint256 share
    );
    event TellersKeyReady(
        address indexed zone,
        uint256 indexed term,
        BabyJubJub.Point publicKey,
        uint256 qualified
    );

    mapping(address zone => Term[]) private _terms;
    mapping(address zone => mapping(uint256 term => mapping(uint256 teller => BabyJubJub.Point)))
        private _keys;
    mapping(address zone => mapping(uint256 term => mapping(uint256 dealer => BabyJubJub.Point[])))
        private _commitments;
    /// 1: open, 2: answered with a share that verifies.
    mapping(address zone => mapping(uint256 term => mapping(uint256 dealer => mapping(uint256 complainant => uint8))))
        private _complaints;
    mapping(address zone => mapping(uint256 term => mapping(uint256 dealer => uint256 complainants)))
        private _openComplaints;
    /// The qualified dealers' commitments added up, power by power: the joint polynomial's
    /// commitments, whose first is the key. Share keys are computed from these, in `threshold`
    /// multiplications, whatever the number of dealers.
    mapping(address zone => mapping(uint256 term => BabyJubJub.Point[])) private _keyCommitments;

    constructor(IZoneFactory factory) {
        FACTORY = factory;
    }

    /// @notice Elects the calling zone's tellers for a new term, which starts now with registration.
    /// Called by a zone executing a passed proposal.
    /// @param termLength How long the key serves after its generation ends (4 phases from now).
    function electTellers(
        address[] calldata tellers,
        uint8 threshold,
        uint32 phaseLength,
        uint64 termLength
    ) external returns (uint256 term) {
        if (!FACTORY.isZone(msg.sender)) revert TellersCallerIsNotAZone(msg.sender);
        uint256 proposalId = IZone(msg.sender).executingProposal();
        if (proposalId == 0) revert TellersNotDecidedByVote(msg.sender);
        if (
            tellers.length == 0 ||
            tellers.length > MAX_TELLERS ||
            threshold == 0 ||
            threshold > tellers.length ||
            phaseLength < MIN_PHASE ||
            phaseLength > MAX_PHASE ||
            termLength == 0
        ) revert TellersInvalidElection();
        for (uint256 i = 0; i < tellers.length; ++i) {
            if (tellers[i] == address(0)) revert TellersInvalidElection();
            for (uint256 j = 0; j < i; ++j) if (tellers[j] == tellers[i]) revert TellersInvalidElection();
        }
        term = _terms[msg.sender].length;
        Term storage t = _terms[msg.sender].push();
        t.tellers = tellers;
        t.threshold = threshold;
        t.phaseLength = phaseLength;
        t.start = uint64(block.timestamp);
        t.end = uint64(block.timestamp) + 4 * uint64(phaseLength) + termLength;
        t.electingProposal = proposalId;
        emit TellersElected(msg.sender, term, tellers, threshold, phaseLength, t.end, proposalId);
    }

    /// @notice Publishes the caller's key for this term's shares: a point of BabyJubJub's subgroup.
    function register(address zone, uint256 term, BabyJubJub.Point calldata key) external {
        Term storage t = _termIn(zone, term, Phase.Registration);
        uint256 teller = _tellerIndex(t, msg.sender);
        if (_keys[zone][term][teller].y != 0) revert TellersAlreadyDone(teller);
        if ((key.x == 0 && key.y == 1) || !BabyJubJub.isSubgroupPoint(key)) revert TellersInvalidKey();
        // Another teller's key would send that teller's shares to whoever holds it.
        for (uint256 other = 1; other <= t.tellers.length; ++other) {
            BabyJubJub.Point storage taken = _keys[zone][term][other];
            if (taken.x == key.x && taken.y == key.y) revert TellersInvalidKey();
        }
        _keys[zone][term][teller] = key;
        emit TellerRegistered(zone, term, teller, key);
    }

    /// @notice Publishes the caller's commitments (a_0·G .. a_{t-1}·G) and its encrypted shares.
    function deal(
        address zone,
        uint256 term,
        BabyJubJub.Point[] calldata commitments,
        uint256[] calldata encryptedShares
    ) external {
        Term storage t = _termIn(zone, term, Phase.Dealing);
        uint256 dealer = _tellerIndex(t, msg.sender);
        if (_keys[zone][term][dealer].y == 0) revert TellersNotRegistered(dealer);
        if (_commitments[zone][term][dealer].length != 0) revert TellersAlreadyDone(dealer);
        if (commitments.length != t.threshold || encryptedShares.length != 3 * t.tellers.length) {
            revert TellersInvalidDealing();
        }
        if (commitments[0].x == 0 && commitments[0].y == 1) revert TellersInvalidDealing();
        BabyJubJub.Point[] storage stored = _commitments[zone][term][dealer];
        for (uint256 k = 0; k < commitments.length; ++k) {
            if (!BabyJubJub.isSubgroupPoint(commitments[k])) revert TellersInvalidDealing();
            stored.push(commitments[k]);
        }
        emit SharesDealt(zone, term, dealer, commitments, encryptedShares);
    }

    /// @notice The caller complains that `dealer`'s share for it fails Feldman's check.
    function complain(address zone, uint256 term, uint256 dealer) external {
        Term storage t = _termIn(zone, term, Phase.Complaints);
        uint256 complainant = _tellerIndex(t, msg.sender);
        if (_keys[zone][term][complainant].y == 0) revert TellersNotRegistered(complainant);
        if (_commitments[zone][term][dealer].length == 0) revert TellersInvalidDealing();
        if (_complaints[zone][term][dealer][complainant] != 0) revert TellersAlreadyDone(complainant);
        _complaints[zone][term][dealer][complainant] = 1;
        ++_openComplaints[zone][term][dealer];
        emit ShareComplaint(zone, term, dealer, complainant);
    }

    /// @notice The dealer answers a complaint with the share, in public; it must verify.
    function answer(address zone, uint256 term, uint256 complainant, uint256 share) external {
        Term storage t = _termIn(zone, term, Phase.Answers);
        uint256 dealer = _tellerIndex(t, msg.sender);
        if (_complaints[zone][term][dealer][complainant] != 1) revert TellersNoComplaint(dealer, complainant);
        if (share >= BabyJubJub.ORDER || !_sharesMatch(zone, term, dealer, complainant, share)) {
            revert TellersWrongShare(dealer, complainant);
        }
        _complaints[zone][term][dealer][complainant] = 2;
        --_openComplaints[zone][term][dealer];
        emit ComplaintAnswered(zone, term, dealer, complainant, share);
    }

    /// @notice After the answers, makes the key from the qualified dealers. Anyone may call it.
    function finalize(address zone, uint256 term) external {
        Term storage t = _termIn(zone, term, Phase.Finalizable);
        uint256 qualified;
        uint256 count;
        BabyJubJub.Point[] memory joint = new BabyJubJub.Point[](t.threshold);
        for (uint256 k = 0; k < joint.length; ++k) joint[k] = BabyJubJub.Point(0, 1);
        for (uint256 dealer = 1; dealer <= t.tellers.length; ++dealer) {
            BabyJubJub.Point[] storage commitments = _commitments[zone][term][dealer];
            if (commitments.length == 0 || _openComplaints[zone][term][dealer] != 0) continue;
            qualified |= 1 << (dealer - 1);
            ++count;
            for (uint256 k = 0; k < joint.length; ++k) joint[k] = joint[k].add(commitments[k]);
        }
        if (count < t.threshold) revert TellersTooFewQualified(count, t.threshold);
        BabyJubJub.Point[] storage stored = _keyCommitments[zone][term];
        for (uint256 k = 0; k < joint.length; ++k) stored.push(joint[k]);
        t.finalized = true;
        t.qualified = qualified;
        t.publicKey = joint[0];
        emit TellersKeyReady(zone, term, joint[0], qualified);
    }

    /// @notice How many terms the zone has elected.
    function termCount(address zone) external view returns (uint256) {
        return _terms[zone].length;
    }

    function getTerm(address zone, uint256 term) external view returns (Term memory) {
        return _term(zone, term);
    }

    function phaseOf(address zone, uint256 term) external view returns (Phase) {
        return _phase(_term(zone, term));
    }

    function tellerKey(
        address zone,
        uint256 term,
        uint256 teller
    ) external view returns (BabyJubJub.Point memory) {
        return _keys[zone][term][teller];
    }

    function commitmentsOf(
        address zone,
        uint256 term,
        uint256 dealer
    ) external view returns (BabyJubJub.Point[] memory) {
        return _commitments[zone][term][dealer];
    }

    /// @notice The public key of teller `teller`'s share of the term's key (the joint commitments at
    /// `teller`, which is the sum over the qualified dealers of their commitments there): what its
    /// partial decryptions are checked against.
    function shareKey(
        address zone,
        uint256 term,
        uint256 teller
    ) external view returns (BabyJubJub.Point memory) {
        Term storage t = _term(zone, term);
        if (!t.finalized) revert TellersWrongPhase(_phase(t), Phase.Finalized);
        return _committedShareKey(_keyCommitments[zone][term], teller);
    }

    /// @notice Teller `account`'s number in the term (1..n); reverts for anyone else.
    function tellerIndex(address zone, uint256 term, address account) external view returns (uint256) {
        return _tellerIndex(_term(zone, term), account);
    }

    function _sharesMatch(
        address zone,
        uint256 term,
        uint256 dealer,
        uint256 teller,
        uint256 share
    ) private view returns (bool) {
        BabyJubJub.Point memory expected = _committedShareKey(_commitments[zone][term][dealer], teller);
        BabyJubJub.Point memory actual = BabyJubJub.mul(
            BabyJubJub.Point(BabyJubJub.GX, BabyJubJub.GY),
            share
        );
        return expected.x == actual.x && expected.y == actual.y;
    }

    /// @dev sum_k C_k · teller^k (sdk/sealed.ts committedShareKey).
    function _committedShareKey(
        BabyJubJub.Point[] storage commitments,
        uint256 teller
    ) private view returns (BabyJubJub.Point memory key) {
        // C_0 as it is, then the other terms two by two, each pair one joint multiplication.
        key = commitments[0];
        uint256 power = teller;
        for (uint256 k = 1; k < commitments.length; k += 2) {
            uint256 nextPower = mulmod(power, teller, BabyJubJub.ORDER);
            BabyJubJub.Point memory pair =
                k + 1 < commitments.length
                    ? BabyJubJub.mulAdd(commitments[k], power, commitments[k + 1], nextPower)
                    : BabyJubJub.mul(commitments[k], power);
            key = key.add(pair);
            power = mulmod(nextPower, teller, BabyJubJub.ORDER);
        }
    }

    function _term(address zone, uint256 term) private view returns (Term storage) {
        if (term >= _terms[zone].length) revert TellersUnknownTerm(zone, term);
        return _terms[zone][term];
    }

    function _termIn(address zone, uint256 term, Phase required) private view returns (Term storage t) {
        t = _term(zone, term);
        Phase current = _phase(t);
        if (current != required) revert TellersWrongPhase(current, required);
    }

    function _phase(Term storage t) private view returns (Phase) {
        if (t.finalized) return Phase.Finalized;
        uint256 elapsed = (block.timestamp - t.start) / t.phaseLength;
        return elapsed >= 4 ? Phase.Finalizable : Phase(elapsed);
    }

    function _tellerIndex(Term storage t, address account) private view returns (uint256) {
        for (uint256 i = 0; i < t.tellers.length; ++i) if (t.tellers[i] == account) return i + 1;
        revert TellersNotATeller(account);
    }
}
