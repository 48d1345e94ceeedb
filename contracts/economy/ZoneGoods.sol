// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ERC1155} from "@openzeppelin/contracts/token/ERC1155/ERC1155.sol";
import {IZone} from "../interfaces/IZone.sol";
import {IZoneFactory} from "../interfaces/IZoneFactory.sol";

/// @title Zone goods: what internal DAOs produce, as ERC-1155 tokens held by their zone.
/// @notice A good's id names its producer, so only that internal DAO can ever mint it, and what it
/// mints goes to its parent zone: no one can mint goods for another zone. Goods leave a zone only
/// above its domestic reserve, whatever moves them (see {_update}).
/// Each production declares the share of recyclable content of the units it mints; the zone's
/// inspector attests it and the zone's reward rule pays for it (ZoneServices).
contract ZoneGoods is ERC1155 {
    /// @notice One call of {produce}: what the internal DAO's vote declared it made.
    struct Production {
        address producer;
        /// Share of recyclable content of these units, in basis points, as declared by the producer.
        uint16 recyclableBps;
        uint64 producedAt;
        address zone;
        uint256 goodsId;
        uint256 amount;
        uint256 proposalId;
    }

    error GoodsProducerIsNotAnInternalDao(address caller);
    error GoodsInvalidRecyclableContent(uint256 recyclableBps);
    error GoodsUnknownProduction(uint256 productionId);
    /// @notice Goods leaving `zone` would leave `remaining` units of `goodsId` there, below its reserve.
    error GoodsReserveBreached(address zone, uint256 goodsId, uint256 remaining, uint256 reserve);

    event GoodsProduced(
        address indexed producer,
        address indexed zone,
        uint256 indexed goodsId,
        string product,
        uint256 amount,
        uint16 recyclableBps,
        uint256 productionId,
        uint256 proposalId
    );

    IZoneFactory public immutable FACTORY;

    /// @notice The internal DAO that produces each good, and the product's name.
    mapping(uint256 goodsId => address producer) public producerOf;
    mapping(uint256 goodsId => string product) public productOf;
    /// @notice Units ever produced of each good, and the sum of units times their declared recyclable
    /// basis points: {recyclableBpsOf} is their ratio.
    mapping(uint256 goodsId => uint256 units) public producedUnitsOf;
    mapping(uint256 goodsId => uint256 unitBps) public recyclableUnitBpsOf;

    Production[] private _productions;

    constructor(IZoneFactory factory) ERC1155("") {
        FACTORY = factory;
    }

    /// @notice The id of `producer`'s `product`.
    function goodsId(address producer, string memory product) public pure returns (uint256) {
        return uint256(keccak256(abi.encode(producer, product)));
    }

    /// @notice Records `amount` of `product` made by the calling internal DAO, held by its parent zone,
    /// with `recyclableBps` basis points of recyclable content.
    /// @dev The internal DAO calls this while executing a passed proposal of its own.
    /// @return productionId The production's index, which the inspector attests and rewards name.
    function produce(
        string calldata product,
        uint256 amount,
        uint16 recyclableBps
    ) external returns (uint256 productionId) {
        if (!FACTORY.isZone(msg.sender)) revert GoodsProducerIsNotAnInternalDao(msg.sender);
        address zone = IZone(msg.sender).parentZone();
        uint256 proposalId = IZone(msg.sender).executingProposal();
        if (zone == address(0) || proposalId == 0) revert GoodsProducerIsNotAnInternalDao(msg.sender);
        if (recyclableBps > 10_000) revert GoodsInvalidRecyclableContent(recyclableBps);
        uint256 id = goodsId(msg.sender, product);
        if (producerOf[id] == address(0)) {
            producerOf[id] = msg.sender;
            productOf[id] = product;
        }
        producedUnitsOf[id] += amount;
        recyclableUnitBpsOf[id] += amount * recyclableBps;
        productionId = _productions.length;
        _productions.push(
            Production(msg.sender, recyclableBps, uint64(block.timestamp), zone, id, amount, proposalId)
        );
        emit GoodsProduced(msg.sender, zone, id, product, amount, recyclableBps, productionId, proposalId);
        _mint(zone, id, amount, "");
    }

    /// @notice The share of recyclable content of every unit of a good ever produced, in basis points
    /// (weighted by units; 0 for a good never produced).
    function recyclableBpsOf(uint256 id) external view returns (uint256) {
        uint256 units = producedUnitsOf[id];
        return units == 0 ? 0 : recyclableUnitBpsOf[id] / units;
    }

    /// @notice A production, by its index.
    function getProduction(uint256 productionId) external view returns (Production memory) {
        if (productionId >= _productions.length) revert GoodsUnknownProduction(productionId);
        return _productions[productionId];
    }

    /// @notice How many productions were recorded, every zone's.
    function productionCount() external view returns (uint256) {
        return _productions.length;
    }

    /// @dev The one place the domestic reserve is enforced. Every movement of goods comes through here:
    /// a trade offer's escrow, a transfer or batch transfer that a vote makes or that an approved
    /// operator makes at any time, and `_burn` (which nothing calls today). Whatever leaves a zone
    /// (for escrow, another zone, its own internal DAO, anyone) must leave at least the zone's reserve
    /// of each good behind; a reserve above the inventory keeps every unit of that good at home.
    /// Checked on the balances after the whole batch, so an id listed twice counts twice.
    function _update(
        address from,
        address to,
        uint256[] memory ids,
        uint256[] memory values
    ) internal override {
        super._update(from, to, ids, values);
        // A mint adds to a zone and a transfer to itself keeps the goods at home; only zones have reserves.
        if (from == address(0) || from == to || !FACTORY.isZone(from)) return;
        for (uint256 i = 0; i < ids.length; ++i) {
            if (values[i] == 0) continue;
            uint256 id = ids[i];
            uint256 remaining = balanceOf(from, id);
            uint256 reserve = IZone(from).reserveOf(id);
            if (remaining < reserve) revert GoodsReserveBreached(from, id, remaining, reserve);
        }
    }
}
