/** Dates as the reader's browser words them (its languages, its time zone). */

/** A chain time (seconds since 1970) as a date and time in the reader's locale, e.g. "6 Dec 2026, 09:30". */
export function formatDate(seconds: number, locales: readonly string[] = navigator.languages): string {
  return new Date(seconds * 1000).toLocaleString([...locales], { dateStyle: "medium", timeStyle: "short" });
}
