/**
 * `npm run bench` rewrites bench/results.json whole; the figures `npm run bench:million` wrote into
 * its `scale` entry (`browser`, `indexer`, `registration.million`) come from another, much longer
 * run, so `npm run bench` carries them over from the file as it was.
 */
import { existsSync, readFileSync } from "node:fs";

interface MillionFigures {
  browser?: unknown;
  indexer?: unknown;
  registration?: { million?: unknown };
}

export function withMillionFigures<Scale extends { registration: object }>(
  scale: Scale,
  resultsFile: string,
): Scale {
  if (!existsSync(resultsFile)) return scale;
  const previous = (JSON.parse(readFileSync(resultsFile, "utf8")) as { scale?: MillionFigures }).scale;
  if (previous === undefined) return scale;
  return {
    ...scale,
    ...(previous.browser === undefined ? {} : { browser: previous.browser }),
    ...(previous.indexer === undefined ? {} : { indexer: previous.indexer }),
    registration: {
      ...scale.registration,
      ...(previous.registration?.million === undefined ? {} : { million: previous.registration.million }),
    },
  };
}
