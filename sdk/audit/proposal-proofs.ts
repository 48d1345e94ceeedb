/**
 * Check 3, proposal proofs: each ProposalCreated's proof, decoded from its propose calldata and
 * verified off chain, and what the zone checks around it (content, epoch, slot, vote window, the
 * root's recency) redone from the rules and the group at the time.
 */
import { ROOT_VALIDITY_SECONDS } from "../constants.js";
import { proposalContentHash } from "../scope.js";
import type { ProposalToVerify, ProofVerifier } from "../verify.js";
import { findProposeCall } from "./calldata.js";
import type { AuditContext } from "./context.js";
import type { AuditedProposal } from "./events.js";
import { groupStateIndexBefore, type GroupState } from "./group.js";
import type { AuditDiscrepancy, CheckResult } from "./report.js";
import { transactionIntegrity } from "./transactions.js";

export async function checkProposalProofs(
  context: AuditContext,
  verifier: ProofVerifier,
  groupStates: readonly GroupState[],
): Promise<CheckResult> {
  const discrepancies: AuditDiscrepancy[] = [];
  const proposals = [...context.proposals.values()];
  context.progress(`fetching ${proposals.length} proposal transactions`);
  const found = await context.mapLimit(proposals, async (proposal) => {
    const tx = await context.transaction(proposal.txHash);
    const [blockTime, integrity] = [
      await context.timestampOf(proposal.blockNumber),
      transactionIntegrity(tx),
    ];
    return { proposal, tx, blockTime, integrity };
  });

  const toVerify: { proposal: AuditedProposal; item: ProposalToVerify }[] = [];
  for (const { proposal, tx, blockTime, integrity } of found) {
    const label = `proposal ${proposal.proposalId}`;
    if (integrity !== undefined)
      discrepancies.push({ what: `${label}: ${integrity}`, evidence: proposal.txHash });
    const call = tx === null ? undefined : findProposeCall(tx.data, proposal.nullifier);
    if (call === undefined) {
      discrepancies.push({ what: `${label}: proof not found in calldata`, evidence: proposal.txHash });
      continue;
    }
    const eventContent = proposalContentHash(proposal.options, proposal.description);
    if (proposalContentHash(call.options, call.description) !== eventContent) {
      discrepancies.push({
        what: `${label}: the options or description in ProposalCreated differ from those in the propose calldata`,
        evidence: proposal.txHash,
      });
    }
    const rules = proposal.rules;
    if (rules === undefined) {
      discrepancies.push({
        what: `${label}: no RulesChanged before it, so its rules are unknown (is fromBlock after the zone's creation?)`,
        evidence: `block ${proposal.blockNumber}, tx ${proposal.txHash}`,
      });
    } else {
      const epoch = blockTime / rules.proposalEpoch;
      if (call.proof.epoch !== epoch) {
        discrepancies.push({
          what: `${label}: proof for epoch ${call.proof.epoch}, but the block's time ${blockTime} is in epoch ${epoch}`,
          evidence: proposal.txHash,
        });
      }
      if (call.proof.slot >= rules.proposalsPerEpoch) {
        discrepancies.push({
          what: `${label}: slot ${call.proof.slot} is not below proposalsPerEpoch ${rules.proposalsPerEpoch}`,
          evidence: proposal.txHash,
        });
      }
      const expectedStart = blockTime + rules.votingDelay;
      const expectedEnd = expectedStart + rules.votingPeriod;
      if (proposal.voteStart !== expectedStart || proposal.voteEnd !== expectedEnd) {
        discrepancies.push({
          what: `${label}: vote window [${proposal.voteStart}, ${proposal.voteEnd}) is not the rules' [${expectedStart}, ${expectedEnd})`,
          evidence: `block ${proposal.blockNumber} at ${blockTime}, tx ${proposal.txHash}`,
        });
      }
    }
    const rootProblem = await recentRootProblem(
      context,
      groupStates,
      call.proof.merkleTreeRoot,
      proposal,
      blockTime,
    );
    if (rootProblem !== undefined)
      discrepancies.push({ what: `${label}: ${rootProblem}`, evidence: proposal.txHash });
    toVerify.push({
      proposal,
      item: {
        proof: { ...call.proof, merkleTreeDepth: Number(call.proof.merkleTreeDepth) },
        options: call.options,
        description: call.description,
        tellersTerm: call.tellersTerm,
        context: { chainId: context.chainId, zone: context.zone },
      },
    });
  }
  context.progress(`verifying ${toVerify.length} proposal proofs`);
  const verdicts = await verifier.verifyProposals(toVerify.map(({ item }) => item));
  toVerify.forEach(({ proposal, item }, index) => {
    if (!verdicts[index]) {
      discrepancies.push({
        what: `proposal ${proposal.proposalId}: invalid proof (root ${item.proof.merkleTreeRoot}, depth ${item.proof.merkleTreeDepth}, epoch ${item.proof.epoch}, slot ${item.proof.slot})`,
        evidence: proposal.txHash,
      });
    }
  });
  return {
    name: "proposal proofs",
    description:
      "each ProposalCreated's proof, from its propose calldata, verified off chain (content as message, " +
      "epoch and slot as scope); the epoch, the slot limit, the vote window and the root's recency at the time",
    items: proposals.length,
    discrepancies,
  };
}

/** Why `root` could not prove membership at `proposal`'s time (see ZoneMembership._requireRecentRoot). */
async function recentRootProblem(
  context: AuditContext,
  states: readonly GroupState[],
  root: bigint,
  proposal: AuditedProposal,
  blockTime: bigint,
): Promise<string | undefined> {
  const current = groupStateIndexBefore(states, proposal.order);
  if (current >= 0 && states[current]!.root === root && states[current]!.size !== 0) return undefined;
  for (let k = current - 1; k >= 0; k--) {
    if (states[k]!.root !== root) continue;
    const replacedAt = await context.timestampOf(states[k + 1]!.blockNumber);
    if (blockTime <= replacedAt + BigInt(ROOT_VALIDITY_SECONDS)) return undefined;
    return (
      `its proof's root ${root} was replaced at ${replacedAt}, more than ${ROOT_VALIDITY_SECONDS} s ` +
      `before the proposal (${blockTime})`
    );
  }
  return `its proof's root ${root} was never a root of the group before it`;
}
