// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @dev Test-only token that burns `feeBps` of every transfer between accounts: the sender pays the
/// amount asked, the recipient gets the rest. Anyone can mint and change the fee.
contract FeeOnTransferToken is ERC20 {
    uint256 private constant BPS = 10_000;

    uint256 public feeBps;

    constructor(uint256 initialFeeBps) ERC20("Taxed", "TAX") {
        feeBps = initialFeeBps;
    }

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    function setFee(uint256 newFeeBps) external {
        feeBps = newFeeBps;
    }

    function _update(address from, address to, uint256 value) internal override {
        if (from == address(0) || to == address(0)) return super._update(from, to, value);
        uint256 fee = (value * feeBps) / BPS;
        super._update(from, address(0), fee);
        super._update(from, to, value - fee);
    }
}
