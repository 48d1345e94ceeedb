// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ZoneScopes} from "./ZoneScopes.sol";

/// @title BabyJubJub arithmetic and the Chaum-Pedersen check of sealed ballots' tallies
/// (the on-chain side of sdk/sealed.ts).
/// @dev Sealed ballots are exponential ElGamal ciphertexts on BabyJubJub (EIP-2494), generator
/// Base8. Contracts add them up (`add`) and check each teller's partial decryption of the sums
/// (`verifyDleq`) before any tally is opened. Points are affine (x, y); arithmetic runs in extended
/// coordinates (X, Y, Z, T), whose unified addition is complete on this curve (a is a square, d is
/// not), so no case is special, and a result is converted back with one inversion.
library BabyJubJub {
    /// @dev The base field: BN254's scalar field.
    uint256 internal constant Q = ZoneScopes.SNARK_SCALAR_FIELD;
    /// @dev The order of the prime-order subgroup that Base8 spans (l).
    uint256 internal constant ORDER =
        2736030358979909402780800718157159386076813972158567259200215660948447373041;
    uint256 internal constant A = 168700;
    uint256 internal constant D = 168696;
    uint256 internal constant GX =
        5299619240641551281634865583518297030282874472190772894086521144482721001553;
    uint256 internal constant GY =
        16950150798460657717958625567821834550301663161624707787222815936182638968203;

    /// @dev Domain of the Chaum-Pedersen challenge (sdk/sealed.ts DLEQ_TAG).
    bytes internal constant DLEQ_TAG = "zonedao.sealed.dleq.v1";

    struct Point {
        uint256 x;
        uint256 y;
    }

    /// @notice Whether p is on the curve with coordinates in the field.
    function isOnCurve(Point memory p) internal pure returns (bool) {
        if (p.x >= Q || p.y >= Q) return false;
        uint256 xx = mulmod(p.x, p.x, Q);
        uint256 yy = mulmod(p.y, p.y, Q);
        // a·x² + y² = 1 + d·x²·y²
        return addmod(mulmod(A, xx, Q), yy, Q) == addmod(1, mulmod(D, mulmod(xx, yy, Q), Q), Q);
    }

    /// @notice Whether p is in the prime-order subgroup (on the curve, and l·p is the neutral element).
    /// @dev About the price of one scalar multiplication. Needed for a value a prover chose: a point
    /// with a small-order part would let a forged Chaum-Pedersen proof pass by grinding its challenge.
    function isSubgroupPoint(Point memory p) internal view returns (bool) {
        if (!isOnCurve(p)) return false;
        Point memory lp = add(mul(p, ORDER - 1), p);
        return lp.x == 0 && lp.y == 1;
    }

    /// @notice p1 + p2 (points on the curve).
    function add(Point memory p1, Point memory p2) internal view returns (Point memory) {
        uint256[4] memory sum = [p1.x, p1.y, 1, mulmod(p1.x, p1.y, Q)];
        addInto(sum, [p2.x, p2.y, 1, mulmod(p2.x, p2.y, Q)]);
        return _affine(sum[0], sum[1], sum[2]);
    }

    /// @notice -p.
    function negate(Point memory p) internal pure returns (Point memory) {
        return Point(p.x == 0 ? 0 : Q - p.x, p.y);
    }

    /// @notice k·p.
    function mul(Point memory p, uint256 k) internal view returns (Point memory) {
        return mulAdd(p, k, Point(0, 1), 0);
    }

    /// @notice k1·p1 + k2·p2, in one double-and-add over both scalars (Straus-Shamir): one doubling
    /// per bit for the two products together.
    function mulAdd(
        Point memory p1,
        uint256 k1,
        Point memory p2,
        uint256 k2
    ) internal view returns (Point memory) {
        // What a step adds, by its two bits (k1's + 2·k2's): nothing, p1, p2 or p1 + p2.
        uint256[4][4] memory addends;
        addends[1] = [p1.x, p1.y, 1, mulmod(p1.x, p1.y, Q)];
        addends[2] = [p2.x, p2.y, 1, mulmod(p2.x, p2.y, Q)];
        addends[3] = [p1.x, p1.y, 1, addends[1][3]];
        addInto(addends[3], addends[2]);
        uint256[4] memory acc = [uint256(0), 1, 1, 0];
        // Both scalars are below ORDER < 2^252: 252 steps, from the top bit.
        for (uint256 bit = 252; bit > 0;) {
            unchecked {
                --bit;
            }
            addInto(acc, acc);
            uint256 pick = ((k1 >> bit) & 1) | (((k2 >> bit) & 1) << 1);
            if (pick != 0) addInto(acc, addends[pick]);
        }
        return _affine(acc[0], acc[1], acc[2]);
    }

    /// @notice Whether (challenge, response) proves log_G(key) = log_base(share): the check of a
    /// teller's partial decryption share = x·base against its share key = x·G.
    /// @dev With c the challenge and s the response, the prover's commitments are s·G - c·key and
    /// s·base - c·share, and c must be their hash (sdk/sealed.ts dleqChallenge). The caller checks
    /// that share is in the subgroup; key and base come from the chain's own records.
    function verifyDleq(
        Point memory key,
        Point memory base,
        Point memory share,
        uint256 challenge,
        uint256 response
    ) internal view returns (bool) {
        if (challenge >= ORDER || response >= ORDER) return false;
        Point memory g = Point(GX, GY);
        uint256 minusC = ORDER - challenge;
        Point memory keyCommitment = mulAdd(g, response, key, minusC);
        Point memory shareCommitment = mulAdd(base, response, share, minusC);
        bytes memory packed = abi.encodePacked(
            DLEQ_TAG,
            [GX, GY, key.x, key.y, base.x, base.y, share.x, share.y],
            [keyCommitment.x, keyCommitment.y, shareCommitment.x, shareCommitment.y]
        );
        return uint256(keccak256(packed)) % ORDER == challenge;
    }

    /// @notice p in extended coordinates (X, Y, Z, T), for sums of many points with {addInto} and
    /// one inversion at the end ({toAffine}).
    function toExtended(Point memory p) internal pure returns (uint256[4] memory) {
        return [p.x, p.y, 1, mulmod(p.x, p.y, Q)];
    }

    /// @notice The affine point of extended coordinates `e`.
    function toAffine(uint256[4] memory e) internal view returns (Point memory) {
        return _affine(e[0], e[1], e[2]);
    }

    /// @notice 1/k mod ORDER (k not 0 mod ORDER): the scalars' inverse, for Lagrange coefficients.
    function invertScalar(uint256 k) internal view returns (uint256) {
        return _modExp(k, ORDER - 2, ORDER);
    }

    /// @notice acc += (x, y), an affine point on the curve, in place: {addInto} with Z = 1 and T = x·y,
    /// with no memory allocated (a batch of ballots adds thousands of points).
    function addAffineInto(uint256[4] memory acc, uint256 x, uint256 y) internal pure {
        _addInto(acc, x, y, 1, mulmod(x, y, Q));
    }

    /// @notice acc += p (both (X, Y, Z, T)), in place. acc and p may be the same array (a doubling).
    /// In place, because a new array per step would cost the memory of hundreds of them in a scalar
    /// multiplication.
    function addInto(uint256[4] memory acc, uint256[4] memory p) internal pure {
        _addInto(acc, p[0], p[1], p[2], p[3]);
    }

    /// @dev acc += (x2, y2, z2, t2): Hisil-Wong-Carter-Dawson unified addition (add-2008-hwcd),
    /// complete on BabyJubJub. The addend comes by value, so it may be acc itself.
    function _addInto(uint256[4] memory acc, uint256 x2, uint256 y2, uint256 z2, uint256 t2) private pure {
        uint256 a = mulmod(acc[0], x2, Q);
        uint256 b = mulmod(acc[1], y2, Q);
        uint256 c = mulmod(mulmod(D, acc[3], Q), t2, Q);
        uint256 d = mulmod(acc[2], z2, Q);
        // e = (x1 + y1)(x2 + y2) - a - b
        uint256 e = addmod(mulmod(addmod(acc[0], acc[1], Q), addmod(x2, y2, Q), Q), Q - addmod(a, b, Q), Q);
        uint256 f = addmod(d, Q - c, Q);
        uint256 g = addmod(d, c, Q);
        uint256 h = addmod(b, Q - mulmod(A, a, Q), Q);
        (acc[0], acc[1], acc[2], acc[3]) = (
            mulmod(e, f, Q),
            mulmod(g, h, Q),
            mulmod(f, g, Q),
            mulmod(e, h, Q)
        );
    }

    /// @dev (X/Z, Y/Z), the inverse by the modexp precompile (Fermat: Z^(Q-2)).
    function _affine(uint256 x, uint256 y, uint256 z) private view returns (Point memory) {
        uint256 inverse = _modExp(z, Q - 2, Q);
        return Point(mulmod(x, inverse, Q), mulmod(y, inverse, Q));
    }

    function _modExp(uint256 base, uint256 exponent, uint256 modulus) private view returns (uint256 result) {
        bytes memory input = abi.encode(32, 32, 32, base, exponent, modulus);
        (bool ok, bytes memory output) = address(0x05).staticcall(input);
        if (!ok || output.length != 32) revert ModExpFailed();
        result = abi.decode(output, (uint256));
    }

    error ModExpFailed();
}
