/**
 * The interfaces proposal actions are encoded and decoded with: the contracts' ABIs from the build
 * (contracts.ts), and the two ERC-20 functions a zone calls on a token.
 */
import { Interface, isHexString } from "ethers";
import { Zone__factory, ZoneGoods__factory, ZoneServices__factory, ZoneTrade__factory } from "./contracts.js";
import {
  LeanIMT__factory,
  SealedBallotVerifier__factory,
  ZoneAdmissions__factory,
  ZoneFactory__factory,
  ZoneSealedBallots__factory,
  ZoneTellers__factory,
} from "../types/ethers-contracts/index.js";

export const ZONE = Zone__factory.createInterface();
export const SERVICES = ZoneServices__factory.createInterface();
export const GOODS = ZoneGoods__factory.createInterface();
export const TRADE = ZoneTrade__factory.createInterface();
export const ADMISSIONS = ZoneAdmissions__factory.createInterface();
export const SEALED_BALLOTS = ZoneSealedBallots__factory.createInterface();
export const SEALED_BALLOT_VERIFIER = SealedBallotVerifier__factory.createInterface();
export const TELLERS = ZoneTellers__factory.createInterface();
export const FACTORY = ZoneFactory__factory.createInterface();
export const ERC20 = new Interface([
  "function transfer(address to, uint256 amount) returns (bool)",
  "function approve(address spender, uint256 amount) returns (bool)",
]);

/**
 * Every custom error a call into a zone can revert with: its own, its economy modules' and
 * admissions contract's (a proposal's actions are checked against them), and the group's tree
 * library's. A revert that bubbles up from one of these carries that contract's selector, which the
 * zone's ABI alone cannot name.
 */
const ERROR_SOURCES = [
  ZONE,
  ADMISSIONS,
  SERVICES,
  GOODS,
  TRADE,
  SEALED_BALLOTS,
  TELLERS,
  LeanIMT__factory.createInterface(),
];

/** The ZoneDAO custom error in revert `data`, or undefined if it is none of theirs. */
export function decodeZoneDaoError(data: unknown): { name: string; args: unknown[] } | undefined {
  if (typeof data !== "string" || !isHexString(data) || data.length < 10) return undefined;
  for (const source of ERROR_SOURCES) {
    try {
      const parsed = source.parseError(data);
      if (parsed) return { name: parsed.name, args: [...parsed.args] };
    } catch {
      // a selector of this contract whose arguments do not decode: try the next
    }
  }
  return undefined;
}

export const ETHER_DECIMALS = 18;
/** Basis points in a whole (quorum, approval, income shares). */
export const BPS = 10_000;
