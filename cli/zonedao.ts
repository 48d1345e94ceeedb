/**
 * zonedao: deploy ZoneDAO, create zones, admit citizens, propose, vote, execute, run a relayer and
 * audit tallies, on any EVM network. `zonedao help` lists the commands; each has --help.
 * Exit codes: 0 done, 1 the command could not do its job, 2 it was called wrongly.
 */
import { parseArgs } from "node:util";
import { commands } from "./commands/index.js";
import { CommandContext, CommandError, UsageError } from "./context.js";
import type { Command } from "./flags.js";

function overview(): string {
  const width = Math.max(...commands.map((command) => command.name.length));
  return [
    "zonedao: private voting for community DAOs (zones)",
    "",
    "Usage: zonedao <command> [flags]      (in this repository: npx zonedao <command> [flags])",
    "",
    ...commands.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`),
    "",
    "Run `zonedao <command> --help` for a command's flags. Settings also come from the environment",
    "(ZONEDAO_RPC_URL, ZONEDAO_PRIVATE_KEY, ZONEDAO_KEYSTORE, ZONEDAO_DEPLOYMENT, ZONEDAO_ZONE,",
    "ZONEDAO_IDENTITY, ZONEDAO_RELAYER_URL, ZONEDAO_LOG_RANGE).",
  ].join("\n");
}

/** The command named by the first one or two words, and the remaining arguments. */
function findCommand(args: string[]): [Command | undefined, string[]] {
  const two = commands.find((command) => command.name === args.slice(0, 2).join(" "));
  if (two !== undefined) return [two, args.slice(2)];
  return [commands.find((command) => command.name === args[0]), args.slice(1)];
}

export async function main(
  args: string[],
  env: Readonly<Record<string, string | undefined>>,
): Promise<number> {
  if (args.length === 0 || args[0] === "help" || args[0] === "--help" || args[0] === "-h") {
    console.log(overview());
    return args.length === 0 ? 2 : 0;
  }
  const [command, rest] = findCommand(args);
  if (command === undefined) {
    const group = commands.filter((candidate) => candidate.name.startsWith(`${args[0]} `));
    console.error(
      group.length > 0
        ? `zonedao ${args[0]}: expected one of ${group.map((candidate) => candidate.name).join(", ")}`
        : `zonedao: unknown command "${args[0]}"\n\n${overview()}`,
    );
    return 2;
  }
  let flags: CommandContext["flags"];
  try {
    const parsed = parseArgs({
      args: rest,
      options: command.options,
      strict: true,
      allowPositionals: command.positional !== undefined,
    });
    flags = parsed.values;
    if (parsed.positionals.length > 1) {
      throw new Error(`expected one ${command.positional}, got ${parsed.positionals.join(" ")}`);
    }
    if (command.positional !== undefined && parsed.positionals[0] !== undefined) {
      flags = { ...flags, [command.positional]: parsed.positionals[0] };
    }
  } catch (error) {
    console.error(`zonedao ${command.name}: ${(error as Error).message}\n\nUsage: ${command.usage}`);
    return 2;
  }
  if (flags.help === true) {
    console.log(`${command.summary}\n\nUsage: ${command.usage}\n${COMMON_FLAGS}`);
    return 0;
  }
  try {
    await command.run(new CommandContext(flags, env));
    return typeof process.exitCode === "number" ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`zonedao ${command.name}: ${error.message}\n\nUsage: ${command.usage}`);
      return 2;
    }
    if (error instanceof CommandError) {
      console.error(`zonedao ${command.name}: ${error.message}`);
      return 1;
    }
    console.error(`zonedao ${command.name}: ${(error as Error).message ?? String(error)}`);
    return 1;
  }
}

const COMMON_FLAGS = `
Common flags (where they apply):
  --rpc URL            JSON-RPC node (env ZONEDAO_RPC_URL; default: the deployment file's)
  --deployment FILE    deployment file from \`zonedao deploy\` or \`npm start\` (env ZONEDAO_DEPLOYMENT)
  --log-range N        blocks per eth_getLogs request, for an RPC with a documented cap (env
                       ZONEDAO_LOG_RANGE; default 5000, halved whenever the RPC refuses a range)
  --key KEY            signing account's private key (env ZONEDAO_PRIVATE_KEY); never printed
  --json               print JSON instead of text
  -h, --help           this help`;

const code = await main(process.argv.slice(2), process.env);
// A relayer started by `zonedao relayer` keeps the process alive on its own.
if (!(process.argv[2] === "relayer" && code === 0)) process.exit(code);
