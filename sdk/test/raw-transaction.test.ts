/**
 * sdk/raw-transaction.ts: signed transactions and castVotes calldata equal, byte for byte, what
 * ethers makes of the same request, and parse back (ethers' Transaction.from) to the same fields
 * and sender.
 */
import { expect } from "chai";
import { Transaction, Wallet, keccak256 } from "ethers";
import { castVotesCalldata, signRawTransaction, type RawTransactionRequest } from "../raw-transaction.js";
import { Zone__factory } from "../contracts.js";

const ZONE = Zone__factory.createInterface();
const FIELD = (1n << 254n) - 1n;
/** Deterministic 256-bit-ish values, with small and zero ones among them. */
const value = (i: number) =>
  i % 7 === 0 ? 0n : i % 5 === 0 ? BigInt(i) : (BigInt(i) * 0x9e3779b97f4a7c15n ** 3n) % FIELD;
const votes = (count: number) =>
  Array.from({ length: count }, (_, i) => ({
    proposalId: BigInt(i % 3),
    option: BigInt(i % 2),
    nullifier: value(1000 + i),
    points: Array.from({ length: 8 }, (_, k) => value(i * 8 + k)),
  }));

describe("sdk: raw transactions and castVotes calldata (sdk/raw-transaction.ts)", function () {
  const wallet = new Wallet(`0x${"42".repeat(32)}`);
  const to = "0x6743E5c6E1B453372507E8dfD6CA53508721425B";

  it("encodes castVotes as ethers' encodeFunctionData does, for 0, 1, 64 and 128 votes", function () {
    for (const count of [0, 1, 64, 128]) {
      expect(castVotesCalldata(votes(count))).to.equal(ZONE.encodeFunctionData("castVotes", [votes(count)]));
    }
  });

  it("refuses a proof of the wrong length and a value outside uint256", function () {
    const [vote] = votes(1);
    expect(() => castVotesCalldata([{ ...vote!, points: vote!.points.slice(1) }])).to.throw(/8 points/);
    expect(() => castVotesCalldata([{ ...vote!, nullifier: 1n << 256n }])).to.throw(/uint256/);
    expect(() => castVotesCalldata([{ ...vote!, option: -1n }])).to.throw(/uint256/);
  });

  const requests: [string, RawTransactionRequest][] = [
    [
      "an EIP-1559 castVotes batch of 64",
      {
        chainId: 31337n,
        nonce: 1234,
        gasLimit: 7_000_000n,
        to,
        data: castVotesCalldata(votes(64)),
        maxFeePerGas: 2_000_000_007n,
        maxPriorityFeePerGas: 1_000_000_000n,
      },
    ],
    [
      "an EIP-1559 empty transfer with nonce 0, no priority fee and a large chain id",
      {
        chainId: 424242n,
        nonce: 0,
        gasLimit: 21_000n,
        to,
        data: "0x",
        maxFeePerGas: 1n,
        maxPriorityFeePerGas: 0n,
      },
    ],
    [
      "an EIP-1559 transaction with value and a one-byte payload below 0x80",
      {
        chainId: 1n,
        nonce: 127,
        gasLimit: 50_000n,
        to,
        data: "0x7f",
        value: 10n ** 18n,
        maxFeePerGas: 128n,
        maxPriorityFeePerGas: 55n,
      },
    ],
    [
      "a gas-price (EIP-2930) transaction",
      {
        chainId: 31337n,
        nonce: 56,
        gasLimit: 1_000_000n,
        to,
        data: castVotesCalldata(votes(3)),
        gasPrice: 875_000_000n,
      },
    ],
    [
      "a gas-price transaction with a one-byte payload of 0x80",
      { chainId: 11155111n, nonce: 0, gasLimit: 21_000n, to, data: "0x80", gasPrice: 1n },
    ],
  ];
  for (const [name, request] of requests) {
    it(`signs ${name} as ethers' Wallet does`, async function () {
      const { rawTransaction, txHash } = signRawTransaction(wallet.signingKey, request);
      expect(rawTransaction).to.equal(await wallet.signTransaction(request));
      expect(txHash).to.equal(keccak256(rawTransaction));
      const parsed = Transaction.from(rawTransaction);
      expect(parsed.from).to.equal(wallet.address);
      expect(parsed.hash).to.equal(txHash);
      expect(parsed.nonce).to.equal(request.nonce);
      expect(parsed.data).to.equal(request.data);
      expect(parsed.chainId).to.equal(request.chainId);
    });
  }

  it("refuses a request that is not a transaction it can sign", function () {
    const base = { chainId: 1n, nonce: 0, gasLimit: 21_000n, to, data: "0x" };
    expect(() => signRawTransaction(wallet.signingKey, base)).to.throw(/neither maxFeePerGas nor gasPrice/);
    expect(() => signRawTransaction(wallet.signingKey, { ...base, to: "0x1234", gasPrice: 1n })).to.throw(
      /not an address/,
    );
    expect(() => signRawTransaction(wallet.signingKey, { ...base, data: "0xzz", gasPrice: 1n })).to.throw(
      /not hex/,
    );
  });
});
