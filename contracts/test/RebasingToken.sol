// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @dev Test-only rebasing token, as stETH or AMPL: an account holds shares, its balance is its shares
/// times a common index, so {rebase} changes every holder's balance in the same proportion without a
/// transfer. Anyone can mint and rebase.
contract RebasingToken is ERC20 {
    uint256 private constant ONE = 1e18;

    /// @notice The balance of one share, in units of 1e-18.
    uint256 public index = ONE;
    mapping(address account => uint256 shares) public sharesOf;
    uint256 private _totalShares;

    constructor() ERC20("Rebasing", "REB") {}

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    /// @notice Every balance becomes balance × numerator / denominator.
    function rebase(uint256 numerator, uint256 denominator) external {
        index = (index * numerator) / denominator;
    }

    function balanceOf(address account) public view override returns (uint256) {
        return (sharesOf[account] * index) / ONE;
    }

    function totalSupply() public view override returns (uint256) {
        return (_totalShares * index) / ONE;
    }

    function _update(address from, address to, uint256 value) internal override {
        uint256 shares = (value * ONE) / index;
        if (from == address(0)) {
            _totalShares += shares;
        } else {
            uint256 held = sharesOf[from];
            if (held < shares) revert ERC20InsufficientBalance(from, balanceOf(from), value);
            sharesOf[from] = held - shares;
        }
        if (to == address(0)) {
            _totalShares -= shares;
        } else {
            sharesOf[to] += shares;
        }
        emit Transfer(from, to, value);
    }
}
