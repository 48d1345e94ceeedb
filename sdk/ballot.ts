/**
 * One numbering and naming of a proposal's options for every layer (web, CLI, audit, demo): the
 * order a ballot lists them, the label a citizen reads ("For", "Option 1: Clearwater"), a choice typed
 * by a person matched to the chain's option index, and the rule that decides the proposal in words.
 * Browser-safe.
 */
import { formatUnits } from "ethers";
import { VoteOption } from "./constants.js";
import { isMultipleChoice } from "./proposals.js";
import { readProposalText } from "./proposal-text.js";

/** One choice on a ballot. */
export interface BallotOption {
  /** The chain's option index (castVote's `option`, the tally's position). */
  index: number;
  /**
   * What a citizen reads: "For", "Against", "Abstain"; "Option 1: Clearwater" (counted from 1, the
   * name from the proposal's text), else "Option 1" (describeBallot, in describe.ts, labels an
   * unnamed option by its actions: "Option 1: pay 1 ETH to 0x…").
   */
  label: string;
  /** The option's name from the proposal's text; undefined for For/Against/Abstain and unnamed options. */
  name: string | undefined;
}

/** What a ballot is read from: a ProposalCreated record, or a relayer's ProposalInfo. */
export interface BallotSource {
  description: string;
  /** One action list (For/Against/Abstain) or one per option. */
  options: readonly (readonly unknown[])[];
}

/** For/Against/Abstain, in the order every ballot, list and result shows them. */
const FOR_AGAINST_ABSTAIN: readonly BallotOption[] = [
  { index: VoteOption.For, label: "For", name: undefined },
  { index: VoteOption.Against, label: "Against", name: undefined },
  { index: VoteOption.Abstain, label: "Abstain", name: undefined },
];

/**
 * The proposal's options in ballot order: For, Against, Abstain; or a multiple-choice proposal's
 * options in chain order, numbered from 1 and named by the proposal's text.
 */
export function ballotOptions(proposal: BallotSource): BallotOption[] {
  if (!isMultipleChoice(proposal.options)) return FOR_AGAINST_ABSTAIN.map((option) => ({ ...option }));
  const { optionNames } = readProposalText(proposal.description, proposal.options.length);
  return proposal.options.map((_, index) => {
    const name = optionNames?.[index];
    const number = `Option ${index + 1}`;
    return { index, label: name === undefined ? number : `${number}: ${name}`, name };
  });
}

/** The title a proposal is listed under: its text's title (the whole description if unnamed). */
export function proposalTitle(proposal: BallotSource): string {
  const count = isMultipleChoice(proposal.options) ? proposal.options.length : 0;
  return readProposalText(proposal.description, count).title;
}

/** The label of chain option `index`, or "option index N (not on the ballot)" for one it does not offer. */
export function optionLabel(proposal: BallotSource, index: number | bigint): string {
  const found = ballotOptions(proposal).find((option) => BigInt(option.index) === BigInt(index));
  return found?.label ?? `option index ${index} (not on the ballot)`;
}

/**
 * The ballot option a person typed: for/against/abstain (any case) on a For/Against/Abstain
 * proposal; on a multiple-choice one an option's number counted from 1 as ballots show it, its
 * exact name, or its label ("Option 2", "Option 2: Springco"). Throws, listing every valid choice as
 * labelled, when the text matches none or several options.
 */
export function chooseBallotOption(options: readonly BallotOption[], typed: string): BallotOption {
  const text = typed.trim();
  const lower = text.toLowerCase();
  const matches = new Set<BallotOption>();
  for (const option of options) {
    const number = option.label.match(/^Option (\d+)/)?.[1];
    if (option.label.toLowerCase() === lower) matches.add(option);
    if (number !== undefined && (text === number || lower === `option ${number}`)) matches.add(option);
    if (option.name !== undefined && option.name === text) matches.add(option);
  }
  if (matches.size === 1) return [...matches][0]!;
  const choices = validChoices(options);
  if (matches.size > 1) {
    throw new Error(
      `"${typed}" could mean ${[...matches].map((option) => option.label).join(" or ")}; choose ${choices}`,
    );
  }
  throw new Error(`"${typed}" is not a choice of this proposal; choose ${choices}`);
}

/** The choices a person may type, each with its label: "for, against or abstain", "1 (Option 1: …), 2 (…)". */
export function validChoices(options: readonly BallotOption[]): string {
  const listed = options.map((option) => {
    const number = option.label.match(/^Option (\d+)/)?.[1];
    return number === undefined ? option.label.toLowerCase() : `${number} (${option.label})`;
  });
  return listed.length <= 1 ? listed.join("") : `${listed.slice(0, -1).join(", ")} or ${listed.at(-1)!}`;
}

/** What decides a proposal: its kind, and the rules in force when it was created. */
export interface DecisionRule {
  multipleChoice: boolean;
  quorumBps: number | bigint;
  approvalBps: number | bigint;
}

/**
 * The rule that decides the proposal, in plain words, as ZoneGovernance's counting hooks apply it:
 * quorum counts every vote; For/Against/Abstain passes when For is above the approval share of For
 * and Against; multiple choice runs the option with strictly the most votes (a tie passes nothing)
 * when it is above the approval share of all votes.
 */
export function decisionRuleText({ multipleChoice, quorumBps, approvalBps }: DecisionRule): string {
  const quorum = `at least ${percent(quorumBps)} of the citizens who could vote take part`;
  const approval = percent(approvalBps);
  if (!multipleChoice) {
    return (
      `Passes if ${quorum} (For, Against and Abstain all count) and For has more than ${approval} ` +
      `of the For and Against votes (abstentions count toward the quorum only).`
    );
  }
  return (
    `The option with the most votes wins if ${quorum}, it has more than ${approval} of all votes, ` +
    `and no other option has as many votes (a tie for the most votes passes nothing).`
  );
}

/** Basis points as a percentage: 2000 -> "20%", 1250 -> "12.5%". */
function percent(bps: number | bigint): string {
  return `${formatUnits(BigInt(bps), 2).replace(/\.0$/, "")}%`;
}
