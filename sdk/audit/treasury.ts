/**
 * Check 9, treasury: every payment out of the zone accounted for (an execution, a dividend claim of
 * a round a proposal opened, a service budget claim), dividend rounds (opened by their proposal's
 * execution with the whole amount set aside, claimed in time, closed once for what was left) and
 * relayer refunds against what earned them, income shares against their incomes, and the ledger's
 * balances and money set aside against the zone's real ones.
 */
import { Contract, Interface, ZeroAddress, getAddress } from "ethers";
import { Zone__factory, type Zone } from "../contracts.js";
import { ledgerBalance, ledgerReserved, readLedger, type LedgerEntry } from "../ledger.js";
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

  // Payments the services registry made from the zone (payFromModule): a service budget claimed by
  // its provider, or a production reward, each in the payment's own transaction.
  const modulePaymentsIn = new Map<string, { to: string; amount: bigint }[]>();
  for (const log of context.servicesLogs) {
    const payee =
      log.name === "ServiceBudgetClaimed"
        ? "provider"
        : log.name === "ProductionRewarded"
          ? "producer"
          : undefined;
    if (payee === undefined) continue;
    const list = modulePaymentsIn.get(log.txHash) ?? [];
    list.push({ to: getAddress(log.args.getValue(payee) as string), amount: arg(log.args, "amount") });
    modulePaymentsIn.set(log.txHash, list);
  }

  // Outflows: every TreasuryPaid names a proposal that was executed, and is its execution, a
  // dividend claim of a round it opened, or a service budget it set (payFromModule).
  const paid = ledger.filter((entry) => entry.source === "TreasuryPaid");
  context.progress(`checking ${paid.length} payments`);
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
    const modulePayment = (modulePaymentsIn.get(entry.txHash) ?? []).some(
      (payment) => payment.to === getAddress(entry.counterparty) && payment.amount === entry.amount,
    );
    if (modulePayment) continue;
    discrepancies.push({
      what: `${label}: not in its execution, nor a dividend claim of a round it opened, nor a service budget claim or production reward`,
      evidence: entry.txHash,
    });
  }

  items += await checkDividendRounds(context, contract, ledger, executedIn, discrepancies);

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
      "opened or a service budget claim; dividend rounds opened in their proposal's execution with the " +
      "whole amount set aside, claimed before their deadline, closed once for what was left; relayer " +
      "refunds equal their credits; income shares; for ether and each ledger token, the ledger balance " +
      "equals the zone's balance, and the money set aside the open rounds' outstanding claims and the " +
      "zone's reservedFunds",
    items,
    discrepancies,
  };
}

interface RoundState {
  token: string;
  amountPerCitizen: bigint;
  eligibleCount: bigint;
  claimDeadline: bigint;
  claims: bigint;
  closed: boolean;
}

/**
 * Dividend rounds, from their events in chain order: each opened in the execution of the proposal
 * it names, setting aside amountPerCitizen x eligibleCount; each claim the round's amount, before
 * its deadline and its close, no more than its citizens; each close once, after the deadline,
 * returning exactly what was not claimed. Then, per token, the money set aside: the open rounds'
 * outstanding claims, the ledger's reserve entries and the zone's reservedFunds must agree.
 * Returns how many items it checked.
 */
async function checkDividendRounds(
  context: AuditContext,
  contract: Zone,
  ledger: readonly LedgerEntry[],
  executedIn: ReadonlyMap<string, ReadonlySet<bigint>>,
  discrepancies: AuditDiscrepancy[],
): Promise<number> {
  const names = new Set(["DividendRoundOpened", "DividendClaimed", "DividendRoundClosed"]);
  const events = context.logs.filter((log) => names.has(log.name));
  await context.mapLimit(events, (log) => context.timestampOf(log.blockNumber));
  const rounds = new Map<bigint, RoundState>();
  let items = 0;
  for (const log of events) {
    items++;
    const roundId = arg(log.args, "roundId");
    const label = `dividend round ${roundId}`;
    const time = await context.timestampOf(log.blockNumber);
    if (log.name === "DividendRoundOpened") {
      const proposalId = arg(log.args, "proposalId");
      // A round pays the electorate of the proposal that opened it: its snapshot's citizens.
      const electorate = context.proposals.get(proposalId);
      const round: RoundState = {
        token: getAddress(log.args.getValue("token") as string),
        amountPerCitizen: arg(log.args, "amountPerCitizen"),
        eligibleCount: electorate?.eligibleCount ?? 0n,
        claimDeadline: arg(log.args, "claimDeadline"),
        claims: 0n,
        closed: false,
      };
      rounds.set(roundId, round);
      if (electorate === undefined || !executedIn.get(log.txHash)?.has(proposalId)) {
        discrepancies.push({
          what: `${label} names proposal ${proposalId}, but was not opened in its execution`,
          evidence: log.txHash,
        });
      }
      const owed = round.amountPerCitizen * round.eligibleCount;
      if (arg(log.args, "reserved") !== owed) {
        discrepancies.push({
          what: `${label} set ${arg(log.args, "reserved")} aside, but ${round.amountPerCitizen} for each of ${round.eligibleCount} citizens is ${owed}`,
          evidence: log.txHash,
        });
      }
      continue;
    }
    const round = rounds.get(roundId);
    if (round === undefined) {
      discrepancies.push({
        what: `${log.name === "DividendClaimed" ? "dividend claimed" : "dividend round closed"} in round ${roundId}, which was never opened`,
        evidence: log.txHash,
      });
      continue;
    }
    if (log.name === "DividendClaimed") {
      round.claims++;
      if (arg(log.args, "amount") !== round.amountPerCitizen) {
        discrepancies.push({
          what: `dividend claim in round ${roundId} paid ${arg(log.args, "amount")}, the round ${round.amountPerCitizen}`,
          evidence: log.txHash,
        });
      }
      if (round.claims > round.eligibleCount) {
        discrepancies.push({
          what: `round ${roundId} has more claims (${round.claims}) than citizens (${round.eligibleCount})`,
          evidence: log.txHash,
        });
      }
      if (round.closed || time >= round.claimDeadline) {
        discrepancies.push({
          what: `dividend claim in round ${roundId} at ${time}, ${round.closed ? "after the round was closed" : `not before its deadline ${round.claimDeadline}`}`,
          evidence: log.txHash,
        });
      }
      continue;
    }
    const unclaimed = (round.eligibleCount - round.claims) * round.amountPerCitizen;
    if (round.closed) {
      discrepancies.push({ what: `${label} closed twice`, evidence: log.txHash });
    } else if (time < round.claimDeadline) {
      discrepancies.push({
        what: `${label} closed at ${time}, before its claim deadline ${round.claimDeadline}`,
        evidence: log.txHash,
      });
    }
    if (getAddress(log.args.getValue("token") as string) !== round.token) {
      discrepancies.push({
        what: `${label} closed in token ${String(log.args.getValue("token"))}, opened in ${round.token}`,
        evidence: log.txHash,
      });
    }
    if (!round.closed && arg(log.args, "returned") !== unclaimed) {
      discrepancies.push({
        what: `${label} returned ${arg(log.args, "returned")} to the treasury, but ${round.eligibleCount - round.claims} unclaimed dividends are ${unclaimed}`,
        evidence: log.txHash,
      });
    }
    round.closed = true;
  }

  // The money set aside, per token: what the open rounds still owe, the ledger and the zone agree.
  const outstanding = new Map<string, bigint>();
  for (const entry of ledger) if (entry.kind === "reserve") outstanding.set(getAddress(entry.token), 0n);
  for (const round of rounds.values()) {
    const owed = round.closed ? 0n : (round.eligibleCount - round.claims) * round.amountPerCitizen;
    outstanding.set(round.token, (outstanding.get(round.token) ?? 0n) + owed);
  }
  const tokens = [...outstanding.keys()];
  const reserved = await context.mapLimit(tokens, (token) =>
    contract.reservedFunds(token, { blockTag: context.block }),
  );
  tokens.forEach((token, k) => {
    items++;
    const owed = outstanding.get(token)!;
    const onLedger = ledgerReserved(ledger, token);
    if (onLedger !== owed || reserved[k] !== owed) {
      discrepancies.push({
        what: `the ${token === ZeroAddress ? "ether" : `token ${token}`} set aside differs from what the open dividend rounds still owe`,
        evidence: `reservedFunds at block ${context.block} = ${reserved[k]}; ledger = ${onLedger}; open rounds' outstanding claims = ${owed}`,
      });
    }
  });
  return items;
}

function tokenName(token: string): string {
  return getAddress(token) === ZeroAddress ? "wei" : `of token ${token}`;
}

/** The place of a ledger entry among the zone's logs. */
function orderOf(orders: ReadonlyMap<string, number>, entry: LedgerEntry): number {
  return orders.get(`${entry.blockNumber}:${entry.logIndex}`) ?? Number.MAX_SAFE_INTEGER;
}
