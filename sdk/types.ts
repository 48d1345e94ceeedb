/** One call a passed proposal makes from the zone (IZone.Action). */
export interface ZoneAction {
  target: string;
  value: bigint;
  /** ABI-encoded calldata, 0x-prefixed ("0x" for a plain ether transfer). */
  data: string;
}

/** IZone.Rules. */
export interface ZoneRules {
  votingDelay: number;
  votingPeriod: number;
  executionDelay: number;
  executionWindow: number;
  quorumBps: number;
  approvalBps: number;
  proposalEpoch: number;
  proposalsPerEpoch: number;
  /**
   * Most the treasury reimburses, in wei, per counted vote to whoever submitted it; 0n for no
   * refunds. A bigint: the contract's uint56 reaches about 7.2e16.
   */
  maxRelayerRefundPerVote: bigint;
}

/** The 8 values of a packed Groth16 proof, in @semaphore-protocol/proof's order. */
export type PackedProof = [bigint, bigint, bigint, bigint, bigint, bigint, bigint, bigint];
