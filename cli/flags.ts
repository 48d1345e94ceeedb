/**
 * What a zonedao command is, and the flags several commands share, declared once so that each is
 * spelled, parsed and explained the same way wherever it applies. Flags are parsed strictly: an
 * unknown flag is an error.
 */
import type { ParseArgsConfig } from "node:util";
import type { CommandContext } from "./context.js";

export type Options = NonNullable<ParseArgsConfig["options"]>;

/** One command: its flags, its help text, and what it does with a CommandContext. */
export interface Command {
  name: string;
  summary: string;
  usage: string;
  options: Options;
  /** The name of the one argument given without a flag, if the command takes one (read as that flag). */
  positional?: string;
  run(context: CommandContext): Promise<void> | void;
}

/** Output, help, and where the chain and the deployment file are. */
export const common = {
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
  deployment: { type: "string" },
  rpc: { type: "string" },
  /** Blocks per eth_getLogs request to start with, for an RPC with a documented cap (CommandContext.provider). */
  "log-range": { type: "string" },
} as const satisfies Options;

/**
 * The account that signs transactions (CommandContext.signer): --key (or ZONEDAO_PRIVATE_KEY), or
 * --keystore FILE (or ZONEDAO_KEYSTORE), an encrypted JSON keystore whose password comes only from
 * ZONEDAO_KEYSTORE_PASSWORD: a key or password on the command line is in every `ps` listing.
 */
export const signing = { key: { type: "string" }, keystore: { type: "string" } } as const satisfies Options;

/** A citizen's identity, given one of three ways (CommandContext.identity). */
export const identityFlags = {
  identity: { type: "string" },
  "identity-file": { type: "string" },
  citizen: { type: "string" },
} as const satisfies Options;

/** The zone, by address or by its name in the deployment file (CommandContext.zone). */
export const zoneFlag = { zone: { type: "string" } } as const satisfies Options;

/**
 * A citizen's anonymous act (propose, vote): who proves, in which zone, and how the proof is sent:
 * through --relayer (CommandContext.relayerUrl) or from the --key account.
 */
export const citizenFlags = {
  ...common,
  ...signing,
  ...identityFlags,
  ...zoneFlag,
  relayer: { type: "string" },
} as const satisfies Options;
