/** An answer the relayer gives on purpose: an HTTP status, a stable code and a sentence. */
export class RelayerError extends Error {
  constructor(
    readonly statusCode: 400 | 404 | 409 | 413 | 415 | 422 | 429 | 503,
    readonly code: string,
    message: string,
    /** More fields for the response body (e.g. the current status of a duplicate). */
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = "RelayerError";
  }
}
