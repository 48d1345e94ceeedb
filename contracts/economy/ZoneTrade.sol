// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {IERC1155} from "@openzeppelin/contracts/token/ERC1155/IERC1155.sol";
import {ERC1155Holder} from "@openzeppelin/contracts/token/ERC1155/utils/ERC1155Holder.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {IZone} from "../interfaces/IZone.sol";
import {IZoneFactory} from "../interfaces/IZoneFactory.sol";

/// @title Trade between zones, settled atomically through escrow.
/// @notice A zone's vote posts an offer of goods (above its domestic reserve, which ZoneGoods enforces
/// on the escrow transfer) or tokens; the goods wait here in escrow. Another zone's vote accepts it:
/// payment and goods move in one transaction, or neither does. The offering zone's vote can cancel
/// it; after expiry anyone returns the goods.
/// @dev Token amounts are measured, not assumed: an escrow must receive exactly the offer's quantity,
/// and a sale settles only if the seller receives exactly the price and the buyer exactly the
/// quantity; a return (cancel, expiry) records what actually arrived. Per token,
/// {escrowedTokens} is what the open offers are owed; if the token shrinks every balance (a negative
/// rebase) the shortfall is shared in proportion, so no offer is ever paid from another's escrow.
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
    /// @notice The escrow received `received` of `token`, not the offer's `quantity` (a fee on transfer).
    error TradeEscrowNotExact(address token, uint256 quantity, uint256 received);
    /// @notice The escrow holds `held` of `token` but owes its open offers `owed` (the token shrank).
    error TradeEscrowShort(address token, uint256 owed, uint256 held);
    /// @notice The seller of `offerId` received `received` of the payment token, not the `price`.
    error TradePaymentNotExact(uint256 offerId, uint256 price, uint256 received);
    /// @notice The buyer of token offer `offerId` received `received` of it, not the offer's `quantity`.
    error TradeDeliveryNotExact(uint256 offerId, uint256 quantity, uint256 received);
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
    /// @notice What the escrow owes the open token offers of each token: the sum of their quantities.
    mapping(address token => uint256 amount) public escrowedTokens;

    constructor(IZoneFactory factory) {
        FACTORY = factory;
    }

    /// @notice Posts an offer from the calling zone and takes the asset into escrow. The zone must have
    /// approved this contract for the asset in the same proposal. Goods must leave the zone's reserve
    /// behind (ZoneGoods's `GoodsReserveBreached`); tokens must arrive in full (`TradeEscrowNotExact`).
    function postOffer(OfferTerms calldata terms) external nonReentrant returns (uint256 offerId) {
        uint256 proposalId = _requireZoneVote();
        if (terms.quantity == 0) revert TradeInvalidTerms("quantity is 0");
        if (terms.expiry <= block.timestamp) revert TradeInvalidTerms("expiry is not in the future");
        if (terms.buyer == msg.sender) revert TradeInvalidTerms("a zone cannot buy its own offer");
        if (terms.isGoods && terms.asset != FACTORY.GOODS())
            revert TradeInvalidTerms("goods must be zone goods");
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
        if (offer.isGoods) {
            // The escrow is goods leaving the zone: ZoneGoods refuses it below the zone's reserve.
            IERC1155(offer.asset).safeTransferFrom(
                msg.sender,
                address(this),
                offer.goodsId,
                offer.quantity,
                ""
            );
        } else {
            _escrowTokens(IERC20(offer.asset), offer.quantity);
        }
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
        IERC20 payment = IERC20(offer.paymentToken);
        uint256 sellerBefore = payment.balanceOf(offer.seller);
        payment.safeTransferFrom(msg.sender, offer.seller, total);
        // The seller sold for the price: a token that delivers less (a fee) does not settle the offer.
        uint256 received = payment.balanceOf(offer.seller) - sellerBefore;
        if (received != total) revert TradePaymentNotExact(offerId, total, received);
        IZone(msg.sender).notifyTransfer(false, offer.seller, offer.paymentToken, total);
        IZone(offer.seller).notifyIncome(msg.sender, offer.paymentToken, total);
        // The buyer paid for the quantity: an escrow that shrank, or a fee on the way out, does not
        // settle the offer either (the seller can still cancel it and take back what is left).
        uint256 delivered = _release(offer, msg.sender);
        if (delivered != offer.quantity) revert TradeDeliveryNotExact(offerId, offer.quantity, delivered);
    }

    /// @notice Cancels an open offer and returns the asset. The offering zone's vote only.
    function cancelOffer(uint256 offerId) external nonReentrant {
        uint256 proposalId = _requireZoneVote();
        Offer storage offer = _openOffer(offerId);
        if (offer.seller != msg.sender) revert TradeNotTheSeller(offerId, msg.sender);
        offer.status = OfferStatus.Cancelled;
        emit OfferCancelled(offerId, msg.sender, proposalId);
        _release(offer, msg.sender);
    }

    /// @notice Returns an expired offer's asset to the seller. Anyone may call it.
    function reclaimExpired(uint256 offerId) external nonReentrant {
        Offer storage offer = _openOffer(offerId);
        if (block.timestamp < offer.expiry) revert TradeOfferNotExpired(offerId, offer.expiry);
        offer.status = OfferStatus.Expired;
        emit OfferExpired(offerId, offer.seller);
        _release(offer, offer.seller);
    }

    /// @notice An offer.
    function getOffer(uint256 offerId) external view returns (Offer memory) {
        return _offers[offerId];
    }

    /// @dev Takes exactly `quantity` of `token` from the calling zone into escrow, on its ledger. Measured
    /// by this contract's balance: if less arrived (a fee on transfer), the offer would be owed more than
    /// its escrow holds and its return would take from other offers of the token.
    function _escrowTokens(IERC20 token, uint256 quantity) private {
        uint256 owed = escrowedTokens[address(token)];
        uint256 held = token.balanceOf(address(this));
        // A token that shrank every balance left the open offers short; a new escrow would make up their loss.
        if (held < owed) revert TradeEscrowShort(address(token), owed, held);
        escrowedTokens[address(token)] = owed + quantity;
        token.safeTransferFrom(msg.sender, address(this), quantity);
        uint256 received = token.balanceOf(address(this)) - held;
        if (received != quantity) revert TradeEscrowNotExact(address(token), quantity, received);
        IZone(msg.sender).notifyTransfer(false, address(this), address(token), quantity);
    }

    /// @dev Gives an offer's asset to `to` (the buyer, or the seller back) and returns what `to` received.
    /// A token offer is owed its quantity; if the escrow holds less than it owes all open offers of the
    /// token (a negative rebase), it gets its share of what is held, which keeps the others' shares
    /// whole. A surplus (a positive rebase, a plain transfer) is no offer's and stays. The zone's ledger
    /// records what arrived, after any fee. Goods are not money and stay off the ledger.
    function _release(Offer storage offer, address to) private returns (uint256 received) {
        if (offer.isGoods) {
            IERC1155(offer.asset).safeTransferFrom(address(this), to, offer.goodsId, offer.quantity, "");
            return offer.quantity;
        }
        IERC20 token = IERC20(offer.asset);
        uint256 owed = escrowedTokens[address(token)];
        uint256 held = token.balanceOf(address(this));
        uint256 amount = held < owed ? Math.mulDiv(offer.quantity, held, owed) : offer.quantity;
        escrowedTokens[address(token)] = owed - offer.quantity;
        uint256 before = token.balanceOf(to);
        token.safeTransfer(to, amount);
        received = token.balanceOf(to) - before;
        IZone(to).notifyTransfer(true, address(this), address(token), received);
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
