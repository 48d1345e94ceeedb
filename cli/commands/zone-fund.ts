/**
 * `zonedao zone fund`: puts money in a zone's treasury so that its ledger records it. Ether goes to
 * the zone's `receive`, which records it and passes an internal DAO's share on: more than a plain
 * transfer's 21,000 gas (about 28,000), so a wallet or an exchange that sends exactly 21,000 fails.
 * A token is approved and then taken by the zone's `deposit`, which records what arrived.
 */
import { Contract, ZeroAddress, formatUnits, type ContractTransactionResponse } from "ethers";
import { CommandError, UsageError } from "../context.js";
import { common, signing, zoneFlag, type Command } from "../flags.js";
import { shortError } from "../refusals.js";
import { amount, tokenOf } from "../tokens.js";

export const zoneFund: Command = {
  name: "zone fund",
  summary: "put ether or a token in a zone's treasury, on its ledger",
  usage: `zonedao zone fund --zone ZONE --token (eth | stablecoin | ADDRESS) --amount AMOUNT --key KEY

Sends AMOUNT (in whole units: "1.5") from the --key account to the zone's treasury, where its
ledger records it (TreasuryReceived). Ether goes through the zone's receive (gas estimated: about
28,000, more than a plain transfer's 21,000, which the zone refuses); a token is approved, then
deposited with the zone's deposit, which records what arrived.`,
  options: { ...common, ...signing, ...zoneFlag, token: { type: "string" }, amount: { type: "string" } },
  async run(context) {
    const { address, zone } = await context.zone();
    const provider = await context.provider();
    const token = await tokenOf(context, provider);
    const value = amount(context, "amount", token);
    if (value === 0n) throw new UsageError("--amount must be more than 0");
    const signer = await context.signer();
    const shown = `${formatUnits(value, token.decimals)} ${token.symbol}`;
    let hash: string | undefined;
    try {
      if (token.address === ZeroAddress) {
        // Gas estimated by the node: the zone's receive records the income, so it needs more than 21,000.
        hash = (await (await signer.sendTransaction({ to: address, value })).wait())?.hash;
      } else {
        const erc20 = new Contract(
          token.address,
          ["function approve(address, uint256) returns (bool)"],
          signer,
        );
        context.progress(`approving the zone to take ${shown}...`);
        const approval = (await erc20.getFunction("approve")(address, value)) as ContractTransactionResponse;
        await approval.wait();
        hash = (await (await zone.connect(signer).deposit(token.address, value)).wait())?.hash;
      }
    } catch (error) {
      throw new CommandError(`the zone was not funded: ${shortError(error)}`);
    }
    context.print(
      { zone: address, token: token.address, amount: value.toString(), transactionHash: hash },
      `funded ${address} with ${shown} (tx ${hash}): on its ledger as received`,
    );
  },
};
