/**
 * The JSON-RPC provider Node callers (the relayer, the CLI, scripts) connect to a chain with: an
 * ethers JsonRpcProvider that reads each answer in linear time.
 *
 * ethers' Node transport grows a response's body by copying it whole for every chunk that arrives
 * (quadratic), then decodes the bytes to text with its own JavaScript UTF-8 decoder. Nothing notices
 * on small answers; an `eth_getLogs` of a zone's registrations is not small: at 1,000,000 members
 * one 70 MB answer took the relayer 183 s of copying and 43 s of decoding, and 3.8 GB of memory
 * (bench/million). Here the body comes from the platform's `fetch` in one piece and is decoded by
 * its TextDecoder; ethers' retries, throttling and error handling are unchanged.
 */
import {
  FetchRequest,
  JsonRpcProvider,
  makeError,
  type FetchCancelSignal,
  type GetUrlResponse,
  type JsonRpcApiProviderOptions,
  type JsonRpcPayload,
  type JsonRpcResult,
  type Networkish,
} from "ethers";

/**
 * FetchRequest's transport over the platform's fetch: the body read once, whole. It fails as ethers'
 * Node transport does, so callers tell a node that did not answer from one that refused: a socket
 * error with its code (ECONNREFUSED...; fetch wraps it as the cause of a "fetch failed"), TIMEOUT,
 * CANCELLED.
 */
async function fetchWhole(request: FetchRequest, signal?: FetchCancelSignal): Promise<GetUrlResponse> {
  const abort = new AbortController();
  let why: "timeout" | "cancelled" | undefined;
  signal?.addListener(() => {
    why = "cancelled";
    abort.abort();
  });
  const timer = setTimeout(() => {
    why = "timeout";
    abort.abort();
  }, request.timeout);
  try {
    // A copy: fetch sets the length itself (and refuses to be told it).
    const headers = request.headers;
    delete headers["content-length"];
    const response = await fetch(request.url, {
      method: request.method,
      headers,
      body: request.body === null ? undefined : new Uint8Array(request.body),
      signal: abort.signal,
    });
    const answerHeaders: Record<string, string> = {};
    response.headers.forEach((value, name) => (answerHeaders[name.toLowerCase()] = value));
    const body = new Uint8Array(await response.arrayBuffer());
    return {
      statusCode: response.status,
      statusMessage: response.statusText,
      headers: answerHeaders,
      body: body.length > 0 ? body : null,
    };
  } catch (error) {
    if (why === "timeout") throw makeError("request timeout", "TIMEOUT");
    if (why === "cancelled") throw makeError("request cancelled", "CANCELLED");
    const cause = (error as { cause?: unknown }).cause;
    throw cause instanceof Error && "code" in cause ? cause : error;
  } finally {
    clearTimeout(timer);
  }
}

const utf8 = new TextDecoder("utf-8", { fatal: true });
const utf8Encoder = new TextEncoder();

class WholeBodyJsonRpcProvider extends JsonRpcProvider {
  // JsonRpcProvider._send, with the request encoded by TextEncoder and the answer decoded by
  // TextDecoder, instead of ethers' toUtf8Bytes and toUtf8String (JavaScript loops over every
  // character: ~4 ms for a 64-vote batch's eth_sendRawTransaction).
  override async _send(payload: JsonRpcPayload | JsonRpcPayload[]): Promise<JsonRpcResult[]> {
    const request = this._getConnection();
    request.body = utf8Encoder.encode(JSON.stringify(payload));
    request.setHeader("content-type", "application/json");
    const response = await request.send();
    response.assertOk();
    const body = response.body;
    const answer = JSON.parse(body === null ? "null" : utf8.decode(body)) as JsonRpcResult | JsonRpcResult[];
    return Array.isArray(answer) ? answer : [answer];
  }
}

/**
 * A JsonRpcProvider for `url` (same arguments as ethers') that reads large answers in linear time.
 * With no options it does not cache results: a relayer or a command must see each new block.
 */
export function jsonRpcProvider(
  url: string,
  network?: Networkish,
  options: JsonRpcApiProviderOptions = { cacheTimeout: -1 },
): JsonRpcProvider {
  const connection = new FetchRequest(url);
  connection.getUrlFunc = fetchWhole;
  return new WholeBodyJsonRpcProvider(connection, network, options);
}
