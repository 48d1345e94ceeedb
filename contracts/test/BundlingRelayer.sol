// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IZone} from "../interfaces/IZone.sol";

/// @dev Test-only attacker: a relayer contract that makes several zone calls in one transaction,
/// where its credit's storage slot was already written (by a claim, or by an earlier batch) and
/// the next write costs 100 gas, not the 20,000 or 2,900 of a fresh transaction (or 20,000 less the
/// 19,900 refund a claim earned by zeroing a slot the transaction created). It measures what each
/// `castVotes` call cost it, to compare with what the zone credits.
contract BundlingRelayer {
    IZone private immutable ZONE;

    /// @notice Gas each `castVotes` call of the last transaction cost this contract, in order.
    uint256[] public callGas;

    constructor(IZone zone) {
        ZONE = zone;
    }

    /// @notice Submits each batch in turn, claiming the credit first before batch `i` if
    /// `claimBefore[i]`.
    function castBatches(IZone.Vote[][] calldata batches, bool[] calldata claimBefore) external {
        delete callGas;
        for (uint256 i = 0; i < batches.length; ++i) {
            if (claimBefore[i]) ZONE.claimRelayerRefund();
            uint256 gasBefore = gasleft();
            ZONE.castVotes(batches[i]);
            callGas.push(gasBefore - gasleft());
        }
    }

    /// @notice How many `castVotes` calls the last transaction made.
    function callCount() external view returns (uint256) {
        return callGas.length;
    }

    // Takes the refund the claim pays.
    receive() external payable {}
}
