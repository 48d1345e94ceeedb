import { expect } from "chai";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { VoteToVerify } from "../../sdk/index.js";
import { RelayerError } from "../errors.js";
import { VerifierPool } from "../verifier-pool.js";

/** Threads that stand in for the verifier (see stand-in-verifier-worker.ts): their failures are the test's. */
const STAND_IN = new URL("./stand-in-verifier-worker.ts", import.meta.url);
/** The stand-in does not read its proofs. */
const VOTE = {} as VoteToVerify;

describe("VerifierPool", function () {
  let startsFile: string;

  beforeEach(function () {
    startsFile = join(mkdtempSync(join(tmpdir(), "zonedao-pool-")), "starts");
    writeFileSync(startsFile, "");
    process.env.ZONEDAO_TEST_VERIFIER_STARTS = startsFile;
  });

  afterEach(function () {
    delete process.env.ZONEDAO_TEST_VERIFIER;
    delete process.env.ZONEDAO_TEST_VERIFIER_STARTS;
  });

  /** Each thread start so far: its mode and its time (ms). */
  const starts = () =>
    readFileSync(startsFile, "utf8")
      .split("\n")
      .filter(Boolean)
      .map((line) => {
        const [mode, at] = line.split(" ");
        return { mode: mode!, at: Number(at) };
      });
  const threadsWill = (mode: "fail" | "crash" | "valid") => (process.env.ZONEDAO_TEST_VERIFIER = mode);
  const refusal = (promise: Promise<unknown>) =>
    promise.then(
      () => expect.fail("the pool answered a proof it could not check"),
      (error: unknown) => error,
    );

  async function until(condition: () => boolean | Promise<boolean>, what: string): Promise<void> {
    for (let waited = 0; !(await condition()); waited += 50) {
      if (waited > 60_000) throw new Error(`still waiting for ${what}`);
      await sleep(50);
    }
  }

  it("does not start, and leaves no thread running, when a thread cannot start", async function () {
    threadsWill("fail");
    const error = await refusal(VerifierPool.start(2, [], STAND_IN));
    expect(String(error)).to.match(/cannot start/);
    // The other thread, started or stopped on the way, is not restarted (nor is the failed one).
    const startsAtRefusal = starts().length;
    expect(startsAtRefusal).to.be.within(1, 2);
    await sleep(500);
    expect(starts()).to.have.length(startsAtRefusal);
  });

  it("answers 503 when no thread can check a proof, retries starts ever more slowly, and recovers", async function () {
    threadsWill("crash");
    const pool = await VerifierPool.start(1, [], STAND_IN);
    try {
      // The thread dies with the proof: the proof is refused (nothing was accepted), not lost in a queue.
      threadsWill("fail");
      const died = await refusal(pool.verifyVote(VOTE));
      expect(died).to.be.instanceOf(RelayerError);
      expect(died).to.include({ statusCode: 503, code: "verifier_unavailable" });
      // Its replacement cannot start, and none other is started: a proof is refused at once.
      await until(() => starts().length >= 2, "the replacement thread");
      await until(async () => (await pool.verifyVote(VOTE).catch(() => false)) === false, "a refusal");
      const refused = await refusal(pool.verifyVote(VOTE));
      expect(refused).to.include({ statusCode: 503, code: "verifier_unavailable" });
      expect((refused as Error).message).to.match(/cannot start.*retry shortly/);
      // Starts that fail in a row wait 0.1 s, then twice as long each time.
      await until(() => starts().length >= 5, "four failed starts");
      const failed = starts().slice(1);
      for (let k = 1; k < 4; k++) {
        expect(failed[k]!.at - failed[k - 1]!.at).to.be.at.least(100 * 2 ** (k - 1));
      }
      // Once a thread starts again, proofs are checked again.
      threadsWill("valid");
      await until(() => starts().some(({ mode }) => mode === "valid"), "a thread that starts");
      await until(async () => (await pool.verifyVote(VOTE).catch(() => false)) === true, "a verdict");
    } finally {
      await pool.close();
    }
    // No thread starts after close.
    const startsAtClose = starts().length;
    await sleep(300);
    expect(starts()).to.have.length(startsAtClose);
  });
});
