// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ZoneScopes} from "../libraries/ZoneScopes.sol";

/// @title Verifies batches of sealed ballot proofs (circuits/src/sealed-ballot.circom) with one
/// pairing each plus three shared ones, against the verification key its ceremony made.
/// @dev Each proof i (points A_i, B_i, C_i; public signals x_i) satisfies
///   e(A_i, B_i) = e(alpha, beta) e(L_i, gamma) e(C_i, delta), L_i = IC_0 + sum_j x_ij IC_j.
/// With random weights w_i a batch is tested with one pairing:
///   prod_i e(-w_i A_i, B_i) . e((sum w_i) alpha, beta) . e(sum w_i L_i, gamma) . e(sum w_i C_i, delta) = 1,
/// where sum w_i L_i = (sum w_i) IC_0 + sum_j (sum_i w_i x_ij) IC_j: the public signals fold into one
/// scalar multiplication per signal for the whole batch. The weights hash the whole batch, so no
/// one picks a proof after seeing them; an invalid proof passes with probability about 1/r. If the
/// batch fails, each proof is tested alone, so that the valid ones still count: whoever sends a
/// batch with an invalid proof pays for those tests (a relayer checks proofs before sending).
///
/// The key is not compiled in: the same code serves the development key (tests) and a ceremony's
/// key, which production deployment checks was made by several parties (circuits/ceremony.ts). It is
/// kept as the code of a contract the constructor creates, read whole with one extcodecopy.
contract SealedBallotVerifier {
    /// @notice The key is not alpha (2 words), beta, gamma, delta (4 each) and IC_0..IC_n (2 each).
    error SealedVerifierMalformedKey(uint256 words);
    /// @notice `packed` is not a whole number of proofs of PROOF_WORDS words.
    error SealedVerifierMalformedInput(uint256 length);
    /// @notice A precompile would get less than its EIP-1108 price: the transaction needs more gas.
    /// (A starved precompile fails as a point off the curve does, and must never be taken for one,
    /// or whoever sends a batch could have valid ballots refused by giving it too little gas.)
    error SealedVerifierOutOfGas(uint256 gasLeft, uint256 gasNeeded);

    // BN254 scalar field (public signals, weights) and base field (coordinates).
    uint256 internal constant R = ZoneScopes.SNARK_SCALAR_FIELD;
    uint256 internal constant Q = ZoneScopes.BASE_FIELD;

    /// @notice Public signals per proof (the circuit's outputs, then its public inputs).
    uint256 public immutable PUBLIC_SIGNALS;
    /// @notice Words per proof in `packed`: the 8 proof words (packed as Semaphore packs them: A,
    /// B with each coordinate's halves swapped, C), then the public signals.
    uint256 public immutable PROOF_WORDS;
    address internal immutable KEY;
    // EIP-1108 prices, and what a call needs beyond a price for the price to reach the precompile
    // whole (the 1/64 a call keeps back is added on top).
    uint256 internal constant EC_ADD_GAS = 150;
    uint256 internal constant EC_MUL_GAS = 6_000;
    uint256 internal constant PAIRING_BASE_GAS = 45_000;
    uint256 internal constant PAIRING_PER_PAIR_GAS = 34_000;
    uint256 internal constant CALL_MARGIN_GAS = 400;
    uint256 internal immutable KEY_BYTES;

    /// @param key alpha1 (x, y), beta2, gamma2, delta2 (x_im, x_re, y_im, y_re each, as the pairing
    /// precompile takes G2 points), then IC_0..IC_n (x, y): sdk/sealed.ts `verifierKeyWords`.
    constructor(uint256[] memory key) {
        if (key.length < 18 || key.length % 2 != 0) revert SealedVerifierMalformedKey(key.length);
        PUBLIC_SIGNALS = (key.length - 14) / 2 - 1;
        PROOF_WORDS = 8 + PUBLIC_SIGNALS;
        // A contract whose code is a STOP byte, then the key: calling it does nothing.
        bytes memory code = abi.encodePacked(bytes1(0x00), key);
        bytes memory creation = abi.encodePacked(
            // PUSH2 len, DUP1, PUSH1 0x0c (this prefix's length), PUSH1 0, CODECOPY, PUSH1 0, RETURN.
            hex"61",
            uint16(code.length),
            hex"80600c6000396000f3",
            code
        );
        address keyHolder;
        assembly ("memory-safe") {
            keyHolder := create(0, add(creation, 0x20), mload(creation))
        }
        require(keyHolder != address(0), SealedVerifierMalformedKey(key.length));
        KEY = keyHolder;
        KEY_BYTES = key.length * 32;
    }

    /// @notice Which of the proofs in `packed` (PROOF_WORDS words each) are valid.
    function verifyBatch(uint256[] calldata packed) external view returns (bool[] memory valid) {
        if (packed.length % PROOF_WORDS != 0) revert SealedVerifierMalformedInput(packed.length);
        uint256 count = packed.length / PROOF_WORDS;
        valid = new bool[](count);
        if (count == 0) return valid;
        uint256[] memory key = _key();
        uint256 seed = uint256(keccak256(abi.encodePacked(packed)));
        if (_test(key, packed, 0, count, seed)) {
            for (uint256 i = 0; i < count; ++i) valid[i] = true;
            return valid;
        }
        for (uint256 i = 0; i < count; ++i) valid[i] = _test(key, packed, i, 1, seed);
    }

    /// @notice The verification key this verifier checks with, in the constructor's layout, so that an
    /// off-chain checker (the audit) can verify the same proofs independently of this code.
    function verificationKey() external view returns (uint256[] memory) {
        return _key();
    }

    /// @dev Whether the `count` proofs from `first` pass together (one alone: weight 1 is as good).
    function _test(
        uint256[] memory key,
        uint256[] calldata packed,
        uint256 first,
        uint256 count,
        uint256 seed
    ) private view returns (bool) {
        uint256 signals = PUBLIC_SIGNALS;
        // The pairing input: a pair (G1, G2) per proof, then (alpha, beta), (L, gamma), (C, delta).
        uint256[] memory pairs = new uint256[](6 * (count + 3));
        uint256[] memory foldedSignals = new uint256[](signals);
        uint256 weightSum;
        uint256[2] memory cSum; // the neutral element: (0, 0) for the precompiles
        for (uint256 k = 0; k < count; ++k) {
            uint256 at = (first + k) * PROOF_WORDS;
            uint256 weight = count == 1 ? 1 : (uint256(keccak256(abi.encode(seed, first + k))) % (R - 1)) + 1;
            for (uint256 j = 0; j < signals; ++j) {
                uint256 signal = packed[at + 8 + j];
                if (signal >= R) return false;
                foldedSignals[j] = addmod(foldedSignals[j], mulmod(weight, signal, R), R);
            }
            weightSum = addmod(weightSum, weight, R);
            // -w A: (x, y) times w, then y negated.
            (bool ok, uint256 ax, uint256 ay) = _mul(packed[at], packed[at + 1], weight);
            if (!ok) return false;
            uint256 base = 6 * k;
            pairs[base] = ax;
            pairs[base + 1] = ay == 0 ? 0 : Q - ay;
            for (uint256 w = 0; w < 4; ++w) pairs[base + 2 + w] = packed[at + 2 + w];
            (bool okC, uint256 cx, uint256 cy) = _mul(packed[at + 6], packed[at + 7], weight);
            if (!okC) return false;
            (ok, cSum[0], cSum[1]) = _add(cSum[0], cSum[1], cx, cy);
            if (!ok) return false;
        }
        return _finish(key, pairs, count, foldedSignals, weightSum, cSum);
    }

    /// @dev Adds the three shared pairs and runs the pairing.
    function _finish(
        uint256[] memory key,
        uint256[] memory pairs,
        uint256 count,
        uint256[] memory foldedSignals,
        uint256 weightSum,
        uint256[2] memory cSum
    ) private view returns (bool) {
        // (sum w) alpha with beta.
        (bool ok, uint256 x, uint256 y) = _mul(key[0], key[1], weightSum);
        if (!ok) return false;
        uint256 base = 6 * count;
        _setPair(pairs, base, x, y, key, 2);
        // sum w L = (sum w) IC_0 + sum_j folded_j IC_j, with gamma.
        (ok, x, y) = _mul(key[14], key[15], weightSum);
        if (!ok) return false;
        for (uint256 j = 0; j < foldedSignals.length; ++j) {
            (bool okMul, uint256 px, uint256 py) = _mul(key[16 + 2 * j], key[17 + 2 * j], foldedSignals[j]);
            if (!okMul) return false;
            (ok, x, y) = _add(x, y, px, py);
            if (!ok) return false;
        }
        _setPair(pairs, base + 6, x, y, key, 6);
        // sum w C with delta.
        _setPair(pairs, base + 12, cSum[0], cSum[1], key, 10);
        uint256[1] memory result;
        _needGas(PAIRING_BASE_GAS + PAIRING_PER_PAIR_GAS * (count + 3));
        assembly ("memory-safe") {
            ok := staticcall(gas(), 0x08, add(pairs, 0x20), mul(mload(pairs), 0x20), result, 0x20)
        }
        return ok && result[0] == 1;
    }

    function _setPair(
        uint256[] memory pairs,
        uint256 at,
        uint256 x,
        uint256 y,
        uint256[] memory key,
        uint256 g2
    ) private pure {
        pairs[at] = x;
        pairs[at + 1] = y;
        for (uint256 w = 0; w < 4; ++w) pairs[at + 2 + w] = key[g2 + w];
    }

    function _key() private view returns (uint256[] memory key) {
        uint256 bytes_ = KEY_BYTES;
        address holder = KEY;
        key = new uint256[](bytes_ / 32);
        assembly ("memory-safe") {
            extcodecopy(holder, add(key, 0x20), 1, bytes_)
        }
    }

    /// @dev s·(x, y) by the ecMul precompile; ok is false for a point off the curve.
    function _mul(uint256 x, uint256 y, uint256 s) private view returns (bool ok, uint256 rx, uint256 ry) {
        uint256[3] memory input = [x, y, s];
        uint256[2] memory output;
        _needGas(EC_MUL_GAS);
        assembly ("memory-safe") {
            ok := staticcall(gas(), 0x07, input, 0x60, output, 0x40)
        }
        return (ok, output[0], output[1]);
    }

    /// @dev (x1, y1) + (x2, y2) by the ecAdd precompile.
    function _add(
        uint256 x1,
        uint256 y1,
        uint256 x2,
        uint256 y2
    ) private view returns (bool ok, uint256 rx, uint256 ry) {
        uint256[4] memory input = [x1, y1, x2, y2];
        uint256[2] memory output;
        _needGas(EC_ADD_GAS);
        assembly ("memory-safe") {
            ok := staticcall(gas(), 0x06, input, 0x80, output, 0x40)
        }
        return (ok, output[0], output[1]);
    }

    /// @dev Reverts unless a call now would pass at least `price` to a precompile.
    function _needGas(uint256 price) private view {
        uint256 needed = price + price / 63 + CALL_MARGIN_GAS;
        if (gasleft() < needed) revert SealedVerifierOutOfGas(gasleft(), needed);
    }
}
