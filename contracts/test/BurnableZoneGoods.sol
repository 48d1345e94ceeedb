// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IZoneFactory} from "../interfaces/IZoneFactory.sol";
import {ZoneGoods} from "../economy/ZoneGoods.sol";

/// @dev Test-only ZoneGoods with a free mint and a burn (the real one has neither), to show that the
/// domestic reserve binds every path that takes goods out of a zone, a burn included.
contract BurnableZoneGoods is ZoneGoods {
    constructor(IZoneFactory factory) ZoneGoods(factory) {}

    function mint(address to, uint256 id, uint256 amount) external {
        _mint(to, id, amount, "");
    }

    function burn(address from, uint256 id, uint256 amount) external {
        _burn(from, id, amount);
    }
}
