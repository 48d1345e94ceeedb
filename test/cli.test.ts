/**
 * The zonedao CLI, run as its own process against the tests' chain (over HTTP JSON-RPC): the whole
 * path from deployment to execution and audit, and a clear message and exit code for each mistake.
 */
import { expect } from "chai";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Wallet, parseEther } from "ethers";
import {
  Identity,
  exportIdentity,
  parseDeployment,
  removeMember,
  type DeploymentFile,
} from "../sdk/index.js";
import { startCliRelayer, stopCliRelayer, zonedao, zonedaoJson } from "./cli-fixture.js";
import { startRpcBridge, type RpcBridge } from "./rpc-bridge.js";
import { ethers, time } from "./zone-fixture.js";

describe("zonedao CLI", function () {
  let bridge: RpcBridge;
  let key: string;
  let deploymentPath: string;
  let deployment: DeploymentFile;
  let zone: string;
  const citizens = [0, 1, 2].map(() => new Identity());

  before(async function () {
    bridge = await startRpcBridge();
    const wallet = Wallet.createRandom();
    const [funder] = await ethers.getSigners();
    await (await funder!.sendTransaction({ to: wallet.address, value: parseEther("100") })).wait();
    key = wallet.privateKey;
    deploymentPath = join(mkdtempSync(join(tmpdir(), "zonedao-cli-")), "deployment.json");
  });

  after(async function () {
    await bridge?.close();
  });

  /** `zonedao relayer` on the test chain, with the deployment file; resolves once it listens. */
  const startRelayer = () => startCliRelayer(deploymentPath, key);
  const stopRelayer = stopCliRelayer;

  describe("help", function () {
    it("lists every command, and each command explains its flags", async function () {
      const overview = await zonedao(["--help"]);
      expect(overview.code).to.equal(0);
      const names = [
        "deploy",
        "zone create",
        "zone show",
        "member add",
        "member pending",
        "member admit",
        "member apply",
        "identity new",
        "identity show",
        "propose",
        "proposal list",
        "proposal show",
        "member reject",
        "member invite",
        "vote",
        "execute",
        "relayer",
        "audit",
        "ledger",
      ];
      for (const name of names) expect(overview.stdout).to.include(`  ${name}`);
      const helps = await Promise.all(names.map((name) => zonedao([...name.split(" "), "--help"])));
      helps.forEach((help, i) => {
        expect(help.code, names[i]).to.equal(0);
        expect(help.stdout).to.include(`Usage: zonedao ${names[i]}`);
      });
    });

    it("refuses unknown commands and flags with exit code 2", async function () {
      const unknown = await zonedao(["frobnicate"]);
      expect(unknown.code).to.equal(2);
      expect(unknown.stderr).to.include('unknown command "frobnicate"');
      const flag = await zonedao(["identity", "new", "--colour"]);
      expect(flag.code).to.equal(2);
      expect(flag.stderr).to.match(/Unknown option '--colour'/);
      const partial = await zonedao(["zone"]);
      expect(partial.code).to.equal(2);
      expect(partial.stderr).to.include("expected one of zone create, zone fund, zone show");
    });
  });

  describe("identity", function () {
    it("creates an identity and shows its commitment again from the export", async function () {
      const created = await zonedaoJson<{ identity: string; commitment: string }>(["identity", "new"]);
      const shown = await zonedaoJson<{ commitment: string }>([
        "identity",
        "show",
        "--identity",
        created.identity,
      ]);
      expect(shown.commitment).to.equal(created.commitment);
      const bad = await zonedao(["identity", "show", "--identity", "not-an-identity"]);
      expect(bad.code).to.equal(2);
      expect(bad.stderr).to.include("not an exported Semaphore identity");
    });
  });

  describe("from deployment to execution", function () {
    it("deploys the contracts and writes a deployment file", async function () {
      const run = await zonedao([
        "deploy",
        "--rpc",
        bridge.url,
        "--key",
        key,
        "--deployment",
        deploymentPath,
      ]);
      expect(run.code, run.stderr).to.equal(0);
      expect(run.stderr).to.include("deploying SemaphoreVerifier");
      expect(run.stdout + run.stderr).not.to.include(key.slice(2));
      deployment = parseDeployment(readFileSync(deploymentPath, "utf8"));
      expect(deployment.chainId).to.equal("31337");
      for (const address of Object.values(deployment.contracts)) {
        expect(await ethers.provider.getCode(address)).not.to.equal("0x");
      }
    });

    it("creates a zone and admits citizens as its registrar", async function () {
      const created = await zonedaoJson<{ address: string }>([
        "zone",
        "create",
        "--deployment",
        deploymentPath,
        "--key",
        key,
        "--name",
        "Lakeside",
        "--voting-period",
        "3600",
        "--execution-delay",
        "60",
        "--quorum-bps",
        "5000",
      ]);
      zone = created.address;
      expect(parseDeployment(readFileSync(deploymentPath, "utf8")).zones.map((z) => z.name)).to.deep.equal([
        "Lakeside",
      ]);
      const commitments = citizens.flatMap((citizen) => ["--commitment", citizen.commitment.toString()]);
      await zonedaoJson([
        "member",
        "add",
        "--deployment",
        deploymentPath,
        "--zone",
        "Lakeside",
        "--key",
        key,
        ...commitments,
      ]);
      const shown = await zonedaoJson<{ citizens: string }>([
        "zone",
        "show",
        "--deployment",
        deploymentPath,
        "--zone",
        zone,
      ]);
      expect(shown.citizens).to.equal("3");
    });

    it("proposes anonymously, votes through a relayer and directly, then queues and executes", async function () {
      const [funder] = await ethers.getSigners();
      await (await funder!.sendTransaction({ to: zone, value: parseEther("1") })).wait();
      const payee = Wallet.createRandom().address;
      const identities = citizens.map((citizen) => exportIdentity(citizen));
      const proposal = await zonedaoJson<{ proposalId: string }>([
        "propose",
        "--deployment",
        deploymentPath,
        "--zone",
        zone,
        "--identity",
        identities[0]!,
        "--key",
        key,
        "--title",
        "Buy seeds",
        "--pay-eth",
        "0.25",
        "--to",
        payee,
      ]);
      expect(proposal.proposalId).to.equal("1");

      // The same payment and description again, by another citizen, while #1 is open: refused
      // before anything is proved or sent, with the proposal to vote on instead.
      const copy = await zonedao([
        "propose",
        "--deployment",
        deploymentPath,
        "--zone",
        zone,
        "--identity",
        identities[1]!,
        "--key",
        key,
        "--title",
        " Buy seeds",
        "--pay-eth",
        "0.25",
        "--to",
        payee.toLowerCase(),
      ]);
      expect(copy.code, copy.stderr).to.equal(1);
      expect(copy.stderr).to.match(
        /proposal 1 already asks exactly this and is still open \(voting ends .*\): vote on it instead/,
      );
      expect(await zoneView(zone, 2n).catch(() => "no proposal 2")).to.equal("no proposal 2");

      // A relayer started by the CLI itself.
      const { relayer, relayerUrl } = await startRelayer();
      try {
        const run = await zonedao([
          "vote",
          "--deployment",
          deploymentPath,
          "--zone",
          zone,
          "--proposal",
          "1",
          "--option",
          "for",
          "--identity",
          identities[0]!,
          "--relayer",
          relayerUrl,
          "--json",
        ]);
        expect(run.code, run.stderr).to.equal(0);
        expect(JSON.parse(run.stdout)).to.include({ status: "confirmed" });
        // Proved from the relayer's buckets, not from the member list rebuilt from the chain.
        expect(run.stderr).to.include("your leaf index is 0");
        expect(run.stderr).to.include("Merkle path from");
        expect(run.stderr).not.to.include("rebuilding");
      } finally {
        await stopRelayer(relayer);
      }
      const direct = await zonedaoJson<{ status: string }>([
        "vote",
        "--deployment",
        deploymentPath,
        "--zone",
        zone,
        "--proposal",
        "1",
        "--option",
        "for",
        "--identity",
        identities[1]!,
        "--key",
        key,
      ]);
      expect(direct.status).to.equal("confirmed");

      const again = await zonedao([
        "vote",
        "--deployment",
        deploymentPath,
        "--zone",
        zone,
        "--proposal",
        "1",
        "--option",
        "against",
        "--identity",
        identities[1]!,
        "--key",
        key,
      ]);
      expect(again.code).to.equal(1);
      expect(again.stderr).to.include("this identity already voted on proposal 1");

      const early = await zonedao([
        "execute",
        "--deployment",
        deploymentPath,
        "--zone",
        zone,
        "--proposal",
        "1",
        "--key",
        key,
      ]);
      expect(early.code).to.equal(1);
      expect(early.stderr).to.include("proposal 1 is Active");

      const { voteEnd } = await zoneView(zone, 1n);
      await time.increaseTo(voteEnd);
      const queued = await zonedaoJson<{ state: string }>([
        "execute",
        "--deployment",
        deploymentPath,
        "--zone",
        zone,
        "--proposal",
        "1",
        "--key",
        key,
      ]);
      expect(queued.state).to.equal("Queued");
      await time.increase(61);
      const executed = await zonedaoJson<{ state: string }>([
        "execute",
        "--deployment",
        deploymentPath,
        "--zone",
        zone,
        "--proposal",
        "1",
        "--key",
        key,
      ]);
      expect(executed.state).to.equal("Executed");
      expect(await ethers.provider.getBalance(payee)).to.equal(parseEther("0.25"));

      const closed = await zonedao([
        "vote",
        "--deployment",
        deploymentPath,
        "--zone",
        zone,
        "--proposal",
        "1",
        "--option",
        "for",
        "--identity",
        identities[2]!,
        "--key",
        key,
      ]);
      expect(closed.code).to.equal(1);
      expect(closed.stderr).to.include("proposal 1 is Executed: it is not open for votes");
    });

    it("removes a citizen: the vote approves it, execute applies it though a citizen joined meanwhile", async function () {
      const [voter, proposer] = citizens.map((citizen) => exportIdentity(citizen));
      const actionsFile = join(mkdtempSync(join(tmpdir(), "zonedao-cli-remove-")), "remove.json");
      const removal = removeMember(zone, citizens[2]!.commitment);
      writeFileSync(actionsFile, JSON.stringify([[{ ...removal, value: removal.value.toString() }]]));
      const inZone = ["--deployment", deploymentPath, "--zone", zone, "--key", key];
      // The zone has proposals now: the registrar's newcomer waits longer than a vote takes.
      const newcomer = new Identity();
      const requested = await zonedao([
        "member",
        "add",
        ...inZone,
        "--commitment",
        newcomer.commitment.toString(),
      ]);
      expect(requested.code, requested.stderr).to.equal(0);
      expect(requested.stdout).to.match(
        /^pending: request #1, can be admitted from \S+ unless the citizens reject it; cap left this epoch: 9 \(tx 0x/,
      );
      const { proposalId } = await zonedaoJson<{ proposalId: string }>([
        "propose",
        ...inZone,
        "--identity",
        proposer!,
        "--title",
        "Our third citizen moved away",
        "--actions",
        actionsFile,
      ]);
      for (const identity of [voter!, proposer!]) {
        await zonedaoJson([
          "vote",
          ...inZone,
          "--proposal",
          proposalId,
          "--option",
          "for",
          "--identity",
          identity,
        ]);
      }
      await time.increaseTo((await zoneView(zone, BigInt(proposalId))).voteEnd);
      await zonedaoJson(["execute", ...inZone, "--proposal", proposalId]);
      const early = await zonedao(["member", "admit", ...inZone]);
      expect(early.stdout).to.match(
        /^no request of \S+ is ready to admit \(the next, #1, can be admitted from /,
      );
      // The newcomer enters between queue and execution, so siblings computed when the proposal was
      // made would now be stale; execute computes its own.
      const { zoneAt } = await import("../sdk/index.js");
      const { readAdmissionRequests } = await import("../sdk/index.js");
      const [, pending] = await readAdmissionRequests(zoneAt(zone, ethers.provider));
      await time.increaseTo(pending!.readyAt);
      const admitted = await zonedaoJson<{ admitted: string[] }>(["member", "admit", ...inZone]);
      expect(admitted.admitted).to.deep.equal(["1"]);
      const executed = await zonedaoJson<{ state: string; applied: { identityCommitment: string }[] }>([
        "execute",
        ...inZone,
        "--proposal",
        proposalId,
      ]);
      expect(executed.state).to.equal("Executed");
      expect(executed.applied.map((change) => change.identityCommitment)).to.deep.equal([
        citizens[2]!.commitment.toString(),
      ]);
      expect(await zoneAt(zone, ethers.provider).isMember(citizens[2]!.commitment)).to.equal(false);
      const shown = await zonedaoJson<{ citizens: string }>(["zone", "show", ...inZone.slice(0, 4)]);
      expect(shown.citizens).to.equal("3");

      const nothing = await zonedao(["member", "apply", ...inZone]);
      expect(nothing.code, nothing.stderr).to.equal(0);
      expect(nothing.stdout).to.include(`no approved change is waiting in ${zone}`);
      const gone = await zonedao([
        "member",
        "apply",
        ...inZone,
        "--commitment",
        citizens[2]!.commitment.toString(),
      ]);
      expect(gone.code).to.equal(1);
      expect(gone.stderr).to.include(
        `no removal or replacement of citizen ${citizens[2]!.commitment} is approved`,
      );
    });

    it("proposes with named options; votes by number counted from 1 and by name, counted for the option shown", async function () {
      const [first, second] = citizens.map((citizen) => exportIdentity(citizen));
      const inZone = ["--deployment", deploymentPath, "--zone", zone, "--key", key];
      const payee = Wallet.createRandom().address;
      const pay = (wei: bigint) => [{ target: payee, value: wei.toString(), data: "0x" }];
      const actionsFile = join(mkdtempSync(join(tmpdir(), "zonedao-cli-choice-")), "choice.json");
      writeFileSync(actionsFile, JSON.stringify([pay(10n ** 17n), pay(2n * 10n ** 17n), []]));
      const names = ["Ann (0.1 ETH)", "Bo (0.2 ETH)", "Nobody"];
      const propose = (optionNames: string[]) =>
        zonedao([
          "propose",
          ...inZone,
          "--identity",
          first!,
          "--title",
          "Who mows the park",
          "--actions",
          actionsFile,
          ...optionNames.flatMap((name) => ["--option-name", name]),
          "--json",
        ]);
      const unnamed = await propose(names.slice(0, 2));
      expect(unnamed.code).to.equal(2);
      expect(unnamed.stderr).to.include("--option-name: give one per option, in order: 3 options, 2 name(s)");
      const proposed = await propose(names);
      expect(proposed.code, proposed.stderr).to.equal(0);
      expect(proposed.stderr).to.include(
        "voters choose: Option 1: Ann (0.1 ETH); Option 2: Bo (0.2 ETH); Option 3: Nobody",
      );
      const { proposalId } = JSON.parse(proposed.stdout) as { proposalId: string };

      // `zone show` labels the options as the web app does, with the rule that decides.
      const shown = await zonedaoJson<{
        proposals: { id: string; title: string; rule: string; ballot: { option: number; label: string }[] }[];
      }>(["zone", "show", ...inZone.slice(0, 4)]);
      const listed = shown.proposals.find((proposal) => proposal.id === proposalId)!;
      expect(listed.title).to.equal("Who mows the park");
      expect(listed.ballot.map(({ option, label }) => [option, label])).to.deep.equal([
        [0, "Option 1: Ann (0.1 ETH)"],
        [1, "Option 2: Bo (0.2 ETH)"],
        [2, "Option 3: Nobody"],
      ]);
      expect(listed.rule).to.match(/^The option with the most votes wins if at least 50% /);
      // In words for people: when the vote ends (and, once queued, when it can be executed).
      const text = await zonedao(["zone", "show", ...inZone.slice(0, 4)]);
      expect(text.stdout).to.match(
        new RegExp(
          String.raw`#${proposalId} Active +Who mows the park\n +vote ends \d{4}-\d\d-\d\dT[\d:.]+Z\n`,
        ),
      );

      const vote = (option: string, identity: string) =>
        zonedao([
          "vote",
          ...inZone,
          "--proposal",
          proposalId,
          "--option",
          option,
          "--identity",
          identity,
          "--json",
        ]);
      const counted0 = await vote("0", first!);
      expect(counted0.code).to.equal(2);
      expect(counted0.stderr).to.include(
        `--option: proposal ${proposalId}: "0" is not a choice of this proposal; choose 1 (Option 1: Ann (0.1 ETH)), 2 (Option 2: Bo (0.2 ETH)) or 3 (Option 3: Nobody)`,
      );
      const byNumber = await vote("2", first!);
      expect(byNumber.code, byNumber.stderr).to.equal(0);
      expect(JSON.parse(byNumber.stdout)).to.deep.include({ option: 1, choice: "Option 2: Bo (0.2 ETH)" });
      const byName = await vote("Nobody", second!);
      expect(byName.code, byName.stderr).to.equal(0);
      // Counted for the options the citizens read: "2" is index 1, "Nobody" index 2.
      const { tally } = await zoneView(zone, BigInt(proposalId));
      expect(tally).to.deep.equal([0n, 1n, 1n]);
    });

    it("admissions after founding: pending, listed, capped, vetoed by the citizens' vote, never admitted", async function () {
      const [first, second] = citizens.map((citizen) => exportIdentity(citizen));
      const inZone = ["--deployment", deploymentPath, "--zone", zone, "--key", key];
      const sybil = new Identity();
      const requested = await zonedaoJson<{ requestId: string; status: string; registrarCapLeft: string }>([
        "member",
        "add",
        ...inZone,
        "--commitment",
        sybil.commitment.toString(),
      ]);
      expect(requested).to.deep.include({ requestId: "2", status: "pending", registrarCapLeft: "9" });

      const capped = await zonedao([
        "member",
        "add",
        ...inZone,
        ...Array.from({ length: 10 }, () => ["--commitment", new Identity().commitment.toString()]).flat(),
      ]);
      expect(capped.code).to.equal(1);
      expect(capped.stderr).to.match(
        /the registrar's cap is reached: at most 10 citizen\(s\) per epoch \(10% of the members, at least 10\), and this request would make 11 in epoch \d+; 9 left, renewed \S+\. More needs a vote/,
      );
      const outsider = Wallet.createRandom().privateKey;
      const notRegistrar = await zonedao([
        "member",
        "add",
        "--deployment",
        deploymentPath,
        "--zone",
        zone,
        "--key",
        outsider,
        "--commitment",
        "5",
      ]);
      expect(notRegistrar.code).to.equal(1);
      expect(notRegistrar.stderr).to.include("only the zone's registrar");

      const listed = await zonedaoJson<{
        rules: { invitationsPerEpoch: number; delay: string };
        registrarCapLeft: string;
        requests: {
          requestId: string;
          path: string;
          status: string;
          commitments: string[];
          readyAt: string;
        }[];
      }>(["member", "pending", ...inZone.slice(0, 4)]);
      expect(listed.rules.invitationsPerEpoch).to.equal(0);
      expect(listed.rules.delay).to.equal(String(3600 + 60 + 86_400));
      expect(listed.registrarCapLeft).to.equal("9");
      expect(listed.requests.map(({ requestId, path, status }) => [requestId, path, status])).to.deep.equal([
        ["0", "registrar", "admitted"],
        ["1", "registrar", "admitted"],
        ["2", "registrar", "pending"],
      ]);
      expect(listed.requests[2]!.commitments).to.deep.equal([sybil.commitment.toString()]);
      const text = await zonedao(["member", "pending", ...inZone.slice(0, 4)]);
      expect(text.stdout).to.include("invitations: none");
      expect(text.stdout).to.include(`#2 pending, by registrar `);
      expect(text.stdout).to.include(
        `can be admitted from ${listed.requests[2]!.readyAt}: ${sybil.commitment}`,
      );

      // The invitation path is off by default.
      const off = await zonedao([
        "member",
        "invite",
        new Identity().commitment.toString(),
        ...inZone,
        "--identity",
        first!,
      ]);
      expect(off.code).to.equal(1);
      expect(off.stderr).to.include("allows no invitations");

      // A citizen proposes the veto; it says by when it must run.
      const proposed = await zonedao(["member", "reject", ...inZone, "--identity", first!, "--json"]);
      expect(proposed.code, proposed.stderr).to.equal(0);
      expect(proposed.stderr).to.include(
        `the rejection must pass and run by ${listed.requests[2]!.readyAt}, when request #2 can be admitted`,
      );
      expect(proposed.stderr).not.to.include("warning");
      const veto = JSON.parse(proposed.stdout) as {
        proposalId: string;
        title: string;
        inTime: boolean;
        mustRunBy: string;
      };
      expect(veto).to.deep.include({
        title: "Reject pending admissions",
        inTime: true,
        mustRunBy: listed.requests[2]!.readyAt,
      });
      const shown = await zonedaoJson<{ proposals: { id: string; title: string; options: string[] }[] }>([
        "zone",
        "show",
        ...inZone.slice(0, 4),
      ]);
      const vetoShown = shown.proposals.find((proposal) => proposal.id === veto.proposalId)!;
      expect(vetoShown.title).to.equal("Reject pending admissions");
      expect(vetoShown.options[0]).to.equal("For: reject every admission still pending");

      for (const identity of [first!, second!]) {
        await zonedaoJson([
          "vote",
          ...inZone,
          "--proposal",
          veto.proposalId,
          "--option",
          "for",
          "--identity",
          identity,
        ]);
      }
      await time.increaseTo((await zoneView(zone, BigInt(veto.proposalId))).voteEnd);
      await zonedaoJson(["execute", ...inZone, "--proposal", veto.proposalId]);
      await time.increase(61);
      expect(
        (await zonedaoJson<{ state: string }>(["execute", ...inZone, "--proposal", veto.proposalId])).state,
      ).to.equal("Executed");

      const after = await zonedaoJson<{ requests: { status: string }[] }>([
        "member",
        "pending",
        ...inZone.slice(0, 4),
      ]);
      expect(after.requests[2]!.status).to.equal("rejected");
      await time.increaseTo(BigInt(Date.parse(listed.requests[2]!.readyAt) / 1000) + 1n);
      const none = await zonedaoJson<{ admitted: string[] }>(["member", "admit", ...inZone]);
      expect(none.admitted).to.deep.equal([]);
      const { zoneAt } = await import("../sdk/index.js");
      expect(await zoneAt(zone, ethers.provider).isMember(sybil.commitment)).to.equal(false);

      const nothing = await zonedao(["member", "reject", ...inZone, "--identity", second!]);
      expect(nothing.code).to.equal(1);
      expect(nothing.stderr).to.include("is pending: nothing to reject");
    });

    it("member reject warns when a vote started now would end after the request can be admitted", async function () {
      const [, second] = citizens.map((citizen) => exportIdentity(citizen));
      const inZone = ["--deployment", deploymentPath, "--zone", zone, "--key", key];
      const late = await zonedaoJson<{ requestId: string; readyAt: string }>([
        "member",
        "add",
        ...inZone,
        "--commitment",
        new Identity().commitment.toString(),
      ]);
      // Less than a vote (1 hour) and its timelock left before anyone may admit it.
      await time.increaseTo(BigInt(Date.parse(late.readyAt) / 1000) - 600n);
      const proposed = await zonedao([
        "member",
        "reject",
        ...inZone,
        "--identity",
        second!,
        "--request",
        late.requestId,
        "--json",
      ]);
      expect(proposed.code, proposed.stderr).to.equal(0);
      expect(proposed.stderr).to.match(
        new RegExp(
          `warning: a vote started now can run at the earliest \\S+, 5\\d minutes( \\d+ seconds)? too late: anyone may admit request #${late.requestId} before it`,
        ),
      );
      expect(JSON.parse(proposed.stdout)).to.deep.include({
        title: `Reject admission request #${late.requestId}`,
        inTime: false,
      });
    });

    it("member invite: once the citizens' vote allows invitations, a citizen invites anonymously, one per slot", async function () {
      const [first, second] = citizens.map((citizen) => exportIdentity(citizen));
      const inZone = ["--deployment", deploymentPath, "--zone", zone, "--key", key];
      const { zoneAt, setAdmissionRules, readAdmissionRules, readAdmissionRequests } =
        await import("../sdk/index.js");
      const zoneContract = zoneAt(zone, ethers.provider);
      const allow = setAdmissionRules(await zoneContract.ADMISSIONS(), {
        ...(await readAdmissionRules(zoneContract)),
        invitationsPerEpoch: 1,
      });
      const actionsFile = join(mkdtempSync(join(tmpdir(), "zonedao-cli-invite-")), "invite.json");
      writeFileSync(actionsFile, JSON.stringify([[{ ...allow, value: allow.value.toString() }]]));
      const { proposalId } = await zonedaoJson<{ proposalId: string }>([
        "propose",
        ...inZone,
        "--identity",
        first!,
        "--title",
        "Allow one invitation per citizen",
        "--actions",
        actionsFile,
      ]);
      for (const identity of [first!, second!]) {
        await zonedaoJson([
          "vote",
          ...inZone,
          "--proposal",
          proposalId,
          "--option",
          "for",
          "--identity",
          identity,
        ]);
      }
      await time.increaseTo((await zoneView(zone, BigInt(proposalId))).voteEnd);
      await zonedaoJson(["execute", ...inZone, "--proposal", proposalId]);
      await time.increase(61);
      await zonedaoJson(["execute", ...inZone, "--proposal", proposalId]);

      const newcomer = new Identity();
      const invited = await zonedao([
        "member",
        "invite",
        newcomer.commitment.toString(),
        ...inZone,
        "--identity",
        first!,
      ]);
      expect(invited.code, invited.stderr).to.equal(0);
      expect(invited.stdout).to.match(
        new RegExp(
          `^invited ${newcomer.commitment}: pending as request #\\d+, can be admitted from \\S+ unless the citizens reject it; 0 invitation\\(s\\) left this epoch`,
        ),
      );
      const requests = await readAdmissionRequests(zoneAt(zone, ethers.provider));
      const request = requests.at(-1)!;
      expect(request).to.deep.include({ path: "invitation", by: undefined, status: "pending" });
      expect(request.identityCommitments).to.deep.equal([newcomer.commitment]);

      const again = await zonedao([
        "member",
        "invite",
        new Identity().commitment.toString(),
        ...inZone,
        "--identity",
        first!,
      ]);
      expect(again.code).to.equal(1);
      expect(again.stderr).to.match(
        /this identity has used all 1 of its invitations in epoch \d+; they renew \S+ \(in /,
      );
      // Another citizen invites through a relayer: no account of the citizen's appears.
      const { relayer, relayerUrl } = await startRelayer();
      try {
        const viaRelayer = new Identity();
        const relayed = await zonedaoJson<{ requestId: string; status: string }>([
          "member",
          "invite",
          viaRelayer.commitment.toString(),
          "--deployment",
          deploymentPath,
          "--zone",
          zone,
          "--identity",
          second!,
          "--relayer",
          relayerUrl,
        ]);
        expect(relayed.status).to.equal("pending");
        const relayedRequest = (await readAdmissionRequests(zoneAt(zone, ethers.provider))).at(-1)!;
        expect(relayedRequest.requestId.toString()).to.equal(relayed.requestId);
        expect(relayedRequest).to.deep.include({ path: "invitation", by: undefined, status: "pending" });
        expect(relayedRequest.identityCommitments).to.deep.equal([viaRelayer.commitment]);
      } finally {
        await stopRelayer(relayer);
      }
      const outsider = await zonedao([
        "member",
        "invite",
        new Identity().commitment.toString(),
        ...inZone,
        "--identity",
        exportIdentity(new Identity()),
      ]);
      expect(outsider.code).to.equal(1);
      expect(outsider.stderr).to.include("is not a citizen of");
    });

    it("votes from the private path after a removal (the snapshot's leaves, zeros included), and falls back to the chain's events", async function () {
      const { zoneAt } = await import("../sdk/index.js");
      const { proposalEpoch } = await zoneAt(zone, ethers.provider).rules();
      await time.increase(proposalEpoch);
      const inZone = ["--deployment", deploymentPath, "--zone", zone, "--key", key];
      const { proposalId } = await zonedaoJson<{ proposalId: string }>([
        "propose",
        ...inZone,
        "--identity",
        exportIdentity(citizens[1]!),
        "--title",
        "Paint the bridge",
        "--pay-eth",
        "0.01",
        "--to",
        Wallet.createRandom().address,
      ]);
      const { relayer, relayerUrl } = await startRelayer();
      try {
        const vote = (identity: Identity, ...flags: string[]) =>
          zonedao([
            "vote",
            "--deployment",
            deploymentPath,
            "--zone",
            zone,
            "--proposal",
            proposalId,
            "--option",
            "for",
            "--identity",
            exportIdentity(identity),
            "--relayer",
            relayerUrl,
            "--json",
            ...flags,
          ]);
        const malformed = await vote(citizens[0]!, "--leaf-index", "first");
        expect(malformed.code).to.equal(2);
        expect(malformed.stderr).to.include("--leaf-index: not a leaf index: first");
        // Citizen 2 was removed before this snapshot: its leaf is 0, so eligibleCount (members) is
        // short of the snapshot's leaves; the relayer's snapshotSize counts them, and the path holds.
        const run = await vote(citizens[0]!, "--leaf-index", "0");
        expect(run.code, run.stderr).to.equal(0);
        expect(JSON.parse(run.stdout)).to.include({ status: "confirmed" });
        expect(run.stderr).not.to.include("finding your leaf");
        expect(run.stderr).to.include("Merkle path from");
        // A wrong leaf index (citizen 0's leaf, given for citizen 1): no path for this identity
        // there, so the vote is proved from the group rebuilt from the chain's events.
        const fallback = await vote(citizens[1]!, "--leaf-index", "0");
        expect(fallback.code, fallback.stderr).to.equal(0);
        expect(JSON.parse(fallback.stdout)).to.include({ status: "confirmed" });
        expect(fallback.stderr).to.match(/no private path \(.*not the citizen's commitment\); rebuilding/);
      } finally {
        await stopRelayer(relayer);
      }
    });

    it("audits the zone from chain data alone and exits 0 when everything holds", async function () {
      const run = await zonedao(["audit", "--rpc", bridge.url, "--zone", zone, "--json"]);
      expect(run.code, run.stderr).to.equal(0);
      const report = JSON.parse(run.stdout) as { ok: boolean; checks: { name: string; items: number }[] };
      expect(report.ok).to.equal(true);
      const text = await zonedao(["audit", "--rpc", bridge.url, "--zone", zone]);
      expect(text.code).to.equal(0);
    });
  });

  describe("mistakes get a clear message and a non-zero exit", function () {
    it("a malformed address (2), an unknown zone (1), an unreachable RPC (1), a bad key (2), a missing flag (2)", async function () {
      const malformed = await zonedao(["zone", "show", "--rpc", bridge.url, "--zone", "0x1234"]);
      expect(malformed.code).to.equal(2);
      expect(malformed.stderr).to.include('--zone: "0x1234" is not an address');

      const nowhere = Wallet.createRandom().address;
      const unknown = await zonedao(["zone", "show", "--rpc", bridge.url, "--zone", nowhere]);
      expect(unknown.code).to.equal(1);
      expect(unknown.stderr).to.include(`no ZoneDAO zone at ${nowhere} on chain 31337`);

      const notZone = await zonedao([
        "zone",
        "show",
        "--rpc",
        bridge.url,
        "--zone",
        deployment.contracts.zoneFactory,
      ]);
      expect(notZone.code).to.equal(1);
      expect(notZone.stderr).to.include("is not a ZoneDAO zone");

      const unreachable = await zonedao(["zone", "show", "--rpc", "http://127.0.0.1:9", "--zone", nowhere]);
      expect(unreachable.code).to.equal(1);
      expect(unreachable.stderr).to.include("cannot reach an Ethereum JSON-RPC node at http://127.0.0.1:9");

      const badKey = await zonedao(["deploy", "--rpc", bridge.url, "--key", "0xdeadbeef"]);
      expect(badKey.code).to.equal(2);
      expect(badKey.stderr).to.include("--key is not a private key");
      expect(badKey.stderr).not.to.include("deadbeef");

      const missing = await zonedao([
        "vote",
        "--rpc",
        bridge.url,
        "--zone",
        zone,
        "--option",
        "for",
        "--identity",
        "x",
      ]);
      expect(missing.code).to.equal(2);

      const actionsFile = join(mkdtempSync(join(tmpdir(), "zonedao-cli-actions-")), "actions.json");
      writeFileSync(actionsFile, JSON.stringify([[{ target: "0x12", value: "1", data: "0x" }]]));
      const badActions = await zonedao([
        "propose",
        "--rpc",
        bridge.url,
        "--zone",
        zone,
        "--identity",
        exportIdentity(citizens[0]!),
        "--key",
        key,
        "--title",
        "x",
        "--actions",
        actionsFile,
      ]);
      expect(badActions.code).to.equal(2);
      expect(badActions.stderr).to.include("--actions: option 1 action 1: target is not an address");
    });
  });
});

async function zoneView(zone: string, proposalId: bigint) {
  const { zoneAt } = await import("../sdk/index.js");
  return zoneAt(zone, ethers.provider).getProposal(proposalId);
}
