/**
 * A read repeated every few seconds while a page is open, that stops for good at a dead end
 * (dead-ends.tsx): after one, nothing is asked again until the page's "Try again" changes `attempt`.
 */
import { useCallback, useEffect, useState } from "react";
import { explain } from "./api.js";
import type { DeadEnd } from "./dead-ends.js";

/** Thrown by a read that got its answer but found a dead end in it (the chain down): both are kept. */
export class DeadEndReached<T> extends Error {
  constructor(
    readonly deadEnd: DeadEnd,
    readonly value?: T,
  ) {
    super(deadEnd.kind);
    this.name = "DeadEndReached";
  }
}

export interface Polled<T> {
  value?: T;
  /** A failure worth asking again about (shown, and the read goes on). */
  error?: string;
  deadEnd?: DeadEnd;
  /** Reads once more now (after a vote, say), then goes on polling. */
  refresh: () => void;
}

export function usePolling<T>(
  /** The read; its identity (useCallback) decides when polling starts over. */
  read: () => Promise<T>,
  options: {
    intervalMs: number;
    /** Which failures are dead ends. */
    deadEndOf: (error: unknown) => DeadEnd | undefined;
    /** The page's Try again count: a change starts over. */
    attempt: number;
    /** The page met a dead end elsewhere: no read at all. */
    stopped?: boolean;
  },
): Polled<T> {
  const { intervalMs, deadEndOf, attempt, stopped = false } = options;
  const [state, setState] = useState<Omit<Polled<T>, "refresh">>({});
  const [nudge, setNudge] = useState(0);
  useEffect(() => {
    if (stopped) return;
    let cancelled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    setState((current) => ({ value: current.value }));
    const once = async () => {
      try {
        const value = await read();
        if (cancelled) return;
        setState({ value });
      } catch (caught) {
        if (cancelled) return;
        const deadEnd = caught instanceof DeadEndReached ? caught.deadEnd : deadEndOf(caught);
        if (deadEnd) {
          const value = caught instanceof DeadEndReached ? (caught.value as T | undefined) : undefined;
          setState((current) => ({ value: value ?? current.value, deadEnd }));
          return; // a dead end: no more requests
        }
        setState((current) => ({ ...current, error: explain(caught) }));
      }
      // The next read only once this one is answered, so a slow relayer never gets two at once.
      timer = setTimeout(() => void once(), intervalMs);
    };
    void once();
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [read, intervalMs, deadEndOf, attempt, stopped, nudge]);
  const refresh = useCallback(() => setNudge((count) => count + 1), []);
  return { ...state, refresh };
}
