/**
 * Property-based tests (fast-check) of the relayer's HTTP inputs: whatever a client sends, the
 * relayer answers with a 4xx and a JSON error (never a 5xx, never a 202 for a broken vote), keeps
 * answering, and queues nothing. Runs are bounded and seeded: set FUZZ_SEED to replay another seed
 * (a failure prints its seed and path, and fast-check's counterexample).
 */
import { expect } from "chai";
import fc from "fast-check";
import { Wallet } from "ethers";
import { BN254_BASE_FIELD, SNARK_SCALAR_FIELD, type VoteRequest } from "../../sdk/index.js";
import type { RelayerConfig } from "../config.js";
import type { Relayer } from "../relayer.js";
import { carol } from "../../test/zone-fixture.js";
import { get, relayerWorld, startTestRelayer, voteBody, type RelayerWorld } from "./relayer-fixture.js";

const SEED = Number(process.env.FUZZ_SEED ?? 8_2026);
const UINT256_BOUND = 1n << 256n;
const runs = (numRuns: number) => ({ seed: SEED, numRuns, endOnFailure: true });

type Answer = { status: number; body: Record<string, unknown>; text: string };

describe("relayer fuzz (fast-check)", function () {
  this.timeout(120_000);
  let world: RelayerWorld;
  let relayer: Relayer;
  let config: RelayerConfig;
  let valid: VoteRequest;

  before(async function () {
    world = await relayerWorld();
    // No rate limit in the way of hundreds of requests from one client.
    ({ relayer, config } = await startTestRelayer(world, { ZONEDAO_RATE_LIMIT_PER_MINUTE: "1000000" }));
    valid = await voteBody(world, carol, 1);
  });

  after(async function () {
    await relayer?.close();
    await world?.bridge.close();
  });

  /** Sends `payload` as is (no serialisation by inject) with the given content type. */
  async function send(
    url: string,
    payload: string,
    contentType: string | undefined = "application/json",
  ): Promise<Answer> {
    const response = await relayer.app.inject({
      method: "POST",
      url,
      payload,
      headers: contentType === undefined ? {} : { "content-type": contentType },
    });
    let body: Record<string, unknown> = {};
    try {
      body = response.json<Record<string, unknown>>();
    } catch {
      // not JSON: the checks below say so
    }
    return { status: response.statusCode, body, text: response.body };
  }

  const queue = () => relayer.store.countByStatus();

  /** A refusal: one of `statuses`, JSON with a string `error` (one of `codes`, if given) and a message. */
  function expectRefusal(answer: Answer, statuses: number[], codes?: string[], input?: unknown): void {
    const what = `${JSON.stringify(input)?.slice(0, 400)} -> ${answer.status} ${answer.text.slice(0, 300)}`;
    expect(answer.status, what).to.be.oneOf(statuses);
    expect(answer.body.error, what).to.be.a("string");
    if (codes !== undefined) expect(answer.body.error, what).to.be.oneOf(codes);
    expect(answer.body.message, what).to.be.a("string").and.not.equal("");
  }

  async function expectStillHealthy(before: ReturnType<typeof queue>): Promise<void> {
    expect((await get(relayer, "/v1/health")).status).to.equal(200);
    expect(queue()).to.deep.equal(before);
  }

  describe("random JSON bodies", function () {
    const bodies = fc.oneof(
      fc.jsonValue(),
      fc.anything({ withNullPrototype: false, withBigInt: false }),
      fc.dictionary(fc.string(), fc.jsonValue()),
      // Objects with some of the real fields, holding random values.
      fc.record(
        {
          zone: fc.jsonValue(),
          proposalId: fc.jsonValue(),
          option: fc.jsonValue(),
          nullifier: fc.jsonValue(),
          merkleTreeDepth: fc.jsonValue(),
          proof: fc.jsonValue(),
          options: fc.jsonValue(),
          description: fc.jsonValue(),
          merkleTreeRoot: fc.jsonValue(),
          epoch: fc.jsonValue(),
          slot: fc.jsonValue(),
          roundId: fc.jsonValue(),
          recipient: fc.jsonValue(),
        },
        { requiredKeys: [] },
      ),
    );

    for (const url of ["/v1/votes", "/v1/proposals", "/v1/dividends"]) {
      it(`POST ${url}: always a 4xx JSON error, the server keeps answering, nothing queued (500 runs)`, async function () {
        const before = queue();
        await fc.assert(
          fc.asyncProperty(bodies, async (value) => {
            const payload = JSON.stringify(value);
            if (payload === undefined) return; // undefined, a function...: not a JSON body
            const answer = await send(url, payload);
            expectRefusal(answer, [400, 404, 409, 413, 422], undefined, value);
            expect(queue()).to.deep.equal(before);
          }),
          runs(500),
        );
        await expectStillHealthy(before);
      });
    }
  });

  describe("mutations of a valid vote", function () {
    const fields = ["zone", "proposalId", "option", "nullifier", "merkleTreeDepth", "proof"] as const;
    type Field = (typeof fields)[number];
    type Mutation = {
      kind: string;
      body: Record<string, unknown>;
      statuses: number[];
      codes: string[];
    };
    const malformed = { statuses: [400], codes: ["malformed_request"] };
    const field = fc.constantFrom(...fields);
    const decimalDigits = (min: number, max: number) =>
      fc.bigInt({ min: 10n ** BigInt(min - 1), max: 10n ** BigInt(max) - 1n }).map(String);
    const decimalBetween = (min: bigint, max: bigint) => fc.bigInt({ min, max }).map(String);
    const notDecimal = fc.oneof(
      fc.constant(""),
      fc.bigInt({ min: 1n, max: UINT256_BOUND }).map((n) => `-${n}`),
      fc.bigInt({ min: 0n, max: UINT256_BOUND }).map((n) => `0x${n.toString(16)}`),
      fc.bigInt({ min: 0n, max: UINT256_BOUND }).map((n) => `0${n}`),
      fc.bigInt({ min: 0n, max: 1000n }).map((n) => ` ${n}`),
      fc.bigInt({ min: 0n, max: 1000n }).map((n) => `${n}.0`),
      fc.bigInt({ min: 0n, max: 1000n }).map((n) => `${n}e0`),
      fc.string({ unit: "grapheme", minLength: 1 }).filter((s) => !/^(0|[1-9][0-9]{0,77})$/.test(s)),
      decimalDigits(79, 120),
    );
    const wrongType = fc.oneof(
      fc.integer(),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.constant(null),
      fc.boolean(),
      fc.array(fc.jsonValue(), { maxLength: 4 }),
      fc.dictionary(fc.string(), fc.jsonValue(), { maxKeys: 3 }),
    );
    const proofOf = (value: fc.Arbitrary<string>) => fc.array(value, { minLength: 8, maxLength: 8 });

    const with_ = (changes: Record<string, unknown>) => ({ ...valid, ...changes });

    /** Mutations that the schema or the range checks refuse before any proof is verified. */
    const cheapMutations = (): fc.Arbitrary<Mutation> =>
      fc.oneof(
        fc.tuple(field, wrongType).map(([name, value]) => ({
          kind: `wrong type for ${name}`,
          body: with_({ [name]: value }),
          ...malformed,
        })),
        fc.tuple(field, notDecimal).map(([name, value]) => ({
          kind: `not a decimal for ${name}`,
          body: with_({ [name]: name === "proof" ? [value, ...valid.proof.slice(1)] : value }),
          ...malformed,
        })),
        fc.tuple(fc.nat({ max: 7 }), notDecimal).map(([i, value]) => ({
          kind: "not a decimal inside proof",
          body: with_({ proof: valid.proof.map((p, j) => (i === j ? value : p)) }),
          ...malformed,
        })),
        // 78 digits pass the pattern: the range checks refuse them after parsing.
        fc
          .tuple(
            fc.constantFrom<Field>("proposalId", "nullifier", "merkleTreeDepth"),
            decimalBetween(UINT256_BOUND, 10n ** 78n - 1n),
          )
          .map(([name, value]) => ({
            kind: `${name} >= 2^256`,
            body: with_({ [name]: value }),
            ...malformed,
          })),
        decimalBetween(SNARK_SCALAR_FIELD, 10n ** 78n - 1n).map((value) => ({
          kind: "nullifier >= r",
          body: with_({ nullifier: value }),
          ...malformed,
        })),
        fc.tuple(fc.nat({ max: 7 }), decimalBetween(BN254_BASE_FIELD, 10n ** 78n - 1n)).map(([i, value]) => ({
          kind: "proof value >= q",
          body: with_({ proof: valid.proof.map((p, j) => (i === j ? value : p)) }),
          ...malformed,
        })),
        fc
          .array(fc.constantFrom(...valid.proof), { maxLength: 20 })
          .filter((proof) => proof.length !== 8)
          .map((proof) => ({
            kind: `proof of ${proof.length} values`,
            body: with_({ proof }),
            ...malformed,
          })),
        fc.oneof(decimalBetween(0n, 0n), decimalBetween(33n, 10n ** 78n - 1n)).map((value) => ({
          kind: "depth out of 1-32",
          body: with_({ merkleTreeDepth: value }),
          ...malformed,
        })),
        fc
          .tuple(fc.string(), fc.jsonValue())
          .filter(([key]) => !(fields as readonly string[]).includes(key))
          .map(([key, value]) => ({
            kind: `extra field ${key}`,
            body: with_({ [key]: value }),
            ...malformed,
          })),
        field.map((name) => {
          const body: Record<string, unknown> = { ...valid };
          delete body[name];
          return { kind: `missing ${name}`, body, ...malformed };
        }),
        fc.constant(null).map(() => ({
          kind: "unserved zone",
          body: with_({ zone: Wallet.createRandom().address }),
          statuses: [404],
          codes: ["unknown_zone"],
        })),
        decimalBetween(2n, UINT256_BOUND - 1n)
          .filter((id) => id !== valid.proposalId)
          .map((value) => ({
            kind: "unknown proposal",
            body: with_({ proposalId: value }),
            statuses: [404],
            codes: ["unknown_proposal"],
          })),
        decimalBetween(3n, UINT256_BOUND - 1n).map((value) => ({
          kind: "option out of range",
          body: with_({ option: value }),
          statuses: [422],
          codes: ["invalid_option"],
        })),
        decimalBetween(1n, 32n)
          .filter((depth) => depth !== valid.merkleTreeDepth)
          .map((value) => ({
            kind: "another depth",
            body: with_({ merkleTreeDepth: value }),
            statuses: [422],
            codes: ["wrong_depth"],
          })),
      );

    /** Well-formed votes whose proof does not hold: each costs a proof verification. */
    const proofMutations = (): fc.Arbitrary<Mutation> => {
      const invalidProof = { statuses: [422], codes: ["invalid_proof"] };
      return fc.oneof(
        decimalBetween(0n, SNARK_SCALAR_FIELD - 1n)
          .filter((n) => n !== valid.nullifier)
          .map((value) => ({
            kind: "another nullifier",
            body: with_({ nullifier: value }),
            ...invalidProof,
          })),
        fc
          .constantFrom("0", "2")
          .map((value) => ({ kind: "another option", body: with_({ option: value }), ...invalidProof })),
        proofOf(decimalBetween(0n, BN254_BASE_FIELD - 1n)).map((proof) => ({
          kind: "random proof below q",
          body: with_({ proof }),
          ...invalidProof,
        })),
        fc
          .tuple(fc.nat({ max: 7 }), decimalBetween(0n, BN254_BASE_FIELD - 1n))
          .filter(([i, value]) => valid.proof[i] !== value)
          .map(([i, value]) => ({
            kind: `proof[${i}] replaced`,
            body: with_({ proof: valid.proof.map((p, j) => (i === j ? value : p)) }),
            ...invalidProof,
          })),
        // The zone in other letter cases is the same zone: the proof decides.
        fc.constantFrom(valid.zone.toLowerCase(), `0x${valid.zone.slice(2).toUpperCase()}`).map((zone) => ({
          kind: "zone in another case, another option",
          body: with_({ zone, option: "2" }),
          ...invalidProof,
        })),
      );
    };

    async function check(mutation: Mutation, before: ReturnType<typeof queue>): Promise<void> {
      const answer = await send("/v1/votes", JSON.stringify(mutation.body));
      expectRefusal(answer, mutation.statuses, mutation.codes, mutation);
      expect(queue(), mutation.kind).to.deep.equal(before);
    }

    it("type, format, range, shape and unknown-zone/proposal mutations: their 400/404/422 (1000 runs)", async function () {
      const before = queue();
      await fc.assert(
        fc.asyncProperty(cheapMutations(), (mutation) => check(mutation, before)),
        runs(1000),
      );
      await expectStillHealthy(before);
    });

    it("well-formed votes with a proof that does not hold: 422 invalid_proof (60 runs)", async function () {
      const before = queue();
      await fc.assert(
        fc.asyncProperty(proofMutations(), (mutation) => check(mutation, before)),
        runs(60),
      );
      await expectStillHealthy(before);
    });

    it("the unmutated vote is accepted once (202), then refused as a duplicate (409)", async function () {
      const before = queue();
      const accepted = await send("/v1/votes", JSON.stringify(valid));
      expect(accepted.status, accepted.text).to.equal(202);
      expect(queue().queued).to.equal(before.queued + 1);
      const after = queue();
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(valid.zone, valid.zone.toLowerCase()), async (zone) => {
          const answer = await send("/v1/votes", JSON.stringify({ ...valid, zone }));
          expectRefusal(answer, [409], ["duplicate_nullifier"], zone);
          expect(queue()).to.deep.equal(after);
        }),
        runs(4),
      );
    });
  });

  describe("well-formed proposals", function () {
    it("schema-valid proposals with random values: 404 for an unserved zone, else 422 invalid_proof (40 runs)", async function () {
      const before = queue();
      const decimal = (max: bigint) => fc.bigInt({ min: 0n, max }).map(String);
      const address = fc
        .uint8Array({ minLength: 20, maxLength: 20 })
        .map((bytes) => `0x${Buffer.from(bytes).toString("hex")}`);
      const action = fc.record({
        target: address,
        value: decimal(UINT256_BOUND - 1n),
        data: fc.uint8Array({ maxLength: 64 }).map((bytes) => `0x${Buffer.from(bytes).toString("hex")}`),
      });
      const proposal = fc.record({
        zone: fc.constantFrom(world.zoneAddress, world.zoneAddress.toLowerCase()),
        options: fc.array(fc.array(action, { maxLength: 3 }), { minLength: 1, maxLength: 4 }),
        description: fc.string({ unit: "grapheme", maxLength: 200 }),
        merkleTreeRoot: decimal(SNARK_SCALAR_FIELD - 1n),
        merkleTreeDepth: fc.integer({ min: 1, max: 32 }).map(String),
        epoch: decimal(UINT256_BOUND - 1n),
        slot: decimal(1000n),
        nullifier: decimal(SNARK_SCALAR_FIELD - 1n),
        proof: fc.array(decimal(BN254_BASE_FIELD - 1n), { minLength: 8, maxLength: 8 }),
      });
      await fc.assert(
        fc.asyncProperty(proposal, fc.boolean(), async (body, unserved) => {
          const sent = unserved ? { ...body, zone: Wallet.createRandom().address } : body;
          const answer = await send("/v1/proposals", JSON.stringify(sent));
          if (unserved) expectRefusal(answer, [404], ["unknown_zone"], sent);
          else expectRefusal(answer, [422], ["invalid_proof"], sent);
          expect(queue()).to.deep.equal(before);
        }),
        runs(40),
      );
      await expectStillHealthy(before);
    });
  });

  describe("well-formed dividend claims", function () {
    it("schema-valid claims with random values: 404 unknown_zone for an unserved zone, else unknown_round (40 runs)", async function () {
      // This zone has opened no dividend round (relayer/test/dividends.test.ts fuzzes claims on one).
      const before = queue();
      const decimal = (max: bigint) => fc.bigInt({ min: 0n, max }).map(String);
      const claim = fc.record({
        zone: fc.constantFrom(world.zoneAddress, world.zoneAddress.toLowerCase()),
        roundId: decimal(UINT256_BOUND - 1n),
        recipient: fc
          .uint8Array({ minLength: 20, maxLength: 20 })
          .map((bytes) => `0x${Buffer.from(bytes).toString("hex")}`),
        nullifier: decimal(SNARK_SCALAR_FIELD - 1n),
        proof: fc.array(decimal(BN254_BASE_FIELD - 1n), { minLength: 8, maxLength: 8 }),
      });
      await fc.assert(
        fc.asyncProperty(claim, fc.boolean(), async (body, unserved) => {
          const sent = unserved ? { ...body, zone: Wallet.createRandom().address } : body;
          const answer = await send("/v1/dividends", JSON.stringify(sent));
          if (unserved) expectRefusal(answer, [404], ["unknown_zone"], sent);
          else expectRefusal(answer, [404], ["unknown_round"], sent);
          expect(queue()).to.deep.equal(before);
        }),
        runs(40),
      );
      await expectStillHealthy(before);
    });
  });

  describe("transport", function () {
    it("bodies over the limit: 413 payload_too_large (20 runs)", async function () {
      const before = queue();
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom("/v1/votes", "/v1/proposals", "/v1/dividends"),
          fc.integer({ min: 1, max: 4 * config.bodyLimitBytes }),
          fc.constantFrom("description", "padding", "proof"),
          async (url, extra, key) => {
            const payload = JSON.stringify({ ...valid, [key]: "x".repeat(config.bodyLimitBytes + extra) });
            const answer = await send(url, payload);
            expectRefusal(answer, [413], ["payload_too_large"], { url, extra, key });
          },
        ),
        runs(20),
      );
      await expectStillHealthy(before);
    });

    it("content types other than JSON: 415 unsupported_media_type (100 runs)", async function () {
      const before = queue();
      const token = fc.stringMatching(/^[a-z][a-z0-9.+-]{0,15}$/);
      const contentType = fc.oneof(
        fc.constantFrom(
          "text/plain",
          "text/plain; charset=utf-8",
          "text/html",
          "application/x-www-form-urlencoded",
          "multipart/form-data; boundary=xyz",
          "application/xml",
          "application/octet-stream",
          "text/json",
        ),
        fc
          .tuple(fc.constantFrom("text", "application", "image", "multipart", "audio"), token)
          .map(([type, subtype]) => `${type}/${subtype}`)
          .filter((type) => type !== "application/json"),
      );
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom("/v1/votes", "/v1/proposals", "/v1/dividends"),
          contentType,
          async (url, type) => {
            const answer = await send(url, JSON.stringify(valid), type);
            expectRefusal(answer, [415], ["unsupported_media_type"], type);
          },
        ),
        runs(100),
      );
      await expectStillHealthy(before);
    });

    it("invalid JSON: 400 malformed_request (200 runs)", async function () {
      const before = queue();
      const validText = JSON.stringify(valid);
      const isJson = (text: string) => {
        try {
          JSON.parse(text);
          return true;
        } catch {
          return false;
        }
      };
      const invalidJson = fc.oneof(
        fc.string({ unit: "grapheme" }),
        fc.nat({ max: validText.length - 1 }).map((n) => validText.slice(0, n)),
        fc
          .tuple(fc.nat({ max: validText.length - 1 }), fc.string({ minLength: 1, maxLength: 5 }))
          .map(([n, junk]) => validText.slice(0, n) + junk + validText.slice(n)),
        fc.constantFrom("{", "[", "{'zone': 1}", "undefined", "NaN", '{"a":1,}', "\u0000"),
      );
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom("/v1/votes", "/v1/proposals", "/v1/dividends"),
          invalidJson.filter((text) => !isJson(text)),
          async (url, text) => {
            const answer = await send(url, text);
            expectRefusal(answer, [400], ["malformed_request"], text);
          },
        ),
        runs(200),
      );
      await expectStillHealthy(before);
    });
  });

  describe("GET routes with random path parameters", function () {
    it("never a 5xx, always JSON with an error when not 200 (500 runs)", async function () {
      const before = queue();
      const segment = fc.oneof(
        fc.string({ unit: "grapheme", maxLength: 100 }).map(encodeURIComponent),
        fc.stringMatching(/^[A-Za-z0-9%._~!$&'()*+,;=:@-]{0,100}$/),
        fc.bigInt({ min: 0n, max: 10n ** 90n }).map(String),
        fc.constant(world.zoneAddress),
        fc.constant(world.zoneAddress.toLowerCase()),
        fc.constant(Wallet.createRandom().address),
        fc.constant(".."),
      );
      const path = fc.oneof(
        segment.map((nullifier) => `/v1/votes/${nullifier}`),
        segment.map((nullifier) => `/v1/proposals/submissions/${nullifier}`),
        segment.map((nullifier) => `/v1/dividends/${nullifier}`),
        fc.tuple(segment, segment).map(([zone, id]) => `/v1/zones/${zone}/proposals/${id}`),
        segment.map((zone) => `/v1/zones/${zone}/proposals`),
        segment.map((zone) => `/v1/zones/${zone}/members`),
        fc
          .tuple(segment, segment, segment)
          .map(([zone, o, l]) => `/v1/zones/${zone}/members?offset=${o}&limit=${l}`),
        fc.tuple(segment, segment).map(([zone, size]) => `/v1/zones/${zone}/tree?size=${size}`),
        fc
          .tuple(segment, segment, segment)
          .map(([zone, index, size]) => `/v1/zones/${zone}/tree/buckets/${index}?size=${size}`),
      );
      await fc.assert(
        fc.asyncProperty(path, async (url) => {
          const answer = await get(relayer, url);
          const what = `GET ${url} -> ${answer.status} ${answer.text.slice(0, 300)}`;
          // 422: a tree of size 0, a member page's limit out of range.
          expect(answer.status, what).to.be.oneOf([200, 400, 404, 422]);
          if (answer.status !== 200) {
            expect(answer.body.error, what).to.be.a("string");
            expect(answer.body.message, what).to.be.a("string").and.not.equal("");
          }
        }),
        runs(500),
      );
      await expectStillHealthy(before);
    });
  });
});
