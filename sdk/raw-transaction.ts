/**
 * Signed transactions and castVotes calldata, byte for byte what ethers makes, in a fraction of its
 * time: a relayer sends a 64-vote batch (22.6 kB of calldata) every ~150 ms under load.
 *
 * ethers encodes RLP with arrays of numbers grown by `concat`, and hex with a loop over every byte,
 * several times per transaction: encoding a batch's calldata took 10 ms, signing it 21 ms, and
 * broadcasting it 26 ms more (`broadcastTransaction` parses the signed bytes again to recover the
 * sender and hash). Here bytes are written once into typed arrays, and the hash is ethers' own
 * keccak256; signing is ethers' SigningKey. Tested equal to ethers' output (sdk/test).
 */
import { keccak256, type SigningKey } from "ethers";
import { Zone__factory } from "../types/ethers-contracts/index.js";
import { concatBytes } from "./bytes.js";

/** What a transaction the relayer signs carries: EIP-1559 fees, or a legacy gas price. */
export interface RawTransactionRequest {
  chainId: bigint;
  nonce: number;
  gasLimit: bigint;
  to: string;
  data: string;
  value?: bigint;
  maxFeePerGas?: bigint;
  maxPriorityFeePerGas?: bigint;
  gasPrice?: bigint;
}

/**
 * Signs `request` as ethers' `Wallet.signTransaction` does: an EIP-1559 transaction (type 2) when it
 * has `maxFeePerGas`, else, with `gasPrice`, an EIP-2930 one (type 1), both with an empty access list.
 * Returns the signed bytes and the transaction's hash (keccak256 of them), both as hex.
 */
export function signRawTransaction(
  signingKey: SigningKey,
  request: RawTransactionRequest,
): { rawTransaction: string; txHash: string } {
  const to = hexBytes(request.to);
  if (to.length !== 20) throw new Error(`signRawTransaction: ${request.to} is not an address`);
  const data = hexBytes(request.data);
  const value = request.value ?? 0n;
  if (request.maxFeePerGas !== undefined) {
    const fees = [request.maxPriorityFeePerGas ?? 0n, request.maxFeePerGas];
    return signTyped(signingKey, 2, [
      request.chainId,
      BigInt(request.nonce),
      ...fees,
      request.gasLimit,
      to,
      value,
      data,
      [],
    ]);
  }
  if (request.gasPrice === undefined)
    throw new Error("signRawTransaction: neither maxFeePerGas nor gasPrice");
  return signTyped(signingKey, 1, [
    request.chainId,
    BigInt(request.nonce),
    request.gasPrice,
    request.gasLimit,
    to,
    value,
    data,
    [],
  ]);
}

/** A typed transaction (EIP-2718): `type` || rlp([...fields, yParity, r, s]), signed over `type` || rlp(fields). */
function signTyped(
  signingKey: SigningKey,
  type: number,
  fields: (bigint | Uint8Array | [])[],
): { rawTransaction: string; txHash: string } {
  const items = fields.map(rlpItem);
  const signature = signingKey.sign(keccak256(typed(type, rlpList(items))));
  const signed = typed(
    type,
    rlpList([
      ...items,
      ...[BigInt(signature.yParity), BigInt(signature.r), BigInt(signature.s)].map(rlpItem),
    ]),
  );
  return { rawTransaction: bytesHex(signed), txHash: keccak256(signed) };
}

/** IZone.Vote, as castVotes takes it. */
export interface CastVote {
  proposalId: bigint;
  option: bigint;
  nullifier: bigint;
  points: readonly bigint[];
}

const CAST_VOTES_SELECTOR = Zone__factory.createInterface().getFunction("castVotes").selector.slice(2);

/**
 * `castVotes(votes)`'s calldata, as `encodeFunctionData("castVotes", [votes])`: the selector, the
 * array's offset (one word) and length, then each vote in place (IZone.Vote is static: 11 words,
 * proposal id, option, nullifier, the 8 proof points).
 */
export function castVotesCalldata(votes: readonly CastVote[]): string {
  const words = [
    "0000000000000000000000000000000000000000000000000000000000000020",
    word(BigInt(votes.length)),
  ];
  for (const vote of votes) {
    if (vote.points.length !== 8) throw new Error("castVotesCalldata: a vote's proof is 8 points");
    words.push(word(vote.proposalId), word(vote.option), word(vote.nullifier), ...vote.points.map(word));
  }
  return `0x${CAST_VOTES_SELECTOR}${words.join("")}`;
}

function word(value: bigint): string {
  if (value < 0n || value >> 256n !== 0n) throw new Error(`castVotesCalldata: ${value} is not a uint256`);
  return value.toString(16).padStart(64, "0");
}

// --- RLP, on typed arrays -------------------------------------------------------------------------

/** An RLP string for a byte string, a minimal big-endian integer (0: empty), or an empty list. */
function rlpItem(value: bigint | Uint8Array | []): Uint8Array {
  if (Array.isArray(value)) return rlpList([]);
  const bytes = typeof value === "bigint" ? integerBytes(value) : value;
  if (bytes.length === 1 && bytes[0]! < 0x80) return bytes;
  return concatBytes([rlpLength(bytes.length, 0x80), bytes]);
}

function rlpList(items: Uint8Array[]): Uint8Array {
  const length = items.reduce((sum, item) => sum + item.length, 0);
  return concatBytes([rlpLength(length, 0xc0), ...items]);
}

function rlpLength(length: number, offset: number): Uint8Array {
  if (length < 56) return Uint8Array.of(offset + length);
  const lengthBytes = integerBytes(BigInt(length));
  return Uint8Array.of(offset + 55 + lengthBytes.length, ...lengthBytes);
}

function integerBytes(value: bigint): Uint8Array {
  if (value < 0n) throw new Error("signRawTransaction: a negative integer");
  if (value === 0n) return new Uint8Array(0);
  const hex = value.toString(16);
  return hexBytes(hex.length % 2 === 0 ? hex : `0${hex}`);
}

function typed(type: number, payload: Uint8Array): Uint8Array {
  return concatBytes([Uint8Array.of(type), payload]);
}

// --- hex ------------------------------------------------------------------------------------------

const HEX_PAIRS = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, "0"));

function bytesHex(bytes: Uint8Array): string {
  let hex = "0x";
  for (const byte of bytes) hex += HEX_PAIRS[byte];
  return hex;
}

function hexBytes(hex: string): Uint8Array {
  const digits = hex.startsWith("0x") ? hex.slice(2) : hex;
  if (digits.length % 2 !== 0) throw new Error("signRawTransaction: odd-length hex");
  const bytes = new Uint8Array(digits.length / 2);
  for (let i = 0; i < bytes.length; i++) {
    const byte = (nibble(digits.charCodeAt(2 * i)) << 4) | nibble(digits.charCodeAt(2 * i + 1));
    bytes[i] = byte;
  }
  return bytes;
}

function nibble(code: number): number {
  if (code >= 48 && code <= 57) return code - 48; // 0-9
  if (code >= 97 && code <= 102) return code - 87; // a-f
  if (code >= 65 && code <= 70) return code - 55; // A-F
  throw new Error("signRawTransaction: not hex");
}
