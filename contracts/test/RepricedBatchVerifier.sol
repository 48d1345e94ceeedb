// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {SemaphoreBatchVerifier} from "../verifier/SemaphoreBatchVerifier.sol";

// The batch verifier on a chain that prices one precompile above the allowance the verifier gives
// it, as a fork's repricing would do to the deployed one: the real allowances, with that one below
// its EIP-1108 price. (One contract each: the base constructor reads the allowances before a
// derived constructor could set anything.)

/// @notice The addition (precompile 6) priced above its allowance.
contract RepricedAdditionVerifier is SemaphoreBatchVerifier {
    function _allowances() internal pure override returns (uint256, uint256, uint256, uint256) {
        (, uint256 ecMul, uint256 pairingBase, uint256 perPair) = super._allowances();
        return (100, ecMul, pairingBase, perPair);
    }
}

/// @notice The multiplication (precompile 7) priced above its allowance.
contract RepricedMultiplicationVerifier is SemaphoreBatchVerifier {
    function _allowances() internal pure override returns (uint256, uint256, uint256, uint256) {
        (uint256 ecAdd, , uint256 pairingBase, uint256 perPair) = super._allowances();
        return (ecAdd, 5_000, pairingBase, perPair);
    }
}

/// @notice The pairing (precompile 8) priced above its allowance.
contract RepricedPairingVerifier is SemaphoreBatchVerifier {
    function _allowances() internal pure override returns (uint256, uint256, uint256, uint256) {
        (uint256 ecAdd, uint256 ecMul, , ) = super._allowances();
        return (ecAdd, ecMul, 40_000, 30_000);
    }
}
