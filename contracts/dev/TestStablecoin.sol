// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title USDz: a stablecoin stand-in for local chains and tests. Anyone can mint: never deploy it
/// where its tokens could be mistaken for money.
contract TestStablecoin is ERC20 {
    constructor() ERC20("Test Zone Dollar", "USDz") {}

    /// @notice Mints `amount` to `to`.
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }
}
