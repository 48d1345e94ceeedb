/**
 * The interfaces proposal actions are encoded and decoded with: the contracts' ABIs from the build
 * (contracts.ts), and the two ERC-20 functions a zone calls on a token.
 */
import { Interface } from "ethers";
import { Zone__factory, ZoneGoods__factory, ZoneServices__factory, ZoneTrade__factory } from "./contracts.js";
import { ZoneAdmissions__factory } from "../types/ethers-contracts/index.js";

export const ZONE = Zone__factory.createInterface();
export const SERVICES = ZoneServices__factory.createInterface();
export const GOODS = ZoneGoods__factory.createInterface();
export const TRADE = ZoneTrade__factory.createInterface();
export const ADMISSIONS = ZoneAdmissions__factory.createInterface();
export const ERC20 = new Interface([
  "function transfer(address to, uint256 amount) returns (bool)",
  "function approve(address spender, uint256 amount) returns (bool)",
]);

export const ETHER_DECIMALS = 18;
/** Basis points in a whole (quorum, approval, income shares). */
export const BPS = 10_000;
