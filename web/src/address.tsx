/** An address as a citizen reads it: its known name, else 0x1234…abcd with the full value a copy away. */
import { createContext, useContext, useState } from "react";
import { shortAddress } from "./names.js";

/** The names the app's config gives addresses (names.ts knownNames), by lowercase address. */
export const NamesContext = createContext<Record<string, string>>({});

/** The name the app knows `address` by, if any. */
export function useName(address: string): string | undefined {
  return useContext(NamesContext)[address.toLowerCase()];
}

/** Copies `value` to the clipboard; says so for a moment. */
export function CopyButton({ value, label }: { value: string; label: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <button
      type="button"
      className="copy"
      aria-label={label}
      title={label}
      onClick={() =>
        void navigator.clipboard.writeText(value).then(
          () => {
            setCopied(true);
            setTimeout(() => setCopied(false), 1500);
          },
          () => undefined, // no clipboard (an insecure origin): the value stays selectable in the title
        )
      }
    >
      {copied ? "Copied" : "Copy"}
    </button>
  );
}

/** `value` by `name`, else by the config's name for it (NamesContext), else shortened with a copy button. */
export function Address({ value, name }: { value: string; name?: string }) {
  const known = useName(value);
  name ??= known;
  if (name) {
    return (
      <span className="address" title={value}>
        {name}
      </span>
    );
  }
  return (
    <span className="address">
      <span className="mono" title={value} aria-label={`address ${value}`}>
        {shortAddress(value)}
      </span>{" "}
      <CopyButton value={value} label={`Copy the address ${value}`} />
    </span>
  );
}
