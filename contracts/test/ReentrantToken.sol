// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @dev Test-only hostile token: on transfer or transferFrom it calls `target` with `payload` (for
/// instance the trade contract's acceptOffer again, or a zone's execute) and records whether that
/// re-entry succeeded.
contract ReentrantToken is ERC20 {
    address private _target;
    bytes private _payload;
    bool public reentered;
    bool public reentrySucceeded;

    constructor() ERC20("Hostile", "HOST") {}

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    function arm(address target, bytes calldata payload) external {
        _target = target;
        _payload = payload;
    }

    function _update(address from, address to, uint256 value) internal override {
        super._update(from, to, value);
        if (_target != address(0) && !reentered) {
            reentered = true;
            (reentrySucceeded, ) = _target.call(_payload);
        }
    }
}
