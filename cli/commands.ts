/**
 * The zonedao commands. Each declares its flags (parsed strictly: an unknown flag is an error) and
 * its help text, and runs with a CommandContext.
 */
import { basename } from "node:path";
import type { ParseArgsConfig } from "node:util";
import { formatEther, parseEther } from "ethers";
import {
  DEFAULT_RULES,
  PROPOSAL_STATES,
  RelayerClient,
  VoteOption,
  createIdentity,
  createZone,
  deployZoneDao,
  deployedZone,
  deploymentFileFor,
  describeProposal,
  exportIdentity,
  nullifierOf,
  payEther,
  proposalRequest,
  proposalScope,
  proveProposal,
  proveVote,
  queryEvents,
  rebuildGroup,
  stopProverThreads,
  voteRequest,
  voteScope,
  zoneFactoryAt,
  type Zone,
  type ZoneAction,
  type ZoneRules,
} from "../sdk/index.js";
import { CommandContext, CommandError, UsageError, chainIdOf } from "./context.js";

type Options = NonNullable<ParseArgsConfig["options"]>;

export interface Command {
  name: string;
  summary: string;
  usage: string;
  options: Options;
  run(context: CommandContext): Promise<void> | void;
}

const common = {
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
  deployment: { type: "string" },
  rpc: { type: "string" },
} as const satisfies Options;
const signing = { key: { type: "string" } } as const satisfies Options;
const identityFlags = {
  identity: { type: "string" },
  "identity-file": { type: "string" },
  citizen: { type: "string" },
} as const satisfies Options;

export const commands: Command[] = [
  {
    name: "deploy",
    summary: "deploy ZoneDAO's contracts to any EVM network and write a deployment file",
    usage: `zonedao deploy --rpc URL --key KEY [--network NAME] [--deployment FILE]

Deploys Poseidon, the official Semaphore v4 verifier (the ceremony's keys, depths 1-32), the batch
verifier, the Zone implementation and the ZoneFactory (with its services, goods and trade modules).
Writes the addresses to --deployment (default deployments/NAME.json; NAME defaults to "localhost"
on chain 31337, else "chain-ID").
  --key KEY            the deployer's private key (env ZONEDAO_PRIVATE_KEY)`,
    options: { ...common, ...signing, network: { type: "string" } },
    async run(context) {
      const signer = await context.signer();
      const provider = await context.provider();
      const chainId = await chainIdOf(provider);
      const network = context.text("network") ?? (chainId === 31337n ? "localhost" : `chain-${chainId}`);
      const path = context.text("deployment", "ZONEDAO_DEPLOYMENT") ?? `deployments/${network}.json`;
      context.progress(`deploying ZoneDAO to chain ${chainId} (${context.rpcUrl()}) from ${signer.address}`);
      const addresses = await deployZoneDao(signer, (step) => context.progress(`  ${step}`));
      const file = await deploymentFileFor(addresses, provider, { network, rpcUrl: context.rpcUrl() });
      const written = new CommandContext({ ...context.flags, deployment: path }, context.env).saveDeployment(
        file,
      );
      context.print(
        { deployment: written, ...file },
        [
          `deployed to chain ${chainId}; wrote ${written}`,
          ...Object.entries(file.contracts).map(([name, address]) => `  ${name.padEnd(18)} ${address}`),
        ].join("\n"),
      );
    },
  },
  {
    name: "zone create",
    summary: "create a zone through the deployment's factory",
    usage: `zonedao zone create --deployment FILE --key KEY --name NAME [--registrar ADDRESS] [rules]

Creates a top-level zone and adds it to the deployment file. The registrar (default: the signer)
admits citizens with \`zonedao member add\`. Rules (defaults in brackets):
  --voting-period SECONDS [259200]   --voting-delay SECONDS [0]
  --execution-delay SECONDS [86400]  --execution-window SECONDS [604800]
  --quorum-bps BPS [2000]            --approval-bps BPS [5000]
  --proposal-epoch SECONDS [86400]   --proposals-per-epoch N [2]
  --max-relayer-refund-wei WEI [0]`,
    options: {
      ...common,
      ...signing,
      name: { type: "string" },
      registrar: { type: "string" },
      "voting-delay": { type: "string" },
      "voting-period": { type: "string" },
      "execution-delay": { type: "string" },
      "execution-window": { type: "string" },
      "quorum-bps": { type: "string" },
      "approval-bps": { type: "string" },
      "proposal-epoch": { type: "string" },
      "proposals-per-epoch": { type: "string" },
      "max-relayer-refund-wei": { type: "string" },
    },
    async run(context) {
      const deployment = context.requireDeployment();
      const signer = await context.signer();
      const name = context.required("name");
      const registrar = context.address("registrar", signer.address);
      const rules: ZoneRules = {
        votingDelay: Number(context.uint("voting-delay", BigInt(DEFAULT_RULES.votingDelay))),
        votingPeriod: Number(context.uint("voting-period", BigInt(DEFAULT_RULES.votingPeriod))),
        executionDelay: Number(context.uint("execution-delay", BigInt(DEFAULT_RULES.executionDelay))),
        executionWindow: Number(context.uint("execution-window", BigInt(DEFAULT_RULES.executionWindow))),
        quorumBps: Number(context.uint("quorum-bps", BigInt(DEFAULT_RULES.quorumBps))),
        approvalBps: Number(context.uint("approval-bps", BigInt(DEFAULT_RULES.approvalBps))),
        proposalEpoch: Number(context.uint("proposal-epoch", BigInt(DEFAULT_RULES.proposalEpoch))),
        proposalsPerEpoch: Number(
          context.uint("proposals-per-epoch", BigInt(DEFAULT_RULES.proposalsPerEpoch)),
        ),
        maxRelayerRefundPerVote: context.uint(
          "max-relayer-refund-wei",
          DEFAULT_RULES.maxRelayerRefundPerVote,
        ),
      };
      const factory = zoneFactoryAt(deployment.contracts.zoneFactory, signer);
      let address: string;
      try {
        address = await createZone(factory, { name, registrar, rules });
      } catch (error) {
        throw new CommandError(`the factory refused the zone: ${shortError(error)}`);
      }
      const entry = await deployedZone(deployment, address, await context.provider());
      deployment.zones = [...deployment.zones.filter((zone) => zone.address !== address), entry];
      const path = context.saveDeployment(deployment);
      context.print(entry, `created zone "${name}" at ${address} (registrar ${registrar}); added to ${path}`);
    },
  },
  {
    name: "zone show",
    summary: "show a zone: citizens, rules, treasury and proposals",
    usage: `zonedao zone show --zone ZONE [--rpc URL]

ZONE is an address, or a zone's name in the --deployment file.`,
    options: { ...common, zone: { type: "string" } },
    async run(context) {
      const { address, zone, createdBlock } = await context.zone();
      const provider = await context.provider();
      const [root, depth, size] = await zone.merkleTree();
      const [memberCount, registrar, parent, rules, proposalCount, balance] = await Promise.all([
        zone.memberCount(),
        zone.registrar(),
        zone.parentZone(),
        zone.rules(),
        zone.proposalCount(),
        provider.getBalance(address),
      ]);
      const descriptions = new Map(
        (await queryEvents(zone, zone.filters.ProposalCreated(), createdBlock ?? 0)).map((log) => [
          log.args.proposalId,
          { description: log.args.description, options: log.args.options },
        ]),
      );
      const proposals = [];
      for (let id = 1n; id <= proposalCount; id++) {
        const view = await zone.getProposal(id);
        const created = descriptions.get(id);
        proposals.push({
          id: id.toString(),
          description: created?.description ?? "",
          state: PROPOSAL_STATES[Number(view.state)] ?? "unknown",
          tally: view.tally.map(String),
          voteEnd: new Date(Number(view.voteEnd) * 1000).toISOString(),
          options: created
            ? describeProposal(
                created.options.map((actions) =>
                  actions.map(({ target, value, data }) => ({ target, value, data })),
                ),
                { zone: address, multipleChoice: view.multipleChoice },
              )
            : [],
        });
      }
      const ruleValues = Object.fromEntries(
        Object.keys(DEFAULT_RULES).map((key) => [key, String(rules[key as keyof ZoneRules])]),
      );
      const summary = {
        zone: address,
        registrar,
        parent: parent === "0x0000000000000000000000000000000000000000" ? null : parent,
        citizens: memberCount.toString(),
        leaves: size.toString(),
        root: root.toString(),
        depth: depth.toString(),
        treasuryWei: balance.toString(),
        rules: ruleValues,
        proposals,
      };
      const text = [
        `zone ${address}`,
        `  citizens    ${memberCount} (tree of ${size} leaves, depth ${depth})`,
        `  registrar   ${registrar}`,
        `  treasury    ${formatEther(balance)} ETH`,
        `  rules       vote ${Number(rules.votingPeriod) / 3600} h, quorum ${Number(rules.quorumBps) / 100}%, approval > ${Number(rules.approvalBps) / 100}%, timelock ${Number(rules.executionDelay) / 3600} h`,
        `  proposals   ${proposalCount}`,
        ...proposals.map(
          (p) => `    #${p.id} ${p.state.padEnd(9)} ${p.description}  [tally ${p.tally.join("/")}]`,
        ),
      ].join("\n");
      context.print(summary, text);
    },
  },
  {
    name: "member add",
    summary: "admit citizens to a zone (the registrar only)",
    usage: `zonedao member add --zone ZONE --key REGISTRAR_KEY --commitment C [--commitment C ...]

Each C is an identity commitment (decimal), as \`zonedao identity show\` prints it.`,
    options: {
      ...common,
      ...signing,
      zone: { type: "string" },
      commitment: { type: "string", multiple: true },
    },
    async run(context) {
      const commitments = ((context.flags.commitment as string[] | undefined) ?? []).flatMap((value) =>
        value.split(","),
      );
      if (commitments.length === 0) throw new UsageError("--commitment is required");
      for (const commitment of commitments) {
        if (!/^\d+$/.test(commitment.trim()))
          throw new UsageError(`--commitment: "${commitment}" is not a decimal identity commitment`);
      }
      const { address, zone } = await context.zone();
      const signer = await context.signer();
      const registrar = await zone.registrar();
      if (registrar !== signer.address) {
        throw new CommandError(
          `only the zone's registrar ${registrar} can add members; --key is ${signer.address}`,
        );
      }
      try {
        const receipt = await (
          await zone.connect(signer).addMembers(commitments.map((c) => BigInt(c.trim())))
        ).wait();
        context.print(
          { zone: address, added: commitments, txHash: receipt?.hash },
          `added ${commitments.length} citizen(s) to ${address} (tx ${receipt?.hash})`,
        );
      } catch (error) {
        throw new CommandError(`the zone refused: ${shortError(error)}`);
      }
    },
  },
  {
    name: "identity new",
    summary: "create a Semaphore identity (its private key is printed: keep it secret)",
    usage: `zonedao identity new [--json]

Prints the exported identity (the citizen's only secret: whoever holds it can vote as them) and its
commitment (public: give it to the zone's registrar).`,
    options: { json: common.json, help: common.help },
    run(context) {
      const identity = createIdentity();
      const exported = exportIdentity(identity);
      context.print(
        { identity: exported, commitment: identity.commitment.toString() },
        `identity    ${exported}   (secret: store it safely)\ncommitment  ${identity.commitment}   (give this to your zone's registrar)`,
      );
    },
  },
  {
    name: "identity show",
    summary: "show an identity's public commitment",
    usage: `zonedao identity show (--identity EXPORTED | --identity-file FILE | --citizen NAME --deployment FILE)`,
    options: { ...common, ...identityFlags },
    run(context) {
      const identity = context.identity();
      context.print({ commitment: identity.commitment.toString() }, `commitment  ${identity.commitment}`);
    },
  },
  {
    name: "propose",
    summary: "propose anonymously, through a relayer or from your own account",
    usage: `zonedao propose --zone ZONE IDENTITY --description TEXT (--actions FILE | --pay-eth AMOUNT --to ADDRESS)
                 (--relayer URL | --key KEY)

IDENTITY is --identity EXPORTED, --identity-file FILE or --citizen NAME (local demo).
--actions FILE is JSON: a list of options, each a list of {"target","value","data"} (one list: a
For/Against/Abstain vote whose For runs it; 2-16 lists: choose one). The proof binds the content,
so no relayer can change it. --relayer defaults to the deployment file's relayer.`,
    options: {
      ...common,
      ...signing,
      ...identityFlags,
      zone: { type: "string" },
      description: { type: "string" },
      actions: { type: "string" },
      "pay-eth": { type: "string" },
      to: { type: "string" },
      relayer: { type: "string" },
    },
    async run(context) {
      const identity = context.identity();
      const description = context.required("description");
      const options = await readOptions(context);
      const { address, zone, createdBlock } = await context.zone();
      const provider = await context.provider();
      const chainId = await chainIdOf(provider);
      const group = await rebuildGroup(zone, { fromBlock: createdBlock });
      if (group.indexOf(identity.commitment) === -1) {
        throw new CommandError(
          `this identity (commitment ${identity.commitment}) is not a citizen of ${address}`,
        );
      }
      const epoch = await zone.currentProposalEpoch();
      const { proposalsPerEpoch } = await zone.rules();
      // Used slots are found among every proposal's nullifier, not by asking the RPC about ours.
      const used = new Set(
        (await queryEvents(zone, zone.filters.ProposalCreated(), createdBlock ?? 0)).map(
          (log) => log.args.nullifier,
        ),
      );
      let slot: bigint | undefined;
      for (let candidate = 0n; candidate < proposalsPerEpoch; candidate++) {
        if (!used.has(nullifierOf(identity, proposalScope(chainId, address, epoch, candidate)))) {
          slot = candidate;
          break;
        }
      }
      if (slot === undefined) {
        throw new CommandError(
          `this identity has used all ${proposalsPerEpoch} of its proposals in epoch ${epoch}`,
        );
      }
      context.progress("proving membership (a few seconds)...");
      const proof = await proveProposal(identity, group, {
        chainId,
        zone: address,
        epoch,
        slot,
        options,
        description,
      });
      await stopProverThreads();
      const relayerUrl = relayerUrlOf(context);
      if (relayerUrl !== undefined) {
        const client = new RelayerClient(relayerUrl);
        const accepted = await submitToRelayer(() =>
          client.submitProposal(proposalRequest(address, options, description, proof)),
        );
        context.progress(`accepted by ${relayerUrl}; waiting for it to be mined...`);
        const deadline = Date.now() + 120_000;
        for (;;) {
          const status = await client.proposalStatus(accepted.nullifier);
          if (status.status === "confirmed") {
            context.print(
              status,
              `proposal ${status.proposalId} created in ${address} (tx ${status.txHash})`,
            );
            return;
          }
          if (status.status === "rejected")
            throw new CommandError(`the zone rejected the proposal: ${status.reason}`);
          if (Date.now() > deadline)
            throw new CommandError(`the proposal is still ${status.status} at ${relayerUrl}`);
          await new Promise((resolve) => setTimeout(resolve, 500));
        }
      }
      const signer = await context.signer();
      try {
        const receipt = await (await zone.connect(signer).propose(options, description, proof)).wait();
        const id = await zone.proposalCount();
        context.print(
          { proposalId: id.toString(), txHash: receipt?.hash },
          `proposal ${id} created in ${address} (tx ${receipt?.hash})`,
        );
      } catch (error) {
        throw new CommandError(`the zone refused the proposal: ${shortError(error)}`);
      }
    },
  },
  {
    name: "vote",
    summary: "vote anonymously: proves locally, sends through a relayer or directly",
    usage: `zonedao vote --zone ZONE --proposal ID --option for|against|abstain|N IDENTITY
              [--relayer URL | --key KEY] [--no-wait]

IDENTITY is --identity EXPORTED, --identity-file FILE or --citizen NAME (local demo). The proof is
made on this machine; only the proof leaves it. --relayer defaults to the deployment file's relayer;
with --key (and no relayer) the vote is sent from that account instead. Waits until the vote is
mined unless --no-wait.`,
    options: {
      ...common,
      ...signing,
      ...identityFlags,
      zone: { type: "string" },
      proposal: { type: "string" },
      option: { type: "string" },
      relayer: { type: "string" },
      "no-wait": { type: "boolean" },
    },
    async run(context) {
      const identity = context.identity();
      const proposalId = context.uint("proposal");
      const option = parseOption(context.required("option"));
      const { address, zone, createdBlock } = await context.zone();
      const provider = await context.provider();
      const chainId = await chainIdOf(provider);
      const { view, state } = await existingProposal(zone, address, proposalId);
      if (state !== "Active") {
        throw new CommandError(
          `proposal ${proposalId} is ${state}: it is not open for votes (voting ran until ${new Date(Number(view.voteEnd) * 1000).toISOString()})`,
        );
      }
      if (BigInt(option) >= view.optionCount) {
        throw new UsageError(
          `--option ${option}: proposal ${proposalId} has options 0 to ${view.optionCount - 1n}`,
        );
      }
      // Looked for among every vote on the proposal, so that the RPC is never told this nullifier
      // (which would link this machine to the vote once it is on chain).
      const nullifier = nullifierOf(identity, voteScope(chainId, address, proposalId));
      const counted = await queryEvents(zone, zone.filters.VoteCast(proposalId), createdBlock ?? 0);
      if (counted.some((log) => log.args.nullifier === nullifier)) {
        throw new CommandError(`this identity already voted on proposal ${proposalId}`);
      }
      const group = await rebuildGroup(zone, { untilProposal: proposalId, fromBlock: createdBlock });
      if (group.indexOf(identity.commitment) === -1) {
        throw new CommandError(
          `this identity was not a citizen of ${address} when proposal ${proposalId} was made`,
        );
      }
      context.progress("proving the vote (a few seconds)...");
      const vote = await proveVote(identity, group, { chainId, zone: address, proposalId, option });
      await stopProverThreads();
      const relayerUrl = relayerUrlOf(context);
      if (relayerUrl !== undefined) {
        const client = new RelayerClient(relayerUrl);
        await submitToRelayer(() => client.submitVote(voteRequest(address, vote)));
        if (context.flags["no-wait"] === true) {
          context.print(
            { nullifier: vote.nullifier.toString(), status: "queued" },
            `vote accepted by ${relayerUrl} (nullifier ${vote.nullifier}); follow it with GET ${relayerUrl}/v1/votes/${vote.nullifier}`,
          );
          return;
        }
        context.progress(`accepted by ${relayerUrl}; waiting for it to be mined...`);
        const status = await client.waitForVote(vote.nullifier, { timeoutMs: 300_000 });
        if (status.status === "rejected")
          throw new CommandError(`the zone did not count the vote: ${status.reason}`);
        context.print(
          status,
          `vote counted on proposal ${proposalId} (tx ${status.txHash}, block ${status.blockNumber})`,
        );
        return;
      }
      const signer = await context.signer();
      try {
        const receipt = await (
          await zone.connect(signer).castVote(proposalId, option, vote.nullifier, vote.points)
        ).wait();
        context.print(
          {
            nullifier: vote.nullifier.toString(),
            status: "confirmed",
            txHash: receipt?.hash,
            blockNumber: receipt?.blockNumber,
          },
          `vote counted on proposal ${proposalId} (tx ${receipt?.hash})`,
        );
      } catch (error) {
        throw new CommandError(`the zone refused the vote: ${shortError(error)}`);
      }
    },
  },
  {
    name: "execute",
    summary: "queue a passed proposal, or execute it once its timelock is over",
    usage: `zonedao execute --zone ZONE --proposal ID --key KEY

A Succeeded proposal is queued (its timelock starts); a Queued one whose timelock is over runs its
winning option's actions, exactly as proposed. Anyone may do either.`,
    options: { ...common, ...signing, zone: { type: "string" }, proposal: { type: "string" } },
    async run(context) {
      const proposalId = context.uint("proposal");
      const { address, zone, createdBlock } = await context.zone();
      const signer = await context.signer();
      const { view, state } = await existingProposal(zone, address, proposalId);
      if (state === "Succeeded") {
        const receipt = await (await zone.connect(signer).queue(proposalId)).wait();
        const { eta } = await zone.getProposal(proposalId);
        context.print(
          { proposalId: proposalId.toString(), state: "Queued", eta: eta.toString(), txHash: receipt?.hash },
          `proposal ${proposalId} queued; it can execute from ${new Date(Number(eta) * 1000).toISOString()}`,
        );
        return;
      }
      if (state !== "Queued")
        throw new CommandError(
          `proposal ${proposalId} is ${state}: only a Succeeded or Queued proposal can move on`,
        );
      const latest = await (await context.provider()).getBlock("latest");
      if (latest !== null && BigInt(latest.timestamp) < view.eta) {
        throw new CommandError(
          `proposal ${proposalId}'s timelock ends at ${new Date(Number(view.eta) * 1000).toISOString()}`,
        );
      }
      const [created] = await queryEvents(zone, zone.filters.ProposalCreated(proposalId), createdBlock ?? 0);
      if (created === undefined)
        throw new CommandError(`cannot find proposal ${proposalId}'s ProposalCreated event`);
      const [option] = await zone.winningOption(proposalId);
      const index = view.multipleChoice ? Number(option) : 0;
      const actions: ZoneAction[] = (created.args.options[index] ?? []).map(({ target, value, data }) => ({
        target,
        value,
        data,
      }));
      try {
        const receipt = await (await zone.connect(signer).execute(proposalId, actions)).wait();
        context.print(
          {
            proposalId: proposalId.toString(),
            state: "Executed",
            option: option.toString(),
            txHash: receipt?.hash,
          },
          `proposal ${proposalId} executed (option ${option}; tx ${receipt?.hash})`,
        );
      } catch (error) {
        throw new CommandError(`execution failed: ${shortError(error)}`);
      }
    },
  },
  {
    name: "relayer",
    summary: "run a relayer for some zones (see relayer/README.md)",
    usage: `zonedao relayer --rpc URL --key KEY [--zones A,B] [--port N] [--db FILE] [--from-block N]

Flags map to the relayer's environment variables (ZONEDAO_RPC_URL, ZONEDAO_RELAYER_KEY,
ZONEDAO_ZONES, ZONEDAO_RELAYER_PORT, ZONEDAO_RELAYER_DB, ZONEDAO_FROM_BLOCK); every other setting is
read from the environment as relayer/README.md lists. --zones defaults to the deployment file's
zones. Stops gracefully on Ctrl-C.`,
    options: {
      ...common,
      ...signing,
      zones: { type: "string" },
      port: { type: "string" },
      host: { type: "string" },
      db: { type: "string" },
      "from-block": { type: "string" },
    },
    async run(context) {
      const deployment = context.deployment();
      const environment: Record<string, string | undefined> = {
        ...context.env,
        ZONEDAO_RPC_URL: context.rpcUrl(),
        ZONEDAO_RELAYER_KEY: context.text("key", "ZONEDAO_RELAYER_KEY") ?? context.env.ZONEDAO_PRIVATE_KEY,
        ZONEDAO_ZONES:
          context.text("zones", "ZONEDAO_ZONES") ?? deployment?.zones.map((zone) => zone.address).join(","),
        ZONEDAO_RELAYER_PORT: context.text("port", "ZONEDAO_RELAYER_PORT"),
        ZONEDAO_RELAYER_HOST: context.text("host", "ZONEDAO_RELAYER_HOST"),
        ZONEDAO_RELAYER_DB: context.text("db", "ZONEDAO_RELAYER_DB"),
        ZONEDAO_FROM_BLOCK:
          context.text("from-block", "ZONEDAO_FROM_BLOCK") ??
          (deployment === undefined ? undefined : String(deployment.blockNumber)),
      };
      const { runRelayer } = await import("../relayer/run.js");
      await runRelayer(environment);
      // Keeps running until a signal stops it.
      await new Promise(() => undefined);
    },
  },
  {
    name: "audit",
    summary: "re-check every tally of a zone from chain data alone",
    usage: `zonedao audit --rpc URL --zone ZONE [--from-block N] [--json]

Independent of relayers and of the zone's own checks: rebuilds the group and checks every
proposal's snapshot; verifies every vote's and proposal's proof off chain with the official
Semaphore v4 keys and the documented scopes; checks every nullifier is used once; recomputes every
tally, state and outcome, and that each executed proposal ran exactly its winning option's actions,
once; accounts for every treasury inflow and outflow. Exits 0 only if everything holds.`,
    options: { ...common, zone: { type: "string" }, "from-block": { type: "string" } },
    async run(context) {
      const { address, createdBlock } = await context.zone();
      const provider = await context.provider();
      const fromBlock =
        context.text("from-block") === undefined ? createdBlock : Number(context.uint("from-block"));
      const { auditZone, formatAuditReport } = await import("../sdk/audit/index.js");
      const report = await auditZone(provider, address, {
        fromBlock,
        onProgress: (line: string) => context.progress(line),
      });
      context.print(report, formatAuditReport(report));
      if (!report.ok) process.exitCode = 1;
    },
  },
];

function parseOption(value: string): number {
  const named: Record<string, number> = {
    against: VoteOption.Against,
    for: VoteOption.For,
    abstain: VoteOption.Abstain,
  };
  const option = named[value.toLowerCase()] ?? (/^\d+$/.test(value) ? Number(value) : undefined);
  if (option === undefined || option > 15) {
    throw new UsageError(`--option: "${value}" is not for, against, abstain or an option number (0-15)`);
  }
  return option;
}

async function readOptions(context: CommandContext): Promise<ZoneAction[][]> {
  const file = context.text("actions");
  const payEth = context.text("pay-eth");
  if ((file === undefined) === (payEth === undefined))
    throw new UsageError("give exactly one of --actions FILE or --pay-eth AMOUNT --to ADDRESS");
  if (payEth !== undefined) {
    let amount: bigint;
    try {
      amount = parseEther(payEth);
    } catch {
      throw new UsageError(`--pay-eth: "${payEth}" is not an amount of ether`);
    }
    return [[payEther(context.address("to"), amount)]];
  }
  const { readFileSync, existsSync } = await import("node:fs");
  if (!existsSync(file!)) throw new UsageError(`--actions: no file at ${file}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file!, "utf8"));
  } catch (error) {
    throw new UsageError(`--actions: ${basename(file!)} is not JSON: ${(error as Error).message}`);
  }
  if (!Array.isArray(parsed) || parsed.length === 0 || parsed.length > 16 || !parsed.every(Array.isArray)) {
    throw new UsageError("--actions: expected a list of 1-16 options, each a list of actions");
  }
  return (parsed as { target?: unknown; value?: unknown; data?: unknown }[][]).map((actions, i) =>
    actions.map((action, j) => {
      const where = `--actions: option ${i} action ${j}`;
      if (typeof action.target !== "string" || !/^0x[0-9a-fA-F]{40}$/.test(action.target))
        throw new UsageError(`${where}: target is not an address`);
      if (typeof action.value !== "string" || !/^\d+$/.test(action.value))
        throw new UsageError(`${where}: value must be a decimal string of wei`);
      if (typeof action.data !== "string" || !/^0x([0-9a-fA-F]{2})*$/.test(action.data))
        throw new UsageError(`${where}: data must be 0x-prefixed hex`);
      return { target: action.target, value: BigInt(action.value), data: action.data };
    }),
  );
}

async function submitToRelayer<T>(submit: () => Promise<T>): Promise<T> {
  try {
    return await submit();
  } catch (error) {
    const refusal = error as { status?: number; code?: string; message: string };
    if (refusal.status !== undefined)
      throw new CommandError(`the relayer refused (${refusal.status} ${refusal.code}): ${refusal.message}`);
    throw new CommandError(`cannot reach the relayer: ${refusal.message}`);
  }
}

/** The useful part of an ethers error: the custom error or reason, not the whole request. */
function shortError(error: unknown): string {
  const { revert, shortMessage, message } = error as {
    revert?: { name: string; args: unknown[] } | null;
    shortMessage?: string;
    message?: string;
  };
  if (revert) return `${revert.name}(${revert.args.map(String).join(", ")})`;
  return shortMessage ?? message ?? String(error);
}

/** The relayer to send through: --relayer, ZONEDAO_RELAYER_URL, else (unless --key) the deployment's. */
function relayerUrlOf(context: CommandContext): string | undefined {
  return (
    context.text("relayer", "ZONEDAO_RELAYER_URL") ??
    (context.text("key") ? undefined : context.deployment()?.relayer?.url)
  );
}

/** Proposal `proposalId` of the zone and its state's name, or a clear error if there is none. */
async function existingProposal(zone: Zone, address: string, proposalId: bigint) {
  if (proposalId === 0n || proposalId > (await zone.proposalCount())) {
    throw new CommandError(`zone ${address} has no proposal ${proposalId}`);
  }
  const view = await zone.getProposal(proposalId);
  return { view, state: PROPOSAL_STATES[Number(view.state)] };
}
