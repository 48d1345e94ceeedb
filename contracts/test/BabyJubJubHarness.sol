// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {BabyJubJub} from "../libraries/BabyJubJub.sol";

/// @notice BabyJubJub's functions as calls, for tests to compare with sdk/sealed.ts and to price.
contract BabyJubJubHarness {
    function isOnCurve(BabyJubJub.Point calldata p) external pure returns (bool) {
        return BabyJubJub.isOnCurve(p);
    }

    function isSubgroupPoint(BabyJubJub.Point calldata p) external view returns (bool) {
        return BabyJubJub.isSubgroupPoint(p);
    }

    function add(
        BabyJubJub.Point calldata p1,
        BabyJubJub.Point calldata p2
    ) external view returns (BabyJubJub.Point memory) {
        return BabyJubJub.add(p1, p2);
    }

    function mul(BabyJubJub.Point calldata p, uint256 k) external view returns (BabyJubJub.Point memory) {
        return BabyJubJub.mul(p, k);
    }

    function mulAdd(
        BabyJubJub.Point calldata p1,
        uint256 k1,
        BabyJubJub.Point calldata p2,
        uint256 k2
    ) external view returns (BabyJubJub.Point memory) {
        return BabyJubJub.mulAdd(p1, k1, p2, k2);
    }

    function verifyDleq(
        BabyJubJub.Point calldata key,
        BabyJubJub.Point calldata base,
        BabyJubJub.Point calldata share,
        uint256 challenge,
        uint256 response
    ) external view returns (bool) {
        return BabyJubJub.verifyDleq(key, base, share, challenge, response);
    }
}
