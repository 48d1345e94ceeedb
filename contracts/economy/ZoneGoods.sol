// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ERC1155} from "@openzeppelin/contracts/token/ERC1155/ERC1155.sol";
import {IZone} from "../interfaces/IZone.sol";
import {IZoneFactory} from "../interfaces/IZoneFactory.sol";

/// @title Zone goods: what internal DAOs produce, as ERC-1155 tokens held by their zone.
/// @notice A good's id names its producer, so only that internal DAO can ever mint it, and what it
/// mints goes to its parent zone: no one can mint goods for another zone.
contract ZoneGoods is ERC1155 {
    error GoodsProducerIsNotAnInternalDao(address caller);

    event GoodsProduced(
        address indexed producer,
        address indexed zone,
        uint256 indexed goodsId,
        string product,
        uint256 amount,
        uint256 proposalId
    );

    IZoneFactory public immutable FACTORY;

    /// @notice The internal DAO that produces each good, and the product's name.
    mapping(uint256 goodsId => address producer) public producerOf;
    mapping(uint256 goodsId => string product) public productOf;

    constructor(IZoneFactory factory) ERC1155("") {
        FACTORY = factory;
    }

    /// @notice The id of `producer`'s `product`.
    function goodsId(address producer, string memory product) public pure returns (uint256) {
        return uint256(keccak256(abi.encode(producer, product)));
    }

    /// @notice Records `amount` of `product` made by the calling internal DAO, held by its parent zone.
    /// @dev The internal DAO calls this while executing a passed proposal of its own.
    function produce(string calldata product, uint256 amount) external returns (uint256 id) {
        if (!FACTORY.isZone(msg.sender)) revert GoodsProducerIsNotAnInternalDao(msg.sender);
        address zone = IZone(msg.sender).parentZone();
        uint256 proposalId = IZone(msg.sender).executingProposal();
        if (zone == address(0) || proposalId == 0) revert GoodsProducerIsNotAnInternalDao(msg.sender);
        id = goodsId(msg.sender, product);
        if (producerOf[id] == address(0)) {
            producerOf[id] = msg.sender;
            productOf[id] = product;
        }
        emit GoodsProduced(msg.sender, zone, id, product, amount, proposalId);
        _mint(zone, id, amount, "");
    }
}
