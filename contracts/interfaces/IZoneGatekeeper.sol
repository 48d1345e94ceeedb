// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title A zone's pluggable admission test: one call that says yes or no for a newcomer.
/// @notice A zone names its gatekeeper by vote ({ZoneAdmissions.setAdmissionRules}); anyone may then
/// ask {ZoneAdmissions.requestByGatekeeper} to admit an identity commitment with `evidence` the
/// gatekeeper understands. A yes makes the admission pending, like any admission not decided by the
/// zone's vote: the citizens can still reject it during the admission delay.
interface IZoneGatekeeper {
    /// @notice Whether `identityCommitment` may join `zone` on the strength of `evidence`. May record
    /// what the evidence used up (a nullifier), so it should only accept calls from the admissions
    /// contract.
    function admits(
        address zone,
        uint256 identityCommitment,
        bytes calldata evidence
    ) external returns (bool);
}
