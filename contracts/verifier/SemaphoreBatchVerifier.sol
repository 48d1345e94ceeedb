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
/// L_i = IC0 + sum_j x_ij IC_j for its depth d. With random weights r_i the batch checks
///   prod_i e(-r_i A_i, B_i) . e((sum r_i) alpha, beta) . e(sum_i r_i L_i, gamma) . prod_d e(sum r_i C_i, delta_d) = 1,
/// folding the public inputs into 5 scalar multiplications per depth. The weights come from a hash
/// of the whole batch, so a submitter cannot pick proofs after seeing them; a batch of invalid
/// proofs passes with probability about 1/r. The caller must check that public inputs are below r
/// (done here) and handle a failed batch by checking proofs alone (see {verifyEach}).
contract SemaphoreBatchVerifier {
    // BN254 scalar field and base field.
    uint256 internal constant R =
        21888242871839275222246405745257275088548364400416034343698204186575808495617;
    uint256 internal constant Q =
        21888242871839275222246405745257275088696311157297823662689037894645226208583;

    // Gas given to each precompile call, twice the EIP-1108 prices: a precompile that fails (a point
    // off the curve) burns all the gas it was given, so it must never be given all we have, or one
    // forged proof would make the whole batch run out of gas instead of being skipped.
    uint256 internal constant EC_ADD_GAS = 300;
    uint256 internal constant EC_MUL_GAS = 12_000;
    uint256 internal constant PAIRING_BASE_GAS = 90_000;
    uint256 internal constant PAIRING_PER_PAIR_GAS = 68_000;

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

    /// @notice Whether every proof in `packed` (WORDS_PER_PROOF words each) is valid, checked together.
    function verifyBatch(uint256[] calldata packed) external view returns (bool) {
        return _verify(packed, keccak256(abi.encodePacked(packed)));
    }

    /// @notice Each proof checked alone: what a caller falls back to when a batch fails.
    function verifyEach(uint256[] calldata packed) external view returns (bool[] memory valid) {
        uint256 n = packed.length / WORDS_PER_PROOF;
        valid = new bool[](n);
        for (uint256 i = 0; i < n; ++i) {
            uint256[] calldata one = packed[i * WORDS_PER_PROOF:(i + 1) * WORDS_PER_PROOF];
            valid[i] = _verify(one, keccak256(abi.encodePacked(one)));
        }
    }

    /// @dev `seed` is a hash of everything being checked: the weights cannot be known before the proofs.
    function _verify(uint256[] calldata packed, bytes32 seed) private view returns (bool) {
        if (packed.length % WORDS_PER_PROOF != 0) return false;
        uint256 n = packed.length / WORDS_PER_PROOF;
        if (n == 0) return true;
        uint256[] memory pairs = new uint256[]((n + 2 + MAX_DEPTH) * 6);
        // Per depth (index 1..32), 8 words: weighted sum of C (x, y), the 5 IC weights, a seen flag.
        uint256[] memory sums = new uint256[]((uint256(MAX_DEPTH) + 1) * 8);
        (bool valid, uint256 weightSum) = _foldProofs(packed, n, seed, pairs, sums);
        if (!valid) return false;
        uint256 pairCount = n;
        (bool success, uint256 lx, uint256 ly) = (true, 0, 0);
        for (uint256 depth = MIN_DEPTH; depth <= MAX_DEPTH; ++depth) {
            uint256 at = depth * 8;
            if (sums[at + 7] == 0) continue;
            uint256[14] memory key = SemaphoreVerifierKeyPts.getPts(depth);
            for (uint256 k = 0; k < 5; ++k) {
                (bool ok, uint256 px, uint256 py) = _mul(key[4 + 2 * k], key[5 + 2 * k], sums[at + 2 + k]);
                (bool added, uint256 sx, uint256 sy) = _add(lx, ly, px, py);
                (success, lx, ly) = (success && ok && added, sx, sy);
            }
            _writePair(pairs, pairCount++, sums[at], sums[at + 1], key[0], key[1], key[2], key[3]);
        }
        (bool alphaOk, uint256 wx, uint256 wy) = _mul(ALPHA_X, ALPHA_Y, weightSum);
        if (!success || !alphaOk) return false;
        _writePair(pairs, pairCount++, wx, wy, BETA_X1, BETA_X2, BETA_Y1, BETA_Y2);
        _writePair(pairs, pairCount++, lx, ly, GAMMA_X1, GAMMA_X2, GAMMA_Y1, GAMMA_Y2);
        return _pairingIsOne(pairs, pairCount);
    }

    /// @dev The per-proof work, in assembly because it runs 64 times a batch: checks the inputs,
    /// writes the pair (-w A, B), adds w C to its depth's sum and w, w x_j to its IC weights.
    function _foldProofs(
        uint256[] calldata packed,
        uint256 n,
        bytes32 seed,
        uint256[] memory pairs,
        uint256[] memory sums
    ) private view returns (bool valid, uint256 weightSum) {
        assembly ("memory-safe") {
            valid := 1
            let scratch := mload(0x40)
            for {
                let i := 0
            } lt(i, n) {
                i := add(i, 1)
            } {
                let proof := add(packed.offset, mul(i, 416))
                let depth := calldataload(add(proof, 384))
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
                    valid := 0
                    break
                }
                mstore(0, seed)
                mstore(32, i)
                let weight := mod(keccak256(0, 64), R)
                weightSum := addmod(weightSum, weight, R)

                // Pair i: (-w A, B).
                mstore(scratch, calldataload(proof))
                mstore(add(scratch, 32), calldataload(add(proof, 32)))
                mstore(add(scratch, 64), weight)
                let pair := add(add(pairs, 32), mul(i, 192))
                if iszero(staticcall(EC_MUL_GAS, 7, scratch, 96, pair, 64)) {
                    valid := 0
                    break
                }
                mstore(add(pair, 32), mod(sub(Q, mload(add(pair, 32))), Q))
                calldatacopy(add(pair, 64), add(proof, 64), 128)

                // This depth's sum of w C.
                let sum := add(add(sums, 32), mul(depth, 256))
                mstore(scratch, calldataload(add(proof, 192)))
                mstore(add(scratch, 32), calldataload(add(proof, 224)))
                mstore(add(scratch, 64), weight)
                if iszero(staticcall(EC_MUL_GAS, 7, scratch, 96, add(scratch, 64), 64)) {
                    valid := 0
                    break
                }
                mstore(scratch, mload(sum))
                mstore(add(scratch, 32), mload(add(sum, 32)))
                if iszero(staticcall(EC_ADD_GAS, 6, scratch, 128, sum, 64)) {
                    valid := 0
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
    }

    function _writePair(
        uint256[] memory pairs,
        uint256 index,
        uint256 g1x,
        uint256 g1y,
        uint256 g2x1,
        uint256 g2x2,
        uint256 g2y1,
        uint256 g2y2
    ) private pure {
        uint256 offset = index * 6;
        pairs[offset] = g1x;
        pairs[offset + 1] = g1y;
        pairs[offset + 2] = g2x1;
        pairs[offset + 3] = g2x2;
        pairs[offset + 4] = g2y1;
        pairs[offset + 5] = g2y2;
    }

    function _mul(
        uint256 x,
        uint256 y,
        uint256 scalar
    ) private view returns (bool ok, uint256 rx, uint256 ry) {
        assembly ("memory-safe") {
            let input := mload(0x40)
            mstore(input, x)
            mstore(add(input, 32), y)
            mstore(add(input, 64), scalar)
            ok := staticcall(EC_MUL_GAS, 7, input, 96, input, 64)
            rx := mload(input)
            ry := mload(add(input, 32))
        }
    }

    function _add(
        uint256 x1,
        uint256 y1,
        uint256 x2,
        uint256 y2
    ) private view returns (bool ok, uint256 rx, uint256 ry) {
        assembly ("memory-safe") {
            let input := mload(0x40)
            mstore(input, x1)
            mstore(add(input, 32), y1)
            mstore(add(input, 64), x2)
            mstore(add(input, 96), y2)
            ok := staticcall(EC_ADD_GAS, 6, input, 128, input, 64)
            rx := mload(input)
            ry := mload(add(input, 32))
        }
    }

    function _pairingIsOne(uint256[] memory pairs, uint256 pairCount) private view returns (bool result) {
        assembly ("memory-safe") {
            let ok := staticcall(
                add(PAIRING_BASE_GAS, mul(pairCount, PAIRING_PER_PAIR_GAS)),
                8,
                add(pairs, 32),
                mul(pairCount, 192),
                0,
                32
            )
            result := and(ok, mload(0))
        }
    }
}
