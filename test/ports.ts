/**
 * Ports for a process a test starts, which must be told its ports in advance (npm start, a relayer
 * that must not answer). Chosen below the kernel's ephemeral range (32768-60999 on Linux), where
 * outgoing connections take their local ports: a port freed by listen(0) there can be taken by any
 * process's next connection before the child binds it, and the child fails with EADDRINUSE.
 */
import { createServer } from "node:net";

const FIRST = 20_000;
const COUNT = 12_000;
const handedOut = new Set<number>();

/** Whether nothing listens on `port` of 127.0.0.1 right now. */
export function isFree(port: number): Promise<boolean> {
  const server = createServer();
  return new Promise((done) => {
    server.once("error", () => done(false));
    server.listen({ port, host: "127.0.0.1", exclusive: true }, () => server.close(() => done(true)));
  });
}

/** A port nothing listens on, not handed out before in this process. */
export async function unusedPort(): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = FIRST + Math.floor(Math.random() * COUNT);
    if (handedOut.has(port) || !(await isFree(port))) continue;
    handedOut.add(port);
    return port;
  }
  throw new Error(`no free port found from ${FIRST} to ${FIRST + COUNT - 1}`);
}
