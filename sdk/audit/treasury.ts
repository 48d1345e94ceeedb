/**
 * Check 8, treasury: every payment out of the zone accounted for (an execution, a dividend claim of
 * a round a proposal opened, a service budget claim), dividend claims and relayer refunds against
 * what earned them, income shares against their incomes, and the ledger's balances against the
 * zone's real ones.
 */
import { Contract, Interface, ZeroAddress, getAddress } from "ethers";
import { SERVICES } from "../abis.js";
import { ZoneFactory__factory, Zone__factory } from "../contracts.js";
import { ledgerBalance, readLedger, type LedgerEntry } from "../ledger.js";
import type { AuditContext } from "./context.js";
import { arg, type ZoneLog } from "./events.js";
import type { AuditDiscrepancy, CheckResult } from "./report.js";

const erc20 = new Interface(["function balanceOf(address) view returns (uint256)"]);

export async function checkTreasury(context: AuditContext): Promise<CheckResult> {
  const discrepancies: AuditDiscrepancy[] = [];
  const contract = Zone__factory.connect(context.zone, context.provider);
  const blockTag = context.block;
  context.progress("reading the ledger");
  const ledger = (await readLedger(contract, { fromBlock: context.fromBlock })).filter(
    (entry) => entry.blockNumber <= context.block,
  );
  let items = 0;
  const orders = new Map(context.logs.map((log) => [`${log.blockNumber}:${log.logIndex}`, log.order]));

  const executedIn = new Map<string, Set<bigint>>();
  const executedAt = new Map<bigint, ZoneLog>();
  const dividendRounds = new Map<bigint, ZoneLog>();
  const claimsIn = new Map<string, ZoneLog[]>();
  const claimsPerRound = new Map<bigint, number>();
  for (const log of context.logs) {
    if (log.name === "ProposalExecuted") {
      const proposalId = arg(log.args, "proposalId");
      if (!executedAt.has(proposalId)) executedAt.set(proposalId, log);
      const set = executedIn.get(log.txHash) ?? new Set<bigint>();
      set.add(proposalId);
      executedIn.set(log.txHash, set);
    } else if (log.name === "DividendRoundOpened") {
      dividendRounds.set(arg(log.args, "roundId"), log);
    } else if (log.name === "DividendClaimed") {
      const list = claimsIn.get(log.txHash) ?? [];
      list.push(log);
      claimsIn.set(log.txHash, list);
    }
  }

  let services: string | undefined;
  const servicesAddress = async () => {
    if (services === undefined) {
      const factory = ZoneFactory__factory.connect(await contract.factory({ blockTag }), context.provider);
      services = getAddress(await factory.SERVICES({ blockTag }));
    }
    return services;
  };

  // Outflows: every TreasuryPaid names a proposal that was executed, and is its execution, a
  // dividend claim of a round it opened, or a service budget it set (payFromModule).
  const paid = ledger.filter((entry) => entry.source === "TreasuryPaid");
  const needsReceipt = paid.filter(
    (entry) => entry.proposalId !== undefined && !executedIn.get(entry.txHash)?.has(entry.proposalId),
  );
  context.progress(`checking ${paid.length} payments`);
  const receipts = new Map(
    await context.mapLimit(
      [...new Set(needsReceipt.map((entry) => entry.txHash))],
      async (hash) => [hash, await context.provider.getTransactionReceipt(hash)] as const,
    ),
  );
  for (const entry of paid) {
    items++;
    const proposalId = entry.proposalId ?? 0n;
    const label = `payment of ${entry.amount} ${tokenName(entry.token)} to ${entry.counterparty} naming proposal ${proposalId}`;
    const execution = executedAt.get(proposalId);
    if (execution === undefined || execution.order > orderOf(orders, entry)) {
      discrepancies.push({
        what: `${label}: that proposal was not executed before it`,
        evidence: entry.txHash,
      });
      continue;
    }
    if (executedIn.get(entry.txHash)?.has(proposalId)) continue;
    const claim = (claimsIn.get(entry.txHash) ?? []).find((log) => {
      const round = dividendRounds.get(arg(log.args, "roundId"));
      return (
        round !== undefined &&
        arg(round.args, "proposalId") === proposalId &&
        getAddress(log.args.getValue("recipient") as string) === getAddress(entry.counterparty) &&
        arg(log.args, "amount") === entry.amount &&
        getAddress(round.args.getValue("token") as string) === getAddress(entry.token)
      );
    });
    if (claim !== undefined) continue;
    const receipt = receipts.get(entry.txHash);
    const serviceClaim = receipt?.logs.some((log) => {
      try {
        const parsed = SERVICES.parseLog({ topics: [...log.topics], data: log.data });
        return (
          parsed?.name === "ServiceBudgetClaimed" &&
          getAddress(parsed.args.getValue("zone") as string) === context.zone &&
          getAddress(parsed.args.getValue("provider") as string) === getAddress(entry.counterparty) &&
          (parsed.args.getValue("amount") as bigint) === entry.amount
        );
      } catch {
        return false;
      }
    });
    if (serviceClaim === true && receipt !== null && receipt !== undefined) {
      const module = await servicesAddress();
      const fromModule = receipt.logs.some(
        (log) =>
          getAddress(log.address) === module &&
          log.topics[0] === SERVICES.getEvent("ServiceBudgetClaimed").topicHash,
      );
      if (fromModule) continue;
    }
    discrepancies.push({
      what: `${label}: not in its execution, nor a dividend claim of a round it opened, nor a service budget claim`,
      evidence: entry.txHash,
    });
  }

  // Dividend claims: each the round's amount, and no more claims than the round's citizens.
  for (const log of context.logs) {
    if (log.name !== "DividendClaimed") continue;
    items++;
    const roundId = arg(log.args, "roundId");
    const round = dividendRounds.get(roundId);
    const claims = (claimsPerRound.get(roundId) ?? 0) + 1;
    claimsPerRound.set(roundId, claims);
    if (round === undefined) {
      discrepancies.push({
        what: `dividend claimed in round ${roundId}, which was never opened`,
        evidence: log.txHash,
      });
      continue;
    }
    if (arg(log.args, "amount") !== arg(round.args, "amountPerCitizen")) {
      discrepancies.push({
        what: `dividend claim in round ${roundId} paid ${arg(log.args, "amount")}, the round ${arg(round.args, "amountPerCitizen")}`,
        evidence: log.txHash,
      });
    }
    if (BigInt(claims) > arg(round.args, "eligibleCount")) {
      discrepancies.push({
        what: `round ${roundId} has more claims (${claims}) than citizens (${arg(round.args, "eligibleCount")})`,
        evidence: log.txHash,
      });
    }
  }

  // Relayer refunds: each pays exactly the credits earned since the relayer's last refund.
  const owed = new Map<string, bigint>();
  for (const log of context.logs) {
    if (log.name !== "RelayerCredited" && log.name !== "RelayerRefunded") continue;
    items++;
    const relayer = getAddress(log.args.getValue("relayer") as string);
    const amount = arg(log.args, "amount");
    if (log.name === "RelayerCredited") {
      owed.set(relayer, (owed.get(relayer) ?? 0n) + amount);
      continue;
    }
    const credit = owed.get(relayer) ?? 0n;
    if (amount !== credit) {
      discrepancies.push({
        what: `relayer ${relayer} refunded ${amount} wei, but its RelayerCredited credits since its last refund sum to ${credit}`,
        evidence: log.txHash,
      });
    }
    owed.set(relayer, 0n);
  }
  const relayers = [...owed.keys()];
  const credits = await context.mapLimit(relayers, (relayer) =>
    contract.relayerCredit(relayer, { blockTag }),
  );
  relayers.forEach((relayer, k) => {
    if (credits[k] !== owed.get(relayer)) {
      discrepancies.push({
        what: `the zone owes relayer ${relayer} ${credits[k]} wei, its events ${owed.get(relayer)}`,
        evidence: `relayerCredit(${relayer}) at block ${blockTag}`,
      });
    }
  });

  // Income shares: each in the transaction of an income.
  for (const entry of ledger) {
    if (entry.source !== "IncomeShared") continue;
    items++;
    const income = ledger.some(
      (other) =>
        other.source === "TreasuryReceived" && other.txHash === entry.txHash && other.token === entry.token,
    );
    if (!income) {
      discrepancies.push({
        what: `income share of ${entry.amount} ${tokenName(entry.token)} to ${entry.counterparty} without an income in its transaction`,
        evidence: entry.txHash,
      });
    }
  }

  // Balances: what the ledger says against what the zone holds.
  const tokens = [...new Set([ZeroAddress, ...ledger.map((entry) => getAddress(entry.token))])];
  context.progress(`comparing ${tokens.length} balances with the ledger`);
  await context.mapLimit(tokens, async (token) => {
    items++;
    const expected = ledgerBalance(ledger, token);
    let actual: bigint;
    try {
      actual =
        token === ZeroAddress
          ? await context.provider.getBalance(context.zone, blockTag)
          : ((await new Contract(token, erc20, context.provider).getFunction("balanceOf")(context.zone, {
              blockTag,
            })) as bigint);
    } catch (error) {
      discrepancies.push({
        what: `the balance of ${tokenName(token)} cannot be read`,
        evidence: (error as Error).message,
      });
      return;
    }
    if (actual !== expected) {
      discrepancies.push({
        what: `the ${tokenName(token)} balance differs from the ledger`,
        evidence: `balance at block ${blockTag} = ${actual}; ledger = ${expected}; difference ${actual - expected}`,
      });
    }
  });
  return {
    name: "treasury",
    description:
      "every TreasuryPaid names an executed proposal and is its execution, a dividend claim of a round it " +
      "opened or a service budget claim; dividend claims; relayer refunds equal their credits; income shares; " +
      "for ether and each ledger token, the ledger balance equals the zone's balance",
    items,
    discrepancies,
  };
}

function tokenName(token: string): string {
  return getAddress(token) === ZeroAddress ? "wei" : `of token ${token}`;
}

/** The place of a ledger entry among the zone's logs. */
function orderOf(orders: ReadonlyMap<string, number>, entry: LedgerEntry): number {
  return orders.get(`${entry.blockNumber}:${entry.logIndex}`) ?? Number.MAX_SAFE_INTEGER;
}
