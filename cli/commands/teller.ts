/**
 * `zonedao teller`: runs one teller of a zone's term, one step each run: whatever its key
 * generation's phase (or, with --proposal, a sealed proposal's tally) asks of it now. Run it once a
 * phase (by hand, or from cron); a step already done is said, not repeated.
 */
import type { Result } from "ethers";
import { ZoneFactory__factory } from "../../types/ethers-contracts/index.js";
import type { TypedContractEvent, TypedDeferredTopicFilter } from "../../types/ethers-contracts/common.js";
import { PROPOSAL_STATES } from "../../sdk/constants.js";
import { sealedBallotsAt, zoneTellersAt, type Zone, type ZoneSealedBallots } from "../../sdk/contracts.js";
import { queryEvents } from "../../sdk/logs.js";
import { randomScalar } from "../../sdk/sealed.js";
import {
  answerComplaints,
  complainAbout,
  completeSealedTally,
  newDeal,
  postPartialDecryption,
  receivedShares,
  registerTeller,
  secretShareOf,
  sendDeal,
  tellerNumber,
  type TellersTerm,
} from "../../sdk/tellers.js";
import { CommandError, UsageError, formatTime, type CommandContext } from "../context.js";
import { common, signing, zoneFlag, type Command } from "../flags.js";
import { shortError } from "../refusals.js";
import { loadTellerFile, saveTellerFile, tellerFileExists, type TellerPlace } from "../teller-file.js";

/** ZoneTellers.Phase, by index. */
const PHASES = ["Registration", "Dealing", "Complaints", "Answers", "Finalizable", "Finalized"] as const;
const PASSPHRASE = "ZONEDAO_TELLER_PASSPHRASE";

export const teller: Command = {
  name: "teller",
  summary: "run a teller: the step its key generation or a sealed tally needs now",
  usage: `zonedao teller --zone ZONE --term N --teller-file FILE [--proposal ID] --key KEY

The --key account must be one of the tellers the zone elected for term N. Each run does the step due:
  registration  makes the teller's secret, saves it to FILE, and publishes its key
  dealing       makes a deal (saved to FILE first), and publishes its commitments and the shares,
                each encrypted to its teller
  complaints    decrypts the shares it was dealt and complains about each that fails its check
  answers       answers, in public, each complaint against its deal
  after         finalizes the term's key if nobody has, and checks the teller's share against it
With --proposal ID (a sealed proposal of that term, after its vote): posts the teller's partial
decryption of the sums, then completes the tally if enough tellers have posted.

FILE is encrypted with the passphrase in ${PASSPHRASE} (never a flag). Keep it for the term:
it is what the teller decrypts with.`,
  options: {
    ...common,
    ...signing,
    ...zoneFlag,
    term: { type: "string" },
    "teller-file": { type: "string" },
    proposal: { type: "string" },
  },
  async run(context) {
    const term = context.uint("term");
    const file = context.required("teller-file");
    const passphrase = context.env[PASSPHRASE];
    if (passphrase === undefined || passphrase.length < 8) {
      throw new UsageError(`set ${PASSPHRASE} (8 characters or more): it encrypts the teller file`);
    }
    const { address, zone, createdBlock } = await context.zone();
    const signer = await context.signer();
    const factory = ZoneFactory__factory.connect(await zone.factory(), signer);
    const place: TellersTerm = {
      tellers: zoneTellersAt(await factory.TELLERS(), signer),
      zone: address,
      term,
      fromBlock: createdBlock,
    };
    const filePlace: TellerPlace = {
      chainId: (await (await context.provider()).getNetwork()).chainId,
      zone: address,
      term,
    };
    let number: number;
    try {
      number = await tellerNumber(place, signer.address);
    } catch (error) {
      throw new CommandError(`${signer.address} is not a teller of term ${term}: ${shortError(error)}`);
    }
    const step = new TellerStep(context, place, filePlace, number, file, passphrase);
    const proposal = context.text("proposal");
    if (proposal !== undefined) {
      const sealedBallots = sealedBallotsAt(await factory.SEALED_BALLOTS(), signer);
      await step.tally(zone, sealedBallots, context.uint("proposal"));
      return;
    }
    await step.keyGeneration();
  },
};

class TellerStep {
  constructor(
    readonly context: CommandContext,
    readonly place: TellersTerm,
    readonly filePlace: TellerPlace,
    readonly number: number,
    readonly file: string,
    readonly passphrase: string,
  ) {}

  say(step: string, text: string, extra: Record<string, unknown> = {}): void {
    this.context.print(
      { teller: this.number, term: this.place.term.toString(), step, ...extra },
      `teller ${this.number} of term ${this.place.term}: ${text}`,
    );
  }

  load() {
    if (!tellerFileExists(this.file)) {
      throw new CommandError(`no teller file at ${this.file}: it is made at registration, by this command`);
    }
    return loadTellerFile(this.file, this.filePlace, this.passphrase);
  }

  async keyGeneration(): Promise<void> {
    const { tellers, zone, term } = this.place;
    const phase = PHASES[Number(await tellers.phaseOf(zone, term))]!;
    const { start, phaseLength } = await tellers.getTerm(zone, term);
    const nextPhaseAt = (index: number) => formatTime(start + BigInt(index) * phaseLength);
    const registered = (await tellers.tellerKey(zone, term, this.number)).y !== 0n;
    // Read (and so its passphrase checked) on every run that has one, whatever the step.
    const saved = tellerFileExists(this.file) ? this.load() : undefined;
    const required = () => saved ?? this.load(); // load() names the missing file
    switch (phase) {
      case "Registration": {
        if (registered) return this.say("register", `registered; dealing starts at ${nextPhaseAt(1)}`);
        // The secret is saved before its key is published: a key whose secret is lost loses the shares.
        const secret = saved?.secret ?? randomScalar();
        saveTellerFile(this.file, this.filePlace, { secret }, this.passphrase);
        await registerTeller(this.place, secret);
        return this.say("register", `registered its key; dealing starts at ${nextPhaseAt(1)}`);
      }
      case "Dealing": {
        if (!registered) throw new CommandError("it did not register in time: it takes no part in this term");
        if ((await tellers.commitmentsOf(zone, term, this.number)).length > 0) {
          return this.say("deal", `dealt; complaints start at ${nextPhaseAt(2)}`);
        }
        const secrets = required();
        const deal = secrets.deal ?? (await newDeal(this.place, this.number));
        saveTellerFile(this.file, this.filePlace, { ...secrets, deal }, this.passphrase);
        await sendDeal(this.place, deal);
        return this.say("deal", `dealt its shares; complaints start at ${nextPhaseAt(2)}`);
      }
      case "Complaints": {
        const { wrong } = await receivedShares(this.place, this.number, required().secret);
        const made = await this.complaintsBy();
        const due = wrong.filter((dealer) => !made.has(dealer));
        await complainAbout(this.place, due);
        const text =
          wrong.length === 0
            ? "every share it was dealt checks out"
            : `complained about dealer(s) ${wrong.join(", ")}, whose shares fail their check`;
        return this.say("complain", `${text}; answers start at ${nextPhaseAt(3)}`, { wrong });
      }
      case "Answers": {
        const { deal } = required();
        if (deal === undefined) return this.say("answer", "it did not deal: nothing to answer");
        const complainants = await answerComplaints(this.place, deal, await this.answeredComplaints());
        return this.say(
          "answer",
          complainants.length === 0
            ? "no complaint to answer"
            : `answered teller(s) ${complainants.join(", ")}`,
          { answered: complainants },
        );
      }
      case "Finalizable":
        await (await tellers.finalize(zone, term)).wait();
      // falls through: the key is final now
      case "Finalized": {
        const secrets = required();
        await secretShareOf(this.place, this.number, secrets.secret);
        // The deal answered its complaints; nothing needs it now.
        if (secrets.deal !== undefined)
          saveTellerFile(this.file, this.filePlace, { secret: secrets.secret }, this.passphrase);
        const { publicKey } = await tellers.getTerm(zone, term);
        return this.say(
          "finalized",
          "the term's key is final, and this teller's share matches its share key",
          {
            publicKey: [publicKey.x.toString(), publicKey.y.toString()],
          },
        );
      }
    }
  }

  async tally(zoneContract: Zone, sealedBallots: ZoneSealedBallots, proposalId: bigint): Promise<void> {
    const { zone, term } = this.place;
    const box = await sealedBallots.ballotBox(zone, proposalId);
    if (box.optionCount === 0n) throw new CommandError(`proposal ${proposalId} is not a sealed proposal`);
    if (box.term !== term)
      throw new CommandError(`proposal ${proposalId} is sealed to term ${box.term}, not ${term}`);
    const view = await zoneContract.getProposal(proposalId);
    const state = PROPOSAL_STATES[Number(view.state)];
    if (state === "Pending" || state === "Active") {
      throw new CommandError(`proposal ${proposalId} is sealed until ${formatTime(view.voteEnd)} (${state})`);
    }
    if (state !== "Tallying")
      throw new CommandError(`proposal ${proposalId} is ${state}: its tally is closed`);
    const proposal = { sealedBallots, zone, proposalId };
    const posted = (await sealedBallots.partialDecryptionOf(zone, proposalId, this.number))[1] !== 0n;
    if (!posted) {
      const share = await secretShareOf(this.place, this.number, this.load().secret);
      await postPartialDecryption(proposal, this.number, share);
    }
    try {
      const counts = await completeSealedTally(proposal, this.place.tellers);
      this.say("tally", `posted its partial decryption; the tally is complete: [${counts.join(", ")}]`, {
        counts,
      });
    } catch (error) {
      this.say(
        "tally",
        `posted its partial decryption; the tally waits for more tellers (${shortError(error)})`,
      );
    }
  }

  /** Dealers this teller complained about already. */
  complaintsBy(): Promise<Set<number>> {
    const { tellers, zone, term } = this.place;
    return this.#numbers(tellers.filters.ShareComplaint(zone, term), "complainant", "dealer");
  }

  /** Tellers whose complaint against this teller's deal is answered already. */
  answeredComplaints(): Promise<Set<number>> {
    const { tellers, zone, term } = this.place;
    return this.#numbers(tellers.filters.ComplaintAnswered(zone, term), "dealer", "complainant");
  }

  /** The `other` teller of each event of `filter` whose `mine` is this teller. */
  async #numbers<E extends TypedContractEvent>(
    filter: TypedDeferredTopicFilter<E>,
    mine: "dealer" | "complainant",
    other: "dealer" | "complainant",
  ): Promise<Set<number>> {
    const events = await queryEvents(this.place.tellers, filter, this.place.fromBlock);
    const args = events.map((event) => event.args as Result);
    return new Set(
      args
        .filter((values) => Number(values.getValue(mine)) === this.number)
        .map((values) => Number(values.getValue(other))),
    );
  }
}
