/**
 * The load bench's citizens, in a process of their own (forked by ./run.ts): a real relayer does not
 * share its event loop with its clients, and in one process the client's JSON and HTTP work, and
 * its timers, ran between the relayer's, so each delayed the other. Sends the requests it is given
 * at a fixed rate (open loop: each when its time comes, whatever became of the others) and answers
 * with what it saw: every 202's nullifier and the moment it arrived (epoch milliseconds with
 * sub-millisecond precision, `performance.timeOrigin + performance.now()`, a clock both processes
 * share), the latency of each, and the count of each answer.
 */
import { connect, type Socket } from "node:net";

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
const HEADER_END = Buffer.from("\r\n\r\n");

const now = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * HTTP/1.1 POSTs over kept-alive connections, as many as requests outstanding up to MAX_SOCKETS (a
 * browser's are its users'), one request at a time on each. Written on the socket, not with
 * node:http: its client objects and parsers cost this process ~0.5 ms a request, a quarter of a
 * core at 560 requests a second, taken from the two the relayer is measured on (a load generator
 * should weigh as little as it can, as wrk does). An answer is read as far as its status and
 * Content-Length (Fastify sends one with every JSON body); any other ends the connection.
 */
class Connections {
  readonly #idle: Socket[] = [];
  readonly #waiting: ((socket: Socket) => void)[] = [];
  #open = 0;

  constructor(
    private readonly port: number,
    private readonly host: string,
  ) {}

  /** POSTs `request` (the whole request's bytes); resolves with the status, 0 if it failed. */
  async post(request: Buffer): Promise<number> {
    const socket = await this.#take();
    return new Promise<number>((resolve) => {
      let received: Buffer = Buffer.alloc(0);
      const done = (status: number, reusable: boolean) => {
        socket.off("data", onData);
        socket.off("close", onClose);
        socket.off("error", onClose);
        if (reusable) this.#give(socket);
        else {
          socket.destroy();
          this.#open--;
          this.#waiting.shift()?.(this.#connect());
        }
        resolve(status);
      };
      const onClose = () => done(0, false);
      const onData = (chunk: Buffer) => {
        received = received.length === 0 ? chunk : Buffer.concat([received, chunk]);
        const headerEnd = received.indexOf(HEADER_END);
        if (headerEnd === -1) return;
        const head = received.subarray(0, headerEnd).toString("latin1");
        const status = Number(head.slice(9, 12));
        const length = /\r\ncontent-length: *(\d+)/i.exec(head);
        if (length === null) return done(status, false);
        if (received.length < headerEnd + 4 + Number(length[1])) return;
        done(status, !/\r\nconnection: *close/i.test(head));
      };
      socket.on("data", onData);
      socket.once("close", onClose);
      socket.once("error", onClose);
      socket.write(request);
    });
  }

  close(): void {
    for (const socket of this.#idle.splice(0)) socket.destroy();
  }

  #take(): Promise<Socket> {
    const idle = this.#idle.pop();
    if (idle !== undefined) return Promise.resolve(idle);
    if (this.#open < MAX_SOCKETS) return Promise.resolve(this.#connect());
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  #give(socket: Socket): void {
    const waiting = this.#waiting.shift();
    if (waiting !== undefined) waiting(socket);
    else this.#idle.push(socket);
  }

  #connect(): Socket {
    this.#open++;
    const socket = connect(this.port, this.host);
    socket.setNoDelay(true);
    // A socket that dies while idle leaves the pool.
    socket.on("close", () => {
      const index = this.#idle.indexOf(socket);
      if (index !== -1) {
        this.#idle.splice(index, 1);
        this.#open--;
      }
    });
    socket.on("error", () => undefined);
    return socket;
  }
}

async function run({ url, rate, requests }: LoadClientTask): Promise<LoadClientReport> {
  const { hostname, port, host } = new URL(url);
  const connections = new Connections(Number(port), hostname);
  const accepted: LoadClientReport["accepted"] = [];
  const statuses = new Map<string, number>();
  // Made before the clock starts: the client's own work stays out of the measured time.
  const messages = requests.map(({ body }) => {
    const json = Buffer.from(JSON.stringify(body));
    const head = `POST /v1/votes HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\nContent-Length: ${json.length}\r\n\r\n`;
    return Buffer.concat([Buffer.from(head), json]);
  });
  const outstanding = new Set<Promise<void>>();
  const start = now();
  for (const [i, { kind, body }] of requests.entries()) {
    const due = start + (i * 1000) / rate;
    if (due > now()) await sleep(due - now());
    while (outstanding.size >= MAX_OUTSTANDING) await Promise.race(outstanding);
    // From the moment the request was sent: time spent waiting for a connection counts.
    const sent = now();
    const request = connections
      .post(messages[i]!)
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
  connections.close();
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
