/** An anonymous proposal: a treasury payment (ether or the zone's stablecoin), proved in the browser. */
import type { Identity } from "@semaphore-protocol/identity";
import { getAddress, isAddress, parseEther, parseUnits } from "ethers";
import { useId, useState, type FormEvent } from "react";
import { payEther, payToken } from "../../sdk/actions.js";
import { nullifierOf } from "../../sdk/nullifier.js";
import { proposalScope } from "../../sdk/scope.js";
import { explain, zoneReader, type Relayers, type WebConfig } from "./api.js";
import { proveProposal } from "./prover.js";

export function ProposeForm(props: {
  config: WebConfig;
  relayers: Relayers;
  zone: string;
  identity: Identity | undefined;
  isMember: boolean | undefined;
}) {
  const { config, relayers, zone, identity } = props;
  const id = useId();
  const [description, setDescription] = useState("");
  const [payee, setPayee] = useState("");
  const [amount, setAmount] = useState("");
  const [token, setToken] = useState<"ether" | "stablecoin">("ether");
  const [status, setStatus] = useState<{ text: string; error?: boolean; link?: string }>();
  const [busy, setBusy] = useState(false);
  const reader = zoneReader(config, zone);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!identity || !reader) return;
    setBusy(true);
    try {
      if (!isAddress(payee)) throw new Error("The payee must be an address (0x followed by 40 hex digits).");
      const action =
        token === "ether"
          ? payEther(getAddress(payee), parseEther(amount))
          : payToken(zone, config.contracts.stablecoin!, getAddress(payee), parseUnits(amount, 18));
      const options = [[action]];
      setStatus({ text: "Finding a free proposal slot…" });
      const [epoch, rules] = await Promise.all([reader.currentProposalEpoch(), reader.rules()]);
      let slot: bigint | undefined;
      for (let candidate = 0n; candidate < rules.proposalsPerEpoch; candidate++) {
        const nullifier = nullifierOf(
          identity,
          proposalScope(BigInt(config.chainId), zone, epoch, candidate),
        );
        if (!(await reader.isNullifierUsed(nullifier))) {
          slot = candidate;
          break;
        }
      }
      if (slot === undefined) {
        throw new Error(`You have used all ${rules.proposalsPerEpoch} of your proposals for this period.`);
      }
      const { members } = await relayers.members(zone);
      const { request } = await proveProposal(
        {
          identity: identity.export(),
          base: document.baseURI,
          chainId: config.chainId,
          zone,
          rpcUrl: config.rpcUrl,
          fromBlock: 0,
          members,
          epoch: epoch.toString(),
          slot: slot.toString(),
          options: options.map((actions) => actions.map((a) => ({ ...a, value: a.value.toString() }))),
          description,
        },
        (_stage, detail) => setStatus({ text: `Preparing your proposal: ${detail}…` }),
      );
      setStatus({ text: "Sending your proposal…" });
      const { client } = await relayers.submitProposal(request);
      setStatus({ text: "Accepted by the relayer; waiting for the zone to record it…" });
      for (let tries = 0; tries < 240; tries++) {
        const submission = await client.proposalStatus(request.nullifier);
        if (submission.status === "rejected")
          throw new Error(`The zone refused it: ${submission.reason ?? "no reason"}`);
        if (submission.status === "confirmed") {
          return setStatus({
            text: `Your proposal is #${submission.proposalId ?? "?"}.`,
            link: submission.proposalId ? `#/zone/${zone}/proposal/${submission.proposalId}` : undefined,
          });
        }
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
      setStatus({ text: "Still waiting for the zone: check the proposals list later." });
    } catch (error) {
      setStatus({ text: explain(error), error: true });
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="propose-heading">
      <h2 id="propose-heading">Propose a treasury payment</h2>
      <p className="muted">
        Anonymous: the proof shows you are a citizen, not which one. It passes if citizens vote For and quorum
        is reached; after the timelock anyone can execute it.
      </p>
      {!reader && <p className="error">Proposing needs the chain's RPC URL in the app's config.</p>}
      {!identity && <p>Unlock your identity above first.</p>}
      {identity && props.isMember === false && (
        <p className="error">This identity is not a citizen of the zone yet.</p>
      )}
      <form onSubmit={(event) => void submit(event)}>
        <label htmlFor={`${id}-description`}>Description</label>
        <textarea
          id={`${id}-description`}
          value={description}
          onChange={(event) => setDescription(event.target.value)}
          required
        />
        <label htmlFor={`${id}-payee`}>Pay to (address)</label>
        <input id={`${id}-payee`} value={payee} onChange={(event) => setPayee(event.target.value)} required />
        <label htmlFor={`${id}-amount`}>Amount</label>
        <input
          id={`${id}-amount`}
          inputMode="decimal"
          pattern="[0-9]+(\.[0-9]+)?"
          value={amount}
          onChange={(event) => setAmount(event.target.value)}
          required
        />
        <label htmlFor={`${id}-token`}>Currency</label>
        <select
          id={`${id}-token`}
          value={token}
          onChange={(event) => setToken(event.target.value as typeof token)}
        >
          <option value="ether">ETH</option>
          {config.contracts.stablecoin && <option value="stablecoin">USDz (the zone's stablecoin)</option>}
        </select>
        <button type="submit" disabled={busy || !identity || !reader || props.isMember !== true}>
          {busy ? "Working…" : "Propose"}
        </button>
      </form>
      {status && (
        <p className={status.error ? "error" : undefined} role={status.error ? "alert" : "status"}>
          {status.text} {status.link && <a href={status.link}>Open it</a>}
        </p>
      )}
      <p>
        <a href={`#/zone/${zone}`}>Back to the proposals</a>
      </p>
    </section>
  );
}
