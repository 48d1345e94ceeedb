/**
 * The load bench's citizens, in a process of their own (forked by ./run.ts): a real relayer does not
 * share its event loop with its clients, and in one process the client's JSON and HTTP work, and
 * its timers, ran between the relayer's, so each delayed the other. Sends the requests it is given
 * at a fixed rate (open loop: each when its time comes, whatever became of the others) and answers
 * with what it saw: every 202's nullifier and the moment it arrived (epoch milliseconds with
 * sub-millisecond precision, `performance.timeOrigin + performance.now()`, a clock both processes
 * share), the latency of each, and the count of each answer.
 */
import { Agent, request as httpRequest } from "node:http";

/** What run.ts sends this process once. */
export interface LoadClientTask {
  url: string;
  /** Requests a second. */
  rate: number;
  requests: { kind: string; body: unknown }[];
}

/** What this process answers once every request is answered. */
export interface LoadClientReport {
  /** Per 202: the nullifier, when it arrived (epoch ms) and how long after its due time (ms). */
  accepted: { nullifier: string; at: number; latencyMs: number }[];
  /** "kind status" (status 0: failed) to count. */
  statuses: Record<string, number>;
  /** From the first request's due time to the last answer. */
  seconds: number;
}

/** Requests unanswered at once beyond which the sender waits: a guard, never reached at pace. */
const MAX_OUTSTANDING = 2048;
/** Connections to the relayer at most. */
const MAX_SOCKETS = 256;

const now = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function run({ url, rate, requests }: LoadClientTask): Promise<LoadClientReport> {
  // Kept-alive connections, as many as requests outstanding up to MAX_SOCKETS (a browser's are its
  // users'): opening one per request would measure TCP set-up and the listen backlog.
  const agent = new Agent({ keepAlive: true, maxSockets: MAX_SOCKETS });
  const post = (body: string) =>
    new Promise<number>((resolve, reject) => {
      const request = httpRequest(
        `${url}/v1/votes`,
        { method: "POST", agent, headers: { "content-type": "application/json" } },
        (response) => {
          response.resume();
          response.on("end", () => resolve(response.statusCode ?? 0));
          response.on("error", reject);
        },
      );
      request.on("error", reject);
      request.end(body);
    });
  const accepted: LoadClientReport["accepted"] = [];
  const statuses = new Map<string, number>();
  // Serialized before the clock starts: the client's own work stays out of the measured time.
  const bodies = requests.map(({ body }) => JSON.stringify(body));
  const outstanding = new Set<Promise<void>>();
  const start = now();
  for (const [i, { kind, body }] of requests.entries()) {
    const due = start + (i * 1000) / rate;
    if (due > now()) await sleep(due - now());
    while (outstanding.size >= MAX_OUTSTANDING) await Promise.race(outstanding);
    // From the moment the request was due: time spent waiting for a connection counts.
    const sent = now();
    const request = post(bodies[i]!)
      .catch(() => 0)
      .then((status) => {
        const key = `${kind} ${status === 0 ? "failed" : status}`;
        statuses.set(key, (statuses.get(key) ?? 0) + 1);
        if (status === 202) {
          const at = now();
          accepted.push({ nullifier: (body as { nullifier: string }).nullifier, at, latencyMs: at - sent });
        }
      })
      .finally(() => outstanding.delete(request));
    outstanding.add(request);
  }
  await Promise.all(outstanding);
  const seconds = (now() - start) / 1000;
  agent.destroy();
  return { accepted, statuses: Object.fromEntries(statuses), seconds };
}

process.once("message", (task: LoadClientTask) => {
  run(task).then(
    (report) => process.send!(report, () => process.exit(0)),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
});
