/** Proposals: the list, one proposal's actions and results, and the vote panel. */
import type { Identity } from "@semaphore-protocol/identity";
import { useEffect, useRef, useState } from "react";
import { ConfirmDialog, Stages } from "./confirm-dialog.js";
import { ballotOptions, decisionRuleText, optionLabel, proposalTitle } from "../../sdk/ballot.js";
import { formatDuration } from "../../sdk/describe.js";
import { countedVote } from "../../sdk/proposals.js";
import {
  explain,
  sealedBallotsReader,
  zoneReader,
  type ProposalInfo,
  type Relayers,
  type WebConfig,
} from "./api.js";
import { hasCastSealedVote } from "../../sdk/sealed-votes.js";
import { zoneCreatedBlock } from "./config-types.js";
import { RelayerRefusal, type RelayerClient } from "../../sdk/relayer-client.js";
import {
  ProverError,
  prepareSealedVote,
  prepareVotes,
  zoneTarget,
  type SealedVoteJob,
  type VoteJob,
} from "./prover.js";
import type { NotEligible, ProverStage } from "./prover-protocol.js";
import { rawAction } from "./readable.js";
import type { CheckedProposal } from "./verify-proposals.js";
import type { Citizenship } from "./citizen-place.js";
import { formatDate } from "./format.js";

/**
 * Option indexes (as castVote numbers them) in the order every list, button and result shows them:
 * the sdk's ballotOptions (For, Against, Abstain; or the options in chain order).
 */
export function ballotOrder(proposal: ProposalInfo): number[] {
  return ballotOptions(proposal).map((option) => option.index);
}

/** What citizens read for option index `option`: "For", "Option 1: Clearwater", "Option 2" (the sdk's label). */
export function optionName(proposal: ProposalInfo, option: number): string {
  return optionLabel(proposal, option);
}

/**
 * What option index `option` does, from its readable line without its label ("pay 1 ETH to 0x…"),
 * for under a vote button that already shows the label; undefined if the actions are unreadable.
 */
export function optionEffect(
  proposal: ProposalInfo,
  option: number,
  lines: string[] | undefined,
): string | undefined {
  const line = lines?.[option];
  const label = optionName(proposal, option);
  if (line === undefined) return undefined;
  for (const separator of [" — ", ": "]) {
    if (line.startsWith(label + separator)) return line.slice(label.length + separator.length);
  }
  return line.replace(/^Option \d+: /, "");
}

/** "opens in 5 hours 20 minutes", "2 days 4 hours left" (rounded up, so never earlier than it is). */
export function timeLeft(
  proposal: Pick<ProposalInfo, "state" | "voteStart" | "voteEnd">,
  chainTime: number,
): string {
  const until = (time: number) =>
    time > chainTime ? formatDuration(time - chainTime, { units: 2 }) : "moments";
  if (proposal.state === "Pending") return `opens in ${until(proposal.voteStart)}`;
  if (proposal.state !== "Active") return "voting closed";
  return `${until(proposal.voteEnd)} left`;
}

const turnoutOf = (proposal: ProposalInfo) => proposal.tally.reduce((sum, votes) => sum + Number(votes), 0);

/** Whether the proposal's ballots are sealed and its count not yet opened by its tellers. */
export function isSealedShut(proposal: ProposalInfo): boolean {
  return (
    proposal.sealed !== null &&
    proposal.sealed !== undefined &&
    ["Pending", "Active", "Tallying"].includes(proposal.state)
  );
}

/**
 * Votes needed for quorum (basis points of the eligible citizens, rounded up): under the rule in
 * force at the proposal's creation when the relayer reports it, else the zone's current rule
 * (`currentQuorumBps`), which is wrong for proposals made before a rules change.
 */
export function quorumVotes(
  proposal: ProposalInfo,
  currentQuorumBps: number | undefined,
): number | undefined {
  const quorumBps = typeof proposal.quorumBps === "number" ? proposal.quorumBps : currentQuorumBps;
  return quorumBps === undefined ? undefined : Math.ceil((quorumBps * proposal.eligibleCount) / 10_000);
}

function resultLine(proposal: ProposalInfo): string {
  switch (proposal.state) {
    case "Pending":
    case "Active":
      return "Voting in progress";
    case "Tallying":
      return "Voting closed: the tellers are opening the sealed count";
    case "Defeated":
      return "Did not pass";
    case "Succeeded":
      return "Passed: waiting to be queued for execution";
    case "Queued":
      return `Passed: executable from ${formatDate(proposal.eta)}`;
    case "Executed":
      return "Passed and executed";
    case "Expired":
      return "Passed, but was not executed in time";
    case "Canceled":
      return "Canceled";
    default:
      return proposal.state;
  }
}

export function ProposalList(props: {
  zone: string;
  proposals: CheckedProposal[];
  chainTime: number;
  quorumBps: number | undefined;
  /** The option the unlocked identity voted for, by proposal id (counted on chain); none if locked. */
  voted?: ReadonlyMap<string, number>;
}) {
  if (props.proposals.length === 0) return <p>No proposals yet.</p>;
  const unverified = props.proposals.find((proposal) => proposal.provenance.kind === "relayer-only");
  return (
    <>
      {unverified && (
        <p className="muted" data-testid="provenance">
          From relayer {unverified.relayer}, unverified (the app has no chain connection to check it).
        </p>
      )}
      <ul className="plain">
        {[...props.proposals].reverse().map((proposal) => {
          const needed = quorumVotes(proposal, props.quorumBps);
          return (
            <li key={proposal.id}>
              <a href={`#/zone/${props.zone}/proposal/${proposal.id}`}>
                #{proposal.id} {proposalTitle(proposal) || "(no description)"}
              </a>
              {props.voted?.has(proposal.id) && (
                <span className="voted-mark" data-testid={`voted-${proposal.id}`}>
                  {" "}
                  ✓ You voted {optionName(proposal, props.voted.get(proposal.id)!)}
                </span>
              )}
              <div className="muted">
                <span className="badge">{proposal.state}</span> {timeLeft(proposal, props.chainTime)} ·{" "}
                {isSealedShut(proposal) ? (
                  <>sealed until {formatDate(proposal.voteEnd)}</>
                ) : (
                  <>
                    turnout {turnoutOf(proposal)} of {proposal.eligibleCount}
                    {needed !== undefined && ` (quorum ${needed})`}
                  </>
                )}{" "}
                · {resultLine(proposal)}
              </div>
              {proposal.provenance.kind === "contradicted" && (
                <div className="error">
                  Relayer {proposal.relayer} described this proposal differently from the chain: the chain's
                  version is shown.
                </div>
              )}
            </li>
          );
        })}
      </ul>
    </>
  );
}

/** Where the page's account of the proposal comes from and, when it is not trustworthy, why no vote. */
export function ProvenanceNote({ proposal }: { proposal: CheckedProposal }) {
  const { provenance, relayer } = proposal;
  switch (provenance.kind) {
    case "chain":
      return (
        <p className="muted" data-testid="provenance">
          Checked against the proposal as recorded on chain.
        </p>
      );
    case "relayer-only":
      return (
        <p className="muted" data-testid="provenance">
          From relayer {relayer}, unverified: the app has no chain connection to check it.
        </p>
      );
    case "contradicted":
      return (
        <p className="error" role="alert" data-testid="provenance">
          Relayer {relayer} described proposal #{proposal.id} differently from the chain (
          {provenance.differences.join(", ")}); not voting through it. Shown here: the chain's version.
        </p>
      );
    case "not-on-chain":
      return (
        <p className="error" role="alert" data-testid="provenance">
          Relayer {relayer} lists proposal #{proposal.id}, but the chain has no such proposal (yet); not
          voting on it.
        </p>
      );
    case "unchecked":
      return (
        <p className="error" role="alert" data-testid="provenance">
          The proposal could not be checked against the chain ({provenance.reason}); voting waits until it
          can.
        </p>
      );
  }
}

/**
 * What each choice does: the lines the app decoded from the actions, or when it could not, every
 * action raw (target, value, data), never nothing.
 */
export function OptionList({ proposal, lines }: { proposal: ProposalInfo; lines: string[] | undefined }) {
  if (lines) {
    return (
      <ul data-testid="option-lines">
        {ballotOrder(proposal).map((option) => (
          <li key={option}>{lines[option]}</li>
        ))}
      </ul>
    );
  }
  const options: unknown[] = Array.isArray(proposal.options) ? proposal.options : [];
  return (
    <>
      <p className="muted">The app cannot put these actions in words; here they are as the zone runs them.</p>
      <ul data-testid="option-lines">
        {options.map((actions, index) => {
          const list: unknown[] = Array.isArray(actions) ? actions : [];
          const option = proposal.multipleChoice ? index : 1; // For/Against/Abstain: only For acts
          return (
            <li key={index}>
              {optionName(proposal, option)}:{" "}
              {list.length === 0 ? "nothing happens" : `${list.length} action(s)`}
              <ol>
                {list.map((action, step) => (
                  <li key={step}>
                    <code>{rawAction(action as Parameters<typeof rawAction>[0])}</code>
                  </li>
                ))}
              </ol>
            </li>
          );
        })}
      </ul>
    </>
  );
}

/** The results' heading: the proposal's state and what it means. */
function ResultsHeading({ proposal }: { proposal: ProposalInfo }) {
  return (
    <>
      <h2 id="results-heading">Results</h2>
      <p>
        <span className="badge" data-testid="state">
          {proposal.state}
        </span>{" "}
        {resultLine(proposal)}
      </p>
    </>
  );
}

export function Results(props: { proposal: ProposalInfo; quorumBps: number | undefined }) {
  const { proposal } = props;
  const turnout = turnoutOf(proposal);
  const needed = quorumVotes(proposal, props.quorumBps);
  const scale = Math.max(proposal.eligibleCount, 1);
  // The rule in force at the proposal's creation, as the relayer reports it (the zone's current
  // quorum when it does not; the page says so above).
  const quorumBps = typeof proposal.quorumBps === "number" ? proposal.quorumBps : props.quorumBps;
  const rule =
    quorumBps !== undefined && typeof proposal.approvalBps === "number"
      ? decisionRuleText({
          multipleChoice: proposal.multipleChoice,
          quorumBps,
          approvalBps: proposal.approvalBps,
        })
      : undefined;
  if (isSealedShut(proposal)) {
    return (
      <section aria-labelledby="results-heading">
        <ResultsHeading proposal={proposal} />
        <p data-testid="sealed-until">
          {proposal.state === "Tallying"
            ? `Sealed since the vote closed on ${formatDate(proposal.voteEnd)}: enough of the zone's tellers must now open the total together (never a single ballot), and the chain checks their work before it counts.`
            : `Sealed until ${formatDate(proposal.voteEnd)}: every ballot is encrypted to the zone's tellers, so no count exists to show while the vote is open. After it closes, enough of the tellers together open the total, never a single ballot, and the chain checks their work.`}
        </p>
        {rule !== undefined && <p data-testid="decision-rule">{rule}</p>}
      </section>
    );
  }
  return (
    <section aria-labelledby="results-heading">
      <ResultsHeading proposal={proposal} />
      <table>
        <caption className="muted">Votes per option</caption>
        <tbody>
          {ballotOrder(proposal).map((option) => (
            <tr key={option}>
              <th scope="row">{optionName(proposal, option)}</th>
              <td data-testid={`tally-${option}`}>{proposal.tally[option] ?? "0"}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p id="turnout-label">
        Turnout: {turnout} of {proposal.eligibleCount} citizens
        {needed !== undefined ? `; quorum: ${needed} (${turnout >= needed ? "reached" : "not reached"})` : ""}
        {needed !== undefined && typeof proposal.quorumBps !== "number" && " under the zone's current rule"}
      </p>
      {rule !== undefined && <p data-testid="decision-rule">{rule}</p>}
      <div
        className="bar"
        role="meter"
        aria-labelledby="turnout-label"
        aria-valuemin={0}
        aria-valuemax={proposal.eligibleCount}
        aria-valuenow={turnout}
      >
        <span style={{ width: `${(100 * turnout) / scale}%` }} />
        {needed !== undefined && <i style={{ left: `${Math.min(100, (100 * needed) / scale)}%` }} />}
      </div>
    </section>
  );
}

type Phase =
  | { kind: "idle"; message?: string }
  | { kind: "checking" }
  /** Already voted: the option when the chain shows it, undefined when a relayer said so (409). */
  | { kind: "voted"; option: number | undefined }
  /** "place": the one search of the identity's leaf index (citizen-place.ts), before the worker's stages. */
  | { kind: "preparing"; stage: ProverStage | "place"; detail: string; ready: number }
  | { kind: "ready"; ready: number }
  | { kind: "submitting"; option: number }
  | { kind: "queued"; option: number; ms: number }
  | { kind: "confirmed"; option: number; ms: number; txHash: string | null }
  | { kind: "error"; message: string };

/**
 * Performance measures of what a citizen waits for (browser dev tools show them; the browser test
 * reads them): each proof, as long as the worker took, and each click on Send with the vote prepared
 * until a relayer accepted it.
 */
export const MEASURES = { proof: "zonedao:proof", clickTo202: "zonedao:click-to-202" } as const;

/** localStorage key: "1" when the citizen chose not to confirm votes on this device (desktop only). */
export const SKIP_CONFIRMATION_KEY = "zonedao:skip-vote-confirmation";
/** From this width on a vote may be sent without confirming; below it (phones) it is always confirmed. */
export const DESKTOP_QUERY = "(min-width: 48rem)";

const isDesktop = () => window.matchMedia(DESKTOP_QUERY).matches;
const skipsConfirmation = () => isDesktop() && localStorage.getItem(SKIP_CONFIRMATION_KEY) === "1";

export function VotePanel(props: {
  config: WebConfig;
  relayers: Relayers;
  zone: string;
  proposal: ProposalInfo;
  /** The app's own reading of each option (readable.ts), by option index; undefined if unreadable. */
  lines: string[] | undefined;
  identity: Identity | undefined;
  /** Whether the identity is a citizen, and its leaf index once found (the page's useCitizenship). */
  citizenship: Citizenship;
  onVoted: () => void;
  /** The identity cannot vote on this proposal (not a citizen, or joined after it was made). */
  onNotEligible: (why: NotEligible) => void;
}) {
  const { config, relayers, zone, proposal, identity } = props;
  const [phase, setPhase] = useState<Phase>({ kind: "idle" });
  const [confirming, setConfirming] = useState<number>();
  const [skipping, setSkipping] = useState(skipsConfirmation);
  const job = useRef<VoteJob | undefined>(undefined);
  const sealedJob = useRef<SealedVoteJob | undefined>(undefined);
  const open = proposal.state === "Active";
  const sealed = proposal.sealed ?? null;
  const { onNotEligible } = props;
  const { leafIndex, isMember, searching, error: placeError } = props.citizenship;

  useEffect(() => {
    if (!identity || !open) return;
    if (isMember === false) return onNotEligible("not-a-citizen");
    if (leafIndex === undefined && placeError !== undefined) {
      // Said, not waited on: the search is tried again every few seconds.
      return setPhase({ kind: "error", message: `Your place in the list of citizens: ${placeError}` });
    }
    if (leafIndex === undefined) {
      const detail = "finding your place in the list of citizens, once";
      return setPhase({ kind: "preparing", stage: "place", detail, ready: 0 });
    }
    let stale = false;
    setPhase({ kind: "checking" });
    void (async () => {
      // Detect a vote already counted before doing any work, without telling anyone the nullifier:
      // asking a relayer or the RPC about it would let them link this browser to the vote once it
      // appears on chain. Every vote on the proposal is read instead, and ours looked for here.
      // (A vote accepted but not yet mined is refused by the relayer at submission.)
      const place = { chainId: BigInt(config.chainId), zone, proposalId: BigInt(proposal.id) };
      const fromBlock = zoneCreatedBlock(config, zone);
      const onStage = (stage: ProverStage, detail: string) => {
        if (!stale)
          setPhase((current) => (current.kind === "preparing" ? { ...current, stage, detail } : current));
      };
      const failed = (error: Error) => {
        if (stale || error.message === "cancelled") return;
        if (error instanceof ProverError && error.notEligible) {
          stale = true; // one report, not one per option
          onNotEligible(error.notEligible);
          return;
        }
        setPhase({ kind: "error", message: error.message });
      };
      if (sealed) {
        // A sealed ballot: its box's SealedVoteCast events are read, as open votes' VoteCast are.
        const box = sealedBallotsReader(config);
        if (box && (await hasCastSealedVote(box, identity, place, fromBlock))) {
          if (!stale) setPhase({ kind: "voted", option: undefined });
          return;
        }
        if (stale) return;
        if (!config.sealedBallot) {
          return setPhase({
            kind: "error",
            message: "This app is not set up for sealed ballots (its config names no sealed ballot files).",
          });
        }
        setPhase({ kind: "preparing", stage: "path", detail: "fetching your Merkle path", ready: 0 });
        const ballot = prepareSealedVote(
          {
            ...zoneTarget(config, zone, identity, leafIndex),
            proposal,
            files: config.sealedBallot,
            publicKey: [sealed.publicKey[0]!, sealed.publicKey[1]!],
            sealedBallots: config.contracts.sealedBallots ?? null,
          },
          onStage,
        );
        sealedJob.current = ballot;
        ballot.ready.then((ms) => {
          if (stale) return;
          performance.measure(MEASURES.proof, { end: performance.now(), duration: ms });
          setPhase((current) => (current.kind === "preparing" ? { kind: "ready", ready: 1 } : current));
        }, failed);
        return;
      }
      const reader = zoneReader(config, zone);
      const counted = reader ? await countedVote(reader, identity, place, fromBlock) : undefined;
      if (stale) return;
      if (counted !== undefined) return setPhase({ kind: "voted", option: Number(counted) });
      let ready = 0;
      setPhase({ kind: "preparing", stage: "path", detail: "fetching your Merkle path", ready });
      const options = ballotOrder(proposal);
      const vote = prepareVotes(
        {
          ...zoneTarget(config, zone, identity, leafIndex),
          proposal,
          options,
        },
        onStage,
      );
      job.current = vote;
      for (const option of options) {
        vote.proof(option).then(({ ms }) => {
          if (stale) return;
          ready += 1;
          performance.measure(MEASURES.proof, { end: performance.now(), duration: ms });
          setPhase((current) =>
            current.kind === "preparing" || current.kind === "ready"
              ? ready === options.length
                ? { kind: "ready", ready }
                : { ...current, ready }
              : current,
          );
        }, failed);
      }
    })().catch((error: unknown) => !stale && setPhase({ kind: "error", message: explain(error) }));
    return () => {
      stale = true;
      job.current?.cancel();
      job.current = undefined;
      sealedJob.current?.cancel();
      sealedJob.current = undefined;
    };
    // Prepare again only for another identity, place or proposal, not for each tally refresh.
  }, [identity, zone, proposal.id, open, leafIndex, isMember, placeError]);

  const vote = async (option: number, clicked: number) => {
    setPhase({ kind: "submitting", option });
    try {
      const waiting = { timeoutMs: 120_000, intervalMs: 500 };
      let settle: () => ReturnType<RelayerClient["waitForVote"]>;
      if (sealed) {
        if (!sealedJob.current) throw new Error("the sealed ballot is not prepared yet");
        const { request } = await sealedJob.current.proof(option);
        const { client } = await relayers.submitSealedVote(request);
        sealedJob.current = undefined; // proved once: its randomness is gone
        settle = () => client.waitForSealedVote(request.nullifier, waiting);
      } else {
        if (!job.current) throw new Error("the vote is not prepared yet");
        const { request } = await job.current.proof(option);
        const { client } = await relayers.submitVote(request);
        job.current = undefined; // the other options' proofs are dropped, never sent
        settle = () => client.waitForVote(request.nullifier, waiting);
      }
      const ms = Math.round(performance.measure(MEASURES.clickTo202, { start: clicked }).duration);
      setPhase({ kind: "queued", option, ms });
      const settled = await settle();
      if (settled.status === "rejected")
        throw new Error(`The zone rejected the vote: ${settled.reason ?? "no reason given"}`);
      setPhase({ kind: "confirmed", option, ms, txHash: settled.txHash });
      props.onVoted();
    } catch (error) {
      if (error instanceof RelayerRefusal && error.code === "duplicate_nullifier")
        setPhase({ kind: "voted", option: undefined });
      else setPhase({ kind: "error", message: explain(error) });
    }
  };

  const choose = (option: number) => {
    if (skipsConfirmation()) void vote(option, performance.now());
    else setConfirming(option);
  };

  if (!open) return null;
  if (!identity) {
    return (
      <section aria-labelledby="vote-heading">
        <h2 id="vote-heading">Vote</h2>
        <p>Unlock (or create) your identity below to vote.</p>
      </section>
    );
  }
  const canClick = phase.kind === "preparing" || phase.kind === "ready";
  const voted = phase.kind === "voted";
  return (
    <section aria-labelledby="vote-heading">
      <h2 id="vote-heading">Vote</h2>
      {!voted && (
        <>
          <p className="muted">
            Your vote is proved in this browser and sent through a relayer: no wallet, no gas, and no one can
            tell which citizen cast it.
          </p>
          {sealed && (
            <p data-testid="sealed-note">
              This vote is sealed: your choice is encrypted to the zone's tellers before it leaves this
              browser. No one can read it, not the relayer and not any single teller, and no count shows until
              the vote closes on {formatDate(proposal.voteEnd)}.
            </p>
          )}
          <div className="options" role="group" aria-label="Your choice">
            {ballotOrder(proposal).map((option) => (
              <button key={option} disabled={!canClick} onClick={() => choose(option)}>
                Vote {optionName(proposal, option)}
                <span className="muted" style={{ display: "block", color: "inherit", fontSize: "0.9rem" }}>
                  {optionEffect(proposal, option, props.lines) ?? "actions listed above"}
                </span>
              </button>
            ))}
          </div>
        </>
      )}
      <Progress
        phase={
          phase.kind === "preparing" && phase.stage === "place" && searching
            ? { ...phase, detail: searching }
            : phase
        }
        proposal={proposal}
        sealed={sealed !== null}
      />
      {skipping && !voted && (
        <p className="muted">
          On this device votes are sent without asking first.{" "}
          <button
            type="button"
            className="link"
            onClick={() => {
              localStorage.removeItem(SKIP_CONFIRMATION_KEY);
              setSkipping(false);
            }}
          >
            Ask me again
          </button>
        </p>
      )}
      {confirming !== undefined && (
        <ConfirmVote
          choice={optionName(proposal, confirming)}
          offerSkip={isDesktop()}
          onBack={() => setConfirming(undefined)}
          onSend={(skipNextTime) => {
            const clicked = performance.now();
            if (skipNextTime) {
              localStorage.setItem(SKIP_CONFIRMATION_KEY, "1");
              setSkipping(true);
            }
            setConfirming(undefined);
            void vote(confirming, clicked);
          }}
        />
      )}
    </section>
  );
}

/**
 * The last step before an irreversible vote: names the choice as its button did, Send or Back. A
 * modal dialog: focus moves into it (to Back, the step that undoes nothing), Escape is Back, and
 * the page behind cannot be clicked meanwhile.
 */
function ConfirmVote(props: {
  choice: string;
  offerSkip: boolean;
  onSend: (skipNextTime: boolean) => void;
  onBack: () => void;
}) {
  const [skipNextTime, setSkipNextTime] = useState(false);
  return (
    <ConfirmDialog
      name="vote"
      heading={`Send your vote for ${props.choice}?`}
      onSend={() => props.onSend(skipNextTime)}
      onBack={props.onBack}
    >
      <p id="confirm-vote-note">A vote cannot be changed.</p>
      {props.offerSkip && (
        <label className="inline">
          <input
            type="checkbox"
            checked={skipNextTime}
            onChange={(event) => setSkipNextTime(event.target.checked)}
          />{" "}
          Don't ask again on this device
        </label>
      )}
    </ConfirmDialog>
  );
}

/** The steps of a vote, in the citizen's words. */
export const VOTE_STEPS = ["Fetching your Merkle path", "Making your anonymous proof", "Sending", "Counted"];

function Progress({ phase, proposal, sealed }: { phase: Phase; proposal: ProposalInfo; sealed: boolean }) {
  const total = ballotOrder(proposal).length;
  const current =
    phase.kind === "preparing"
      ? phase.stage === "place" || phase.stage === "path" || phase.stage === "syncing"
        ? 0
        : 1
      : phase.kind === "ready"
        ? 2
        : phase.kind === "submitting"
          ? 2
          : phase.kind === "queued"
            ? 3
            : phase.kind === "confirmed"
              ? 4
              : -1;
  return (
    <div aria-live="polite" data-testid="vote-status">
      <Stages steps={VOTE_STEPS} current={current} />
      {phase.kind === "checking" && <p>Checking whether you already voted…</p>}
      {phase.kind === "preparing" && !sealed && (
        <p>
          Preparing your vote ({phase.detail}); {phase.ready} of {total} choices ready. You can choose now.
        </p>
      )}
      {phase.kind === "preparing" && sealed && (
        <p>Preparing your sealed ballot ({phase.detail}). You can choose now.</p>
      )}
      {phase.kind === "ready" && <p className="ok">Your vote is ready: choose, then confirm to send it.</p>}
      {phase.kind === "submitting" && <p>Sending your vote for {optionName(proposal, phase.option)}…</p>}
      {phase.kind === "queued" && (
        <p>Accepted by the relayer in {phase.ms} ms; waiting for it to be counted…</p>
      )}
      {phase.kind === "confirmed" && !sealed && (
        <p className="ok" role="status">
          Your vote for {optionName(proposal, phase.option)} is counted (accepted in {phase.ms} ms
          {phase.txHash ? `, transaction ${phase.txHash.slice(0, 12)}…` : ""}).
        </p>
      )}
      {phase.kind === "confirmed" && sealed && (
        <p className="ok" role="status">
          Your sealed ballot for {optionName(proposal, phase.option)} is in the box (accepted in {phase.ms} ms
          {phase.txHash ? `, transaction ${phase.txHash.slice(0, 12)}…` : ""}). It stays sealed until{" "}
          {formatDate(proposal.voteEnd)}.
        </p>
      )}
      {phase.kind === "voted" && (
        <p className="voted" role="status" data-testid="you-voted">
          {phase.option === undefined
            ? "You have already voted on this proposal."
            : `You voted ${optionName(proposal, phase.option)} (counted on chain).`}{" "}
          A vote cannot be changed.
        </p>
      )}
      {phase.kind === "error" && (
        <p className="error" role="alert">
          {phase.message}
        </p>
      )}
    </div>
  );
}
