// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {SemaphoreVerifierKeyPts} from "@semaphore-protocol/contracts/base/SemaphoreVerifierKeyPts.sol";
import {MIN_DEPTH, MAX_DEPTH} from "@semaphore-protocol/contracts/base/Constants.sol";

// Words per proof in the packed input of SemaphoreBatchVerifier: the 8 points (packed as Semaphore's
// proof library packs them), the 4 public inputs [root, nullifier, hash(message), hash(scope)], and
// the tree depth.
uint256 constant WORDS_PER_PROOF = 13;

/// @title Verifies many Semaphore v4 Groth16 proofs with one pairing each plus a few shared ones.
/// @notice Uses the official Semaphore v4 verification keys (those of SemaphoreVerifier).
/// @dev Each proof i satisfies e(A_i, B_i) = e(alpha, beta) e(L_i, gamma) e(C_i, delta_d), where
/// L_i = IC0 + sum_j x_ij IC_j for its depth d. With random weights w_i a set S of proofs is tested
/// with one pairing,
///   prod_{i in S} e(-w_i A_i, B_i) . e((sum w_i) alpha, beta) . e(sum w_i L_i, gamma) . prod_d e(sum w_i C_i, delta_d) = 1,
/// folding the public inputs into 5 scalar multiplications per depth. The weights come from a hash
/// of the whole batch, so nobody can choose proofs after seeing them: a set holding an invalid proof
/// passes with probability about 1/r. The batch is tested whole (above MAX_WHOLE proofs, in parts
/// of at most MAX_PART); if a part fails, a search tests subsets of it with the same weights, reusing each
/// proof's -w_i A_i and w_i C_i, so that a subset costs a pair (34,000 gas) per proof plus a fixed
/// part, within a gas budget the caller gives (see {verifyBatch}).
contract SemaphoreBatchVerifier {
    /// @notice What {verifyBatch} found of one proof. `Unverified`: the search could not pay for a
    /// test that would tell; the proof may be valid.
    enum Verdict {
        Valid,
        Invalid,
        Unverified
    }

    /// @notice A precompile would get less than its gas allowance: the transaction needs more gas. (A
    /// starved precompile fails as a point off the curve does, so it must never be taken for one.)
    error BatchVerifierOutOfGas(uint256 gasLeft, uint256 gasNeeded);
    /// @notice The chain charges more for the precompile at `precompile` (6, 7 or 8) than the gas
    /// this verifier gives it: a known-valid input failed, so the proofs cannot be judged here.
    error BatchVerifierAllowanceTooLow(uint256 precompile);
    /// @notice `packed` is not a whole number of proofs.
    error BatchVerifierMalformedInput(uint256 length);

    // BN254 scalar field and base field.
    uint256 internal constant R =
        21888242871839275222246405745257275088548364400416034343698204186575808495617;
    uint256 internal constant Q =
        21888242871839275222246405745257275088696311157297823662689037894645226208583;

    // Gas given to each precompile call (see {_allowances}).
    uint256 internal immutable EC_ADD_GAS;
    uint256 internal immutable EC_MUL_GAS;
    uint256 internal immutable PAIRING_BASE_GAS;
    uint256 internal immutable PAIRING_PER_PAIR_GAS;
    // The verification keys of depths 1-32, 14 words each, as the code of a contract the constructor
    // creates (after a STOP byte, so that calling it does nothing): a key is read with extcodecopy,
    // 448 bytes, where Semaphore's getPts copies its whole 14,336-byte table into memory each time.
    address internal immutable KEYS;
    uint256 private constant KEY_BYTES = 14 * 32;
    // What a precompile call needs beyond its allowance for the allowance to reach it whole: the
    // 1/64 a call keeps back (EIP-150) is added to it, this covers the call's own cost.
    uint256 internal constant CALL_MARGIN_GAS = 400;

    // The search's cost model, checked against the caller's budget before each test: EIP-1108
    // prices and the code around them, measured and rounded up. An estimate, not a reading of the gas
    // left, so that the search does not depend on the gas the transaction was given.
    uint256 internal constant PAIRING_PRICE = 45_000;
    uint256 internal constant PAIR_PRICE = 34_000;
    // Per test: alpha's multiplication, the pairs (alpha, beta) and (L, gamma), the pairing's base.
    uint256 internal constant TEST_GAS = PAIRING_PRICE + 2 * PAIR_PRICE + 6_000 + 8_000;
    // Per depth in the subset: 5 multiplications and additions, the delta pair, its key.
    uint256 internal constant TEST_GAS_PER_DEPTH = PAIR_PRICE + 5 * 6_150 + 3_000;
    // Per proof in the subset: its pair, the addition of its w C, the copies.
    uint256 internal constant TEST_GAS_PER_PROOF = PAIR_PRICE + 150 + 700;
    // Writing and returning the verdicts, after the search.
    uint256 internal constant VERDICT_GAS = 200;
    uint256 internal constant FINISH_GAS = 10_000;

    // Batches of up to MAX_WHOLE proofs are tested in one pairing (the cheapest when every proof is
    // valid); larger ones in equal parts of at most MAX_PART, one pairing each (~120,000 gas more per
    // part), so that an invalid proof leaves the other parts passing and the search starts from its
    // part, not from the whole batch: a search costs about its range's pairs, and the cap must pay
    // the search of two bad proofs after a large batch's own tests.
    uint256 internal constant MAX_WHOLE = 64;
    uint256 internal constant MAX_PART = 16;

    // The official Semaphore v4 keys share alpha, beta and gamma across depths (see SemaphoreVerifier).
    uint256 internal constant ALPHA_X =
        16428432848801857252194528405604668803277877773566238944394625302971855135431;
    uint256 internal constant ALPHA_Y =
        16846502678714586896801519656441059708016666274385668027902869494772365009666;
    uint256 internal constant BETA_X1 =
        3182164110458002340215786955198810119980427837186618912744689678939861918171;
    uint256 internal constant BETA_X2 =
        16348171800823588416173124589066524623406261996681292662100840445103873053252;
    uint256 internal constant BETA_Y1 =
        4920802715848186258981584729175884379674325733638798907835771393452862684714;
    uint256 internal constant BETA_Y2 =
        19687132236965066906216944365591810874384658708175106803089633851114028275753;
    uint256 internal constant GAMMA_X1 =
        11559732032986387107991004021392285783925812861821192530917403151452391805634;
    uint256 internal constant GAMMA_X2 =
        10857046999023057135944570762232829481370756359578518086990519993285655852781;
    uint256 internal constant GAMMA_Y1 =
        4082367875863433681332203403145435568316851327593401208105741076214120093531;
    uint256 internal constant GAMMA_Y2 =
        8495653923123431417604973247489272438418190587263600148770280649306958101930;

    // A proof's weight, once the fold has found it invalid (weights are below r).
    uint256 private constant FAILED_FOLD = type(uint256).max;
    // A node of the search, in one word: proofs order[lo..hi) (bits 0-31, 32-63), whether it is
    // known to fail, and whether a test of part of it may make the pairing refuse a point (an
    // invalid B in it).
    uint256 private constant NODE_FAILS = 1 << 64;
    uint256 private constant NODE_MAY_THROW = 1 << 65;

    /// @dev Each proof's share of a test, computed once by {_foldProofs}, and the search's state.
    struct Search {
        // Per proof i: its pair (-w_i A_i, B_i) in words 6i..6i+5 (zero if the proof failed the fold).
        uint256[] pairs;
        // Per proof i: w_i C_i in words 2i, 2i+1.
        uint256[] weightedC;
        // Per proof i: w_i, or FAILED_FOLD.
        uint256[] weights;
        // The proofs of the parts that failed, each part's ordered by depth: subsets are ranges of it.
        uint256[] order;
        // Pairing input of the test being built.
        uint256[] input;
        // One run of equal depth being summed: w C (x, y), then the 5 IC weights.
        uint256[] run;
        Verdict[] verdicts;
        uint256 gasAtStart;
        uint256 gasForwarded;
        uint256 gasUsable;
    }

    /// @notice Thrown by the constructor if it could not store the verification keys.
    error BatchVerifierKeysNotStored();

    constructor() {
        (EC_ADD_GAS, EC_MUL_GAS, PAIRING_BASE_GAS, PAIRING_PER_PAIR_GAS) = _allowances();
        KEYS = _storeKeys();
    }

    /// @notice Verifies the proofs in `packed` (WORDS_PER_PROOF words each): all together and, if that
    /// fails, by a search that tests subsets with the same weights.
    /// @dev The search stays within two gas figures that describe a transaction given the gas cap;
    /// it never reads how much gas it has, only how much it has used (which does not depend on the
    /// gas given), so every run over the same batch that does not revert returns the same verdicts.
    /// A precompile call that could not get its allowance reverts ({BatchVerifierOutOfGas}). Fewer
    /// than 2n subsets are tested, all with the weights the batch's hash fixed before any test.
    /// @param gasForwarded The gas this call gets in a transaction given the cap: no test starts
    /// whose precompile calls would not get their allowance within it.
    /// @param gasUsable The most gas this call may use in such a transaction, leaving its caller
    /// enough to finish: no test starts whose estimated cost would pass it.
    /// @return verdicts Empty if every proof is valid (the common case); otherwise one per proof.
    function verifyBatch(
        uint256[] calldata packed,
        uint256 gasForwarded,
        uint256 gasUsable
    ) external view returns (Verdict[] memory verdicts) {
        uint256 gasAtStart = gasleft();
        if (packed.length % WORDS_PER_PROOF != 0) revert BatchVerifierMalformedInput(packed.length);
        uint256 n = packed.length / WORDS_PER_PROOF;
        if (n == 0) return verdicts;
        Search memory search;
        search.pairs = new uint256[]((n + 2 + MAX_DEPTH) * 6);
        search.weightedC = new uint256[](2 * n);
        search.weights = new uint256[](n);
        (uint256[] memory outcomes, bool failed, bool foldThrew) = _foldAndTestParts(packed, search);
        if (!failed) return verdicts; // the common case

        (search.gasAtStart, search.gasForwarded, search.gasUsable) = (gasAtStart, gasForwarded, gasUsable);
        // A point the precompile refused makes a proof invalid only if it accepts a valid one.
        if (foldThrew) _canary(7, 1);
        return _searchFailedParts(packed, search, outcomes);
    }

    /// @dev Folds and tests the batch in equal parts of at most MAX_PART proofs. `outcomes`: per part,
    /// 0 if it passed, else NODE_FAILS, with NODE_MAY_THROW if its pairing refused a point. `failed`:
    /// a part failed or a proof failed the fold (`foldThrew`: the precompile refused its A or C).
    function _foldAndTestParts(
        uint256[] calldata packed,
        Search memory search
    ) private view returns (uint256[] memory outcomes, bool failed, bool foldThrew) {
        uint256 n = search.weights.length;
        bytes32 seed = _hash(packed);
        // Per depth (index 1..32), 8 words: weighted sum of C (x, y), the 5 IC weights, a seen flag.
        uint256[] memory sums = new uint256[]((uint256(MAX_DEPTH) + 1) * 8);
        outcomes = new uint256[](n <= MAX_WHOLE ? 1 : (n + MAX_PART - 1) / MAX_PART);
        for (uint256 part = 0; part < outcomes.length; ++part) {
            (uint256 lo, uint256 hi) = _part(n, outcomes.length, part);
            if (part != 0) _zero(sums);
            (bool partFailed, bool threw) = _foldProofs(packed, lo, hi, seed, search, sums);
            (bool passed, bool pairingThrew) = _testPart(search.pairs, sums, lo, hi);
            if (!passed) outcomes[part] = NODE_FAILS | (pairingThrew ? NODE_MAY_THROW : 0);
            (failed, foldThrew) = (failed || partFailed || !passed, foldThrew || threw);
        }
    }

    /// @dev After a part failed: every proof gets a verdict. Those of passing parts are valid (but for
    /// those the fold refused); the failing parts are searched.
    function _searchFailedParts(
        uint256[] calldata packed,
        Search memory search,
        uint256[] memory outcomes
    ) private view returns (Verdict[] memory verdicts) {
        uint256 n = search.weights.length;
        verdicts = search.verdicts = new Verdict[](n);
        uint256[] memory order = search.order = new uint256[](n);
        uint256[] memory stack = new uint256[](n + 1);
        uint256 top;
        uint256 count;
        for (uint256 part = 0; part < outcomes.length; ++part) {
            (uint256 lo, uint256 hi) = _part(n, outcomes.length, part);
            uint256 start = count;
            for (uint256 i = lo; i < hi; ++i) {
                if (search.weights[i] == FAILED_FOLD) verdicts[i] = Verdict.Invalid;
                else if (outcomes[part] != 0) {
                    verdicts[i] = Verdict.Unverified;
                    order[count++] = i;
                }
            }
            if (count == start) continue;
            _sortByDepth(packed, order, start, count);
            stack[top++] = _node(start, count, outcomes[part]);
        }
        search.input = new uint256[]((MAX_WHOLE + 2 + MAX_DEPTH) * 6);
        search.run = new uint256[](10);
        _search(packed, search, stack, top);
    }

    /// @dev Search over ranges of `order`, each known to fail or not yet tested, largest first (so that
    /// when the budget runs out, as many votes as it allowed have counted). A failing range is split
    /// (after its first depth, or its first third): if the first piece passes, its proofs are valid
    /// and the rest must fail (the pairing product of a range is the product of its pieces'); if it
    /// fails, the rest is tested on its own. A failing single proof is invalid. A range whose test
    /// the budget cannot pay for is left Unverified.
    function _search(
        uint256[] calldata packed,
        Search memory search,
        uint256[] memory stack,
        uint256 top
    ) private view {
        while (top != 0) {
            uint256 node = _takeLargest(stack, top--);
            (uint256 lo, uint256 hi) = (uint32(node), uint32(node >> 32));
            uint256 mayThrow = node & NODE_MAY_THROW;
            if (node & NODE_FAILS == 0) {
                if (!_affordable(packed, search, lo, hi, mayThrow != 0)) continue;
                (bool passed, bool threw) = _test(packed, search, lo, hi);
                if (passed) {
                    _certify(search, lo, hi);
                    continue;
                }
                if (!threw) mayThrow = 0;
            }
            if (hi - lo == 1) {
                search.verdicts[search.order[lo]] = Verdict.Invalid;
                continue;
            }
            uint256 mid = _split(packed, search.order, lo, hi);
            if (!_affordable(packed, search, lo, mid, mayThrow != 0)) continue;
            (bool firstPassed, bool firstThrew) = _test(packed, search, lo, mid);
            if (firstPassed) {
                _certify(search, lo, mid);
                stack[top++] = _node(mid, hi, NODE_FAILS | mayThrow);
            } else {
                stack[top++] = _node(mid, hi, mayThrow);
                stack[top++] = _node(lo, mid, NODE_FAILS | (firstThrew ? NODE_MAY_THROW : 0));
            }
        }
    }

    /// @dev Where to split a failing range: after its first depth if it holds several (so that the
    /// piece tested pays for one depth), else after a third (rounded to the nearest), close to the
    /// split whose worst case costs least under the cost model when the range holds one invalid
    /// proof. The piece holding it fails, wasting its test, and a small piece wastes little; a piece
    /// that passes is not wasted, its votes count.
    function _split(
        uint256[] calldata packed,
        uint256[] memory order,
        uint256 lo,
        uint256 hi
    ) private pure returns (uint256 mid) {
        uint256 first = _depthOf(packed, order[lo]);
        if (_depthOf(packed, order[hi - 1]) != first) {
            for (mid = lo + 1; _depthOf(packed, order[mid]) == first; ++mid) {}
            return mid;
        }
        return lo + (hi - lo + 1) / 3;
    }

    /// @dev Whether the test of order[lo..hi) fits in the caller's budget, by the cost model. If the
    /// range may hold an invalid B, its pairing may refuse it, burning its allowance, and run a
    /// canary of the same price.
    function _affordable(
        uint256[] calldata packed,
        Search memory search,
        uint256 lo,
        uint256 hi,
        bool mayThrow
    ) private view returns (bool) {
        uint256 depths = 1;
        for (uint256 j = lo + 1; j < hi; ++j) {
            if (_depthOf(packed, search.order[j]) != _depthOf(packed, search.order[j - 1])) ++depths;
        }
        uint256 pairs = hi - lo + 2 + depths;
        uint256 allowance = PAIRING_BASE_GAS + pairs * PAIRING_PER_PAIR_GAS;
        uint256 cost = TEST_GAS + depths * TEST_GAS_PER_DEPTH + (hi - lo) * TEST_GAS_PER_PROOF;
        if (mayThrow) cost += allowance;
        // At its pairing call the test has spent all but the pairing's price, and needs the allowance.
        uint256 peak =
            cost + allowance + allowance / 63 + CALL_MARGIN_GAS - PAIRING_PRICE - pairs * PAIR_PRICE;
        uint256 used = search.gasAtStart - gasleft();
        uint256 finish = search.verdicts.length * VERDICT_GAS + FINISH_GAS;
        return used + cost + finish <= search.gasUsable && used + peak <= search.gasForwarded;
    }

    /// @dev Tests proofs order[lo..hi) with one pairing; `threw`: the pairing refused a point. Runs
    /// of one depth are summed in `search.run`, whose words 7-9 hold the sums over all runs: the
    /// weights, and the public-input point L.
    function _test(
        uint256[] calldata packed,
        Search memory search,
        uint256 lo,
        uint256 hi
    ) private view returns (bool passed, bool threw) {
        uint256 run = _data(search.run);
        _zero(search.run);
        uint256 pairCount;
        for (uint256 j = lo; j < hi;) {
            uint256 depth = _depthOf(packed, search.order[j]);
            (j, pairCount) = _sumRun(packed, search, j, hi, depth, pairCount);
            (uint256 lx, uint256 ly) = _addDepth(
                _data(search.input),
                pairCount++,
                depth,
                run,
                _word(run, 8),
                _word(run, 9)
            );
            _setWords(run, addmod(_word(run, 7), _word(run, 2), R), lx, ly);
        }
        uint256 input = _data(search.input);
        _finishPairs(input, pairCount, _word(run, 7), _word(run, 8), _word(run, 9));
        return _pairing(input, pairCount + 2);
    }

    /// @dev Tests proofs lo..hi-1 as folded (those that failed the fold are zero pairs), with the
    /// per-depth sums of {_foldProofs}: their pairs are in place, the others are written after them.
    function _testPart(
        uint256[] memory pairs,
        uint256[] memory sums,
        uint256 lo,
        uint256 hi
    ) private view returns (bool passed, bool threw) {
        uint256 input = _data(pairs) + lo * 192;
        uint256 pairCount = hi - lo;
        uint256 weightSum;
        (uint256 lx, uint256 ly) = (0, 0);
        for (uint256 depth = MIN_DEPTH; depth <= MAX_DEPTH; ++depth) {
            uint256 at = _data(sums) + depth * 256;
            if (_word(at, 7) == 0) continue;
            weightSum = addmod(weightSum, _word(at, 2), R);
            (lx, ly) = _addDepth(input, pairCount++, depth, at, lx, ly);
        }
        _finishPairs(input, pairCount, weightSum, lx, ly);
        return _pairing(input, pairCount + 2);
    }

    /// @dev For one depth whose sums are at memory `at` (w C x, y, then the 5 IC weights): adds its
    /// public-input point to (lx, ly) and writes its pair (sum w C, delta) as pair `index` of `input`.
    function _addDepth(
        uint256 input,
        uint256 index,
        uint256 depth,
        uint256 at,
        uint256 lx,
        uint256 ly
    ) private view returns (uint256, uint256) {
        uint256[14] memory key = _key(depth);
        for (uint256 k = 0; k < 5; ++k) {
            (uint256 px, uint256 py) = _mul(key[4 + 2 * k], key[5 + 2 * k], _word(at, 2 + k));
            (lx, ly) = _add(lx, ly, px, py);
        }
        _writePair(input, index, _word(at, 0), _word(at, 1), key[0], key[1], key[2], key[3]);
        return (lx, ly);
    }

    /// @dev Writes the pairs (sum w alpha, beta) and (sum w L, gamma) after `pairCount` pairs.
    function _finishPairs(
        uint256 input,
        uint256 pairCount,
        uint256 weightSum,
        uint256 lx,
        uint256 ly
    ) private view {
        (uint256 wx, uint256 wy) = _mul(ALPHA_X, ALPHA_Y, weightSum);
        _writePair(input, pairCount, wx, wy, BETA_X1, BETA_X2, BETA_Y1, BETA_Y2);
        _writePair(input, pairCount + 1, lx, ly, GAMMA_X1, GAMMA_X2, GAMMA_Y1, GAMMA_Y2);
    }

    /// @dev The per-proof work on proofs lo..hi-1, in assembly because it runs 64 times a batch:
    /// checks the inputs, writes the pair (-w A, B), keeps w and w C for the search, adds w C to its
    /// depth's sum and w, w x_j to its IC weights. A proof whose inputs are out of range, or whose A
    /// or C the precompile refuses (`threw`), gets the weight FAILED_FOLD and a zero pair. (The
    /// struct's fields are read by offset: pairs 0, weightedC 32, weights 64.)
    function _foldProofs(
        uint256[] calldata packed,
        uint256 lo,
        uint256 hi,
        bytes32 seed,
        Search memory search,
        uint256[] memory sums
    ) private view returns (bool failed, bool threw) {
        // The allowances, and what one proof needs before its first call for all three calls (two
        // multiplications, an addition) to get theirs, with the code between them.
        (uint256 ecMulGas, uint256 ecAddGas) = (EC_MUL_GAS, EC_ADD_GAS);
        uint256 foldGas = 2 * (ecMulGas + ecMulGas / 63) + ecAddGas + ecAddGas / 63 + 4 * CALL_MARGIN_GAS;
        // Why the loop stopped early, if it did: the gas left when it was too little, or all ones if
        // an addition of two points on the curve failed (its allowance's fault, then).
        uint256 stopped;
        assembly ("memory-safe") {
            let scratch := mload(0x40)
            for {
                let i := lo
            } lt(i, hi) {
                i := add(i, 1)
            } {
                // A starved precompile would fail as a refused point does: stop instead.
                if lt(gas(), foldGas) {
                    stopped := gas()
                    break
                }
                let proof := add(packed.offset, mul(i, 416))
                let depth := calldataload(add(proof, 384))
                let weightAt := add(add(mload(add(search, 64)), 32), mul(i, 32))
                // A proof that fails leaves a zero pair (the previous part's test wrote its pairs here).
                let pair := add(add(mload(search), 32), mul(i, 192))
                // Depth out of range, or a public input not below r (an input + r would pass the pairing).
                if or(
                    or(lt(depth, MIN_DEPTH), gt(depth, MAX_DEPTH)),
                    iszero(
                        and(
                            and(lt(calldataload(add(proof, 256)), R), lt(calldataload(add(proof, 288)), R)),
                            and(lt(calldataload(add(proof, 320)), R), lt(calldataload(add(proof, 352)), R))
                        )
                    )
                ) {
                    calldatacopy(pair, calldatasize(), 192)
                    mstore(weightAt, not(0)) // FAILED_FOLD
                    failed := 1
                    continue
                }
                mstore(0, seed)
                mstore(32, i)
                let weight := mod(keccak256(0, 64), R)

                // Pair i: (-w A, B).
                mstore(scratch, calldataload(proof))
                mstore(add(scratch, 32), calldataload(add(proof, 32)))
                mstore(add(scratch, 64), weight)
                if iszero(staticcall(ecMulGas, 7, scratch, 96, pair, 64)) {
                    calldatacopy(pair, calldatasize(), 192)
                    mstore(weightAt, not(0)) // FAILED_FOLD
                    failed := 1
                    threw := 1
                    continue
                }
                // w C, kept for the search.
                let weighted := add(add(mload(add(search, 32)), 32), mul(i, 64))
                mstore(scratch, calldataload(add(proof, 192)))
                mstore(add(scratch, 32), calldataload(add(proof, 224)))
                mstore(add(scratch, 64), weight)
                if iszero(staticcall(ecMulGas, 7, scratch, 96, weighted, 64)) {
                    calldatacopy(pair, calldatasize(), 192)
                    mstore(weightAt, not(0)) // FAILED_FOLD
                    failed := 1
                    threw := 1
                    continue
                }
                mstore(weightAt, weight)
                mstore(add(pair, 32), mod(sub(Q, mload(add(pair, 32))), Q))
                calldatacopy(add(pair, 64), add(proof, 64), 128)

                // This depth's sum of w C: both points are on the curve, so only the allowance can fail.
                let sum := add(add(sums, 32), mul(depth, 256))
                mstore(scratch, mload(sum))
                mstore(add(scratch, 32), mload(add(sum, 32)))
                mcopy(add(scratch, 64), weighted, 64)
                if iszero(staticcall(ecAddGas, 6, scratch, 128, sum, 64)) {
                    stopped := not(0)
                    break
                }
                // IC weights: w for IC0, w x_j for IC_j+1.
                mstore(add(sum, 64), addmod(mload(add(sum, 64)), weight, R))
                for {
                    let j := 0
                } lt(j, 4) {
                    j := add(j, 1)
                } {
                    let at := add(sum, add(96, mul(j, 32)))
                    mstore(
                        at,
                        addmod(
                            mload(at),
                            mulmod(weight, calldataload(add(proof, add(256, mul(j, 32)))), R),
                            R
                        )
                    )
                }
                mstore(add(sum, 224), 1)
            }
        }
        if (stopped == type(uint256).max) revert BatchVerifierAllowanceTooLow(6);
        if (stopped != 0) revert BatchVerifierOutOfGas(stopped, foldGas);
    }

    /// @dev Copies the pairs of the proofs order[j..) of depth `depth` into the test's input and sums
    /// their w C and IC weights into `search.run` (words 0-6). Returns where the run ends. (The struct's fields
    /// are read by offset: pairs 0, weightedC 32, weights 64, order 96, input 128, run 160.)
    function _sumRun(
        uint256[] calldata packed,
        Search memory search,
        uint256 j,
        uint256 hi,
        uint256 depth,
        uint256 pairCount
    ) private view returns (uint256 end, uint256 pairsAfter) {
        uint256 ecAddGas = EC_ADD_GAS;
        bool ok = true;
        assembly ("memory-safe") {
            let sum := add(mload(add(search, 160)), 32)
            calldatacopy(sum, calldatasize(), 224) // words 0-6: this run's sums
            let scratch := mload(0x40)
            for {} lt(j, hi) {
                j := add(j, 1)
            } {
                let i := mload(add(add(mload(add(search, 96)), 32), mul(j, 32)))
                let proof := add(packed.offset, mul(i, 416))
                if iszero(eq(calldataload(add(proof, 384)), depth)) {
                    break
                }
                mcopy(
                    add(add(mload(add(search, 128)), 32), mul(pairCount, 192)),
                    add(add(mload(search), 32), mul(i, 192)),
                    192
                )
                pairCount := add(pairCount, 1)
                // The run's sum of w C; valid points only (each passed the fold): a failure is the allowance's.
                mstore(scratch, mload(sum))
                mstore(add(scratch, 32), mload(add(sum, 32)))
                mcopy(add(scratch, 64), add(add(mload(add(search, 32)), 32), mul(i, 64)), 64)
                if lt(gas(), add(ecAddGas, add(div(ecAddGas, 63), CALL_MARGIN_GAS))) {
                    ok := 0
                    break
                }
                if iszero(staticcall(ecAddGas, 6, scratch, 128, sum, 64)) {
                    ok := 0
                    break
                }
                // IC weights: w for IC0, w x_j for IC_j+1.
                let weight := mload(add(add(mload(add(search, 64)), 32), mul(i, 32)))
                mstore(add(sum, 64), addmod(mload(add(sum, 64)), weight, R))
                for {
                    let t := 0
                } lt(t, 4) {
                    t := add(t, 1)
                } {
                    let at := add(sum, add(96, mul(t, 32)))
                    mstore(
                        at,
                        addmod(
                            mload(at),
                            mulmod(weight, calldataload(add(proof, add(256, mul(t, 32)))), R),
                            R
                        )
                    )
                }
            }
            end := j
            pairsAfter := pairCount
        }
        if (!ok) {
            _requireGas(ecAddGas);
            revert BatchVerifierAllowanceTooLow(6);
        }
    }

    /// @dev Sorts order[lo..hi) by depth (insertion sort: a part holds at most MAX_PART proofs, of
    /// few depths).
    function _sortByDepth(
        uint256[] calldata packed,
        uint256[] memory order,
        uint256 lo,
        uint256 hi
    ) private pure {
        for (uint256 j = lo + 1; j < hi; ++j) {
            uint256 proof = order[j];
            uint256 depth = _depthOf(packed, proof);
            uint256 k = j;
            for (; k > lo && _depthOf(packed, order[k - 1]) > depth; --k) order[k] = order[k - 1];
            order[k] = proof;
        }
    }

    /// @dev Removes from stack[0..top) the largest range (an untested one if sizes tie) and returns it.
    function _takeLargest(uint256[] memory stack, uint256 top) private pure returns (uint256 node) {
        uint256 best = top - 1;
        for (uint256 k = 0; k + 1 < top; ++k) {
            if (_rank(stack[k]) > _rank(stack[best])) best = k;
        }
        node = stack[best];
        stack[best] = stack[top - 1];
    }

    /// @dev Orders nodes by size, then untested before known to fail.
    function _rank(uint256 node) private pure returns (uint256) {
        return ((uint32(node >> 32) - uint32(node)) << 1) | (node & NODE_FAILS == 0 ? 1 : 0);
    }

    function _certify(Search memory search, uint256 lo, uint256 hi) private pure {
        for (uint256 j = lo; j < hi; ++j) search.verdicts[search.order[j]] = Verdict.Valid;
    }

    function _node(uint256 lo, uint256 hi, uint256 flags) private pure returns (uint256) {
        return lo | (hi << 32) | flags;
    }

    /// @dev Proofs lo..hi-1 are part `part` of `parts` equal parts of n.
    function _part(uint256 n, uint256 parts, uint256 part) private pure returns (uint256 lo, uint256 hi) {
        return ((n * part) / parts, (n * (part + 1)) / parts);
    }

    function _depthOf(uint256[] calldata packed, uint256 i) private pure returns (uint256) {
        return packed[i * WORDS_PER_PROOF + 12];
    }

    /// @dev keccak256 of the packed proofs, hashed where memory is free, without keeping a copy.
    function _hash(uint256[] calldata packed) private pure returns (bytes32 seed) {
        assembly ("memory-safe") {
            let copy := mload(0x40)
            calldatacopy(copy, packed.offset, mul(packed.length, 32))
            seed := keccak256(copy, mul(packed.length, 32))
        }
    }

    /// @dev The verification key of `depth`, from the code of KEYS: delta (4 words), IC0-IC4 (10).
    function _key(uint256 depth) private view returns (uint256[14] memory key) {
        address keys = KEYS;
        assembly ("memory-safe") {
            extcodecopy(keys, key, add(1, mul(sub(depth, 1), KEY_BYTES)), KEY_BYTES)
        }
    }

    /// @dev Creates the contract whose code is a STOP byte and the keys of Semaphore's
    /// SemaphoreVerifierKeyPts, depth by depth.
    function _storeKeys() private returns (address keys) {
        SemaphoreVerifierKeyPts.checkInvariant(MAX_DEPTH);
        uint256 size = 1 + uint256(MAX_DEPTH) * KEY_BYTES;
        // Creation code: PUSH2 size, DUP1, PUSH1 12, PUSH1 0, CODECOPY, PUSH1 0, RETURN; then the code.
        bytes memory creation = abi.encodePacked(
            hex"61",
            uint16(size),
            hex"80600c6000396000f3",
            new bytes(size)
        );
        for (uint256 depth = 1; depth <= MAX_DEPTH; ++depth) {
            uint256 free;
            assembly ("memory-safe") {
                free := mload(0x40)
            }
            // getPts copies the whole table into new memory: give that memory back after each depth.
            uint256[14] memory key = SemaphoreVerifierKeyPts.getPts(depth);
            assembly ("memory-safe") {
                mcopy(add(creation, add(45, mul(sub(depth, 1), KEY_BYTES))), key, KEY_BYTES)
                mstore(0x40, free)
            }
        }
        assembly ("memory-safe") {
            keys := create(0, add(creation, 32), mload(creation))
        }
        if (keys == address(0)) revert BatchVerifierKeysNotStored();
    }

    /// @dev The pairing of `pairCount` pairs at memory `input`. `threw`: the precompile refused an
    /// input, which, after a canary of the same length, can only be a point B that is not on the
    /// curve or not in the group.
    function _pairing(uint256 input, uint256 pairCount) private view returns (bool passed, bool threw) {
        uint256 allowance = PAIRING_BASE_GAS + pairCount * PAIRING_PER_PAIR_GAS;
        _requireGas(allowance);
        bool ok;
        assembly ("memory-safe") {
            ok := staticcall(allowance, 8, input, mul(pairCount, 192), 0, 32)
            passed := and(ok, eq(mload(0), 1))
        }
        if (!ok) {
            _canary(8, pairCount);
            threw = true;
        }
    }

    /// @dev Runs precompile `precompile` with its allowance on a known-valid input (for the pairing,
    /// `pairCount` points at infinity, priced as the call it checks) and reverts if that fails: the
    /// chain then prices it above the allowance, and nothing it refused can be called invalid.
    function _canary(uint256 precompile, uint256 pairCount) private view {
        uint256 allowance =
            precompile == 8 ? PAIRING_BASE_GAS + pairCount * PAIRING_PER_PAIR_GAS : EC_MUL_GAS;
        _requireGas(allowance);
        bool ok;
        assembly ("memory-safe") {
            let input := mload(0x40)
            switch precompile
            case 8 {
                calldatacopy(input, calldatasize(), mul(pairCount, 192))
                ok := staticcall(allowance, 8, input, mul(pairCount, 192), input, 32)
            }
            default {
                // The generator (1, 2) times 2.
                mstore(input, 1)
                mstore(add(input, 32), 2)
                mstore(add(input, 64), 2)
                ok := staticcall(allowance, 7, input, 96, input, 64)
            }
        }
        if (!ok) revert BatchVerifierAllowanceTooLow(precompile);
    }

    /// @dev Reverts unless a call given `allowance` gets all of it (EIP-150 keeps 1/64 back).
    function _requireGas(uint256 allowance) private view {
        uint256 needed = allowance + allowance / 63 + CALL_MARGIN_GAS;
        if (gasleft() < needed) revert BatchVerifierOutOfGas(gasleft(), needed);
    }

    /// @dev Gas given to each precompile call: (addition, multiplication, pairing base, pairing per
    /// pair). Twice the EIP-1108 prices: a precompile that fails (a point off the curve) burns all
    /// the gas it was given, so it must never be given all we have, or one forged proof would make
    /// the whole batch run out of gas instead of being skipped. A fork that prices one above its
    /// allowance makes {verifyBatch} revert ({_canary}); a test contract overrides this to show it.
    function _allowances() internal pure virtual returns (uint256, uint256, uint256, uint256) {
        return (300, 12_000, 90_000, 68_000);
    }

    function _writePair(
        uint256 input,
        uint256 index,
        uint256 g1x,
        uint256 g1y,
        uint256 g2x1,
        uint256 g2x2,
        uint256 g2y1,
        uint256 g2y2
    ) private pure {
        assembly ("memory-safe") {
            let at := add(input, mul(index, 192))
            mstore(at, g1x)
            mstore(add(at, 32), g1y)
            mstore(add(at, 64), g2x1)
            mstore(add(at, 96), g2x2)
            mstore(add(at, 128), g2y1)
            mstore(add(at, 160), g2y2)
        }
    }

    /// @dev Scalar multiplication of a point known to be on the curve.
    function _mul(uint256 x, uint256 y, uint256 scalar) private view returns (uint256 rx, uint256 ry) {
        uint256 allowance = EC_MUL_GAS;
        _requireGas(allowance);
        bool ok;
        assembly ("memory-safe") {
            let input := mload(0x40)
            mstore(input, x)
            mstore(add(input, 32), y)
            mstore(add(input, 64), scalar)
            ok := staticcall(allowance, 7, input, 96, input, 64)
            rx := mload(input)
            ry := mload(add(input, 32))
        }
        if (!ok) revert BatchVerifierAllowanceTooLow(7);
    }

    /// @dev Addition of points known to be on the curve.
    function _add(
        uint256 x1,
        uint256 y1,
        uint256 x2,
        uint256 y2
    ) private view returns (uint256 rx, uint256 ry) {
        uint256 allowance = EC_ADD_GAS;
        _requireGas(allowance);
        bool ok;
        assembly ("memory-safe") {
            let input := mload(0x40)
            mstore(input, x1)
            mstore(add(input, 32), y1)
            mstore(add(input, 64), x2)
            mstore(add(input, 96), y2)
            ok := staticcall(allowance, 6, input, 128, input, 64)
            rx := mload(input)
            ry := mload(add(input, 32))
        }
        if (!ok) revert BatchVerifierAllowanceTooLow(6);
    }

    function _zero(uint256[] memory array) private pure {
        assembly ("memory-safe") {
            calldatacopy(add(array, 32), calldatasize(), mul(mload(array), 32))
        }
    }

    /// @dev Words 7, 8, 9 at `run`: the sums of a test over its runs.
    function _setWords(uint256 run, uint256 weightSum, uint256 lx, uint256 ly) private pure {
        assembly ("memory-safe") {
            mstore(add(run, 224), weightSum)
            mstore(add(run, 256), lx)
            mstore(add(run, 288), ly)
        }
    }

    /// @dev Where the elements of a memory array start.
    function _data(uint256[] memory array) private pure returns (uint256 at) {
        assembly ("memory-safe") {
            at := add(array, 32)
        }
    }

    /// @dev Word `index` from memory `at`.
    function _word(uint256 at, uint256 index) private pure returns (uint256 value) {
        assembly ("memory-safe") {
            value := mload(add(at, mul(index, 32)))
        }
    }
}
