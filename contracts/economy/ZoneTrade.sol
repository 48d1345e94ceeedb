// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {IERC1155} from "@openzeppelin/contracts/token/ERC1155/IERC1155.sol";
import {ERC1155Holder} from "@openzeppelin/contracts/token/ERC1155/utils/ERC1155Holder.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";
import {IZone} from "../interfaces/IZone.sol";
import {IZoneFactory} from "../interfaces/IZoneFactory.sol";

/// @title Trade between zones, settled atomically through escrow.
/// @notice A zone's vote posts an offer of goods (above its domestic reserve) or tokens; the goods
/// wait here in escrow. Another zone's vote accepts it: payment and goods move in one transaction,
/// or neither does. The offering zone's vote can cancel it; after expiry anyone returns the goods.
contract ZoneTrade is ERC1155Holder, ReentrancyGuard {
    using SafeERC20 for IERC20;

    enum OfferStatus {
        None,
        Open,
        Settled,
        Cancelled,
        Expired
    }

    struct Offer {
        address seller;
        // address(0): any zone may accept.
        address buyer;
        // true: `goodsId` of the zone goods contract; false: an ERC-20 at `asset`.
        bool isGoods;
        address asset;
        uint256 goodsId;
        uint256 quantity;
        address paymentToken;
        uint256 pricePerUnit;
        uint64 expiry;
        OfferStatus status;
        uint256 sellerProposal;
    }

    /// @notice What a zone's vote puts up for sale.
    struct OfferTerms {
        bool isGoods;
        address asset;
        uint256 goodsId;
        uint256 quantity;
        address paymentToken;
        uint256 pricePerUnit;
        address buyer;
        uint64 expiry;
    }

    error TradeCallerIsNotAZone(address caller);
    error TradeNotDecidedByVote(address zone);
    error TradeInvalidTerms(string reason);
    error TradeReserveBreached(uint256 goodsId, uint256 inventory, uint256 quantity, uint256 reserve);
    error TradeOfferNotOpen(uint256 offerId, OfferStatus status);
    error TradeOfferExpired(uint256 offerId, uint256 expiry);
    error TradeOfferNotExpired(uint256 offerId, uint256 expiry);
    error TradeNotTheNamedBuyer(uint256 offerId, address buyer);
    error TradeNotTheSeller(uint256 offerId, address caller);
    error TradeSellerCannotBuy(uint256 offerId);

    event OfferPosted(uint256 indexed offerId, address indexed seller, address indexed buyer, Offer offer);
    event OfferAccepted(
        uint256 indexed offerId,
        address indexed seller,
        address indexed buyer,
        address paymentToken,
        uint256 total,
        uint256 buyerProposal
    );
    event OfferCancelled(uint256 indexed offerId, address indexed seller, uint256 proposalId);
    event OfferExpired(uint256 indexed offerId, address indexed seller);

    IZoneFactory public immutable FACTORY;

    uint256 public offerCount;
    mapping(uint256 offerId => Offer) private _offers;

    constructor(IZoneFactory factory) {
        FACTORY = factory;
    }

    /// @notice Posts an offer from the calling zone and takes the asset into escrow. The zone must have
    /// approved this contract for the asset in the same proposal.
    function postOffer(OfferTerms calldata terms) external nonReentrant returns (uint256 offerId) {
        uint256 proposalId = _requireZoneVote();
        if (terms.quantity == 0) revert TradeInvalidTerms("quantity is 0");
        if (terms.expiry <= block.timestamp) revert TradeInvalidTerms("expiry is not in the future");
        if (terms.buyer == msg.sender) revert TradeInvalidTerms("a zone cannot buy its own offer");
        address goods = FACTORY.GOODS();
        if (terms.isGoods) {
            if (terms.asset != goods) revert TradeInvalidTerms("goods must be zone goods");
            uint256 inventory = IERC1155(goods).balanceOf(msg.sender, terms.goodsId);
            uint256 reserve = IZone(msg.sender).reserveOf(terms.goodsId);
            // Only the surplus above what the zone's own citizens need may leave.
            if (inventory < reserve || inventory - reserve < terms.quantity) {
                revert TradeReserveBreached(terms.goodsId, inventory, terms.quantity, reserve);
            }
        }
        offerId = ++offerCount;
        Offer storage offer = _offers[offerId];
        offer.seller = msg.sender;
        offer.buyer = terms.buyer;
        offer.isGoods = terms.isGoods;
        offer.asset = terms.asset;
        offer.goodsId = terms.goodsId;
        offer.quantity = terms.quantity;
        offer.paymentToken = terms.paymentToken;
        offer.pricePerUnit = terms.pricePerUnit;
        offer.expiry = terms.expiry;
        offer.status = OfferStatus.Open;
        offer.sellerProposal = proposalId;
        emit OfferPosted(offerId, msg.sender, terms.buyer, offer);
        _moveAsset(offer, msg.sender, address(this));
    }

    /// @notice Accepts an offer for the calling zone: its payment goes to the seller and the asset
    /// to it, atomically. The zone must have approved the payment in the same proposal.
    function acceptOffer(uint256 offerId) external nonReentrant {
        uint256 proposalId = _requireZoneVote();
        Offer storage offer = _openOffer(offerId);
        if (block.timestamp >= offer.expiry) revert TradeOfferExpired(offerId, offer.expiry);
        if (offer.buyer != address(0) && offer.buyer != msg.sender)
            revert TradeNotTheNamedBuyer(offerId, msg.sender);
        if (offer.seller == msg.sender) revert TradeSellerCannotBuy(offerId);
        uint256 total = offer.quantity * offer.pricePerUnit;
        offer.status = OfferStatus.Settled;
        emit OfferAccepted(offerId, offer.seller, msg.sender, offer.paymentToken, total, proposalId);
        IERC20(offer.paymentToken).safeTransferFrom(msg.sender, offer.seller, total);
        IZone(msg.sender).notifyTransfer(false, offer.seller, offer.paymentToken, total);
        IZone(offer.seller).notifyIncome(msg.sender, offer.paymentToken, total);
        _moveAsset(offer, address(this), msg.sender);
    }

    /// @notice Cancels an open offer and returns the asset. The offering zone's vote only.
    function cancelOffer(uint256 offerId) external nonReentrant {
        uint256 proposalId = _requireZoneVote();
        Offer storage offer = _openOffer(offerId);
        if (offer.seller != msg.sender) revert TradeNotTheSeller(offerId, msg.sender);
        offer.status = OfferStatus.Cancelled;
        emit OfferCancelled(offerId, msg.sender, proposalId);
        _moveAsset(offer, address(this), msg.sender);
    }

    /// @notice Returns an expired offer's asset to the seller. Anyone may call it.
    function reclaimExpired(uint256 offerId) external nonReentrant {
        Offer storage offer = _openOffer(offerId);
        if (block.timestamp < offer.expiry) revert TradeOfferNotExpired(offerId, offer.expiry);
        offer.status = OfferStatus.Expired;
        emit OfferExpired(offerId, offer.seller);
        _moveAsset(offer, address(this), offer.seller);
    }

    /// @notice An offer.
    function getOffer(uint256 offerId) external view returns (Offer memory) {
        return _offers[offerId];
    }

    /// @dev Moves the offered asset between a zone and escrow. Token movements are reported to the
    /// zone so that its ledger shows them; goods are not money and stay off the ledger.
    function _moveAsset(Offer storage offer, address from, address to) private {
        if (offer.isGoods) {
            IERC1155(offer.asset).safeTransferFrom(from, to, offer.goodsId, offer.quantity, "");
        } else if (from == address(this)) {
            IERC20(offer.asset).safeTransfer(to, offer.quantity);
            IZone(to).notifyTransfer(true, address(this), offer.asset, offer.quantity);
        } else {
            IERC20(offer.asset).safeTransferFrom(from, to, offer.quantity);
            IZone(from).notifyTransfer(false, address(this), offer.asset, offer.quantity);
        }
    }

    function _openOffer(uint256 offerId) private view returns (Offer storage offer) {
        offer = _offers[offerId];
        if (offer.status != OfferStatus.Open) revert TradeOfferNotOpen(offerId, offer.status);
    }

    /// @dev Only a zone, and only while it executes a proposal: a direct call cannot skip the vote.
    function _requireZoneVote() private view returns (uint256 proposalId) {
        if (!FACTORY.isZone(msg.sender)) revert TradeCallerIsNotAZone(msg.sender);
        proposalId = IZone(msg.sender).executingProposal();
        if (proposalId == 0) revert TradeNotDecidedByVote(msg.sender);
    }
}
