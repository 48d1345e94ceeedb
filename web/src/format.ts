/** Dates as the reader's browser writes them (locale and time zone), the same way on every page. */

/** `when` (seconds since 1970, as the chain counts, or a Date) in the reader's locale. */
export function formatDate(
  when: number | Date,
  style: Pick<Intl.DateTimeFormatOptions, "dateStyle" | "timeStyle" | "timeZone"> = {
    dateStyle: "medium",
    timeStyle: "short",
  },
  locale?: string,
): string {
  const date = typeof when === "number" ? new Date(when * 1000) : when;
  return new Intl.DateTimeFormat(locale, style).format(date);
}
