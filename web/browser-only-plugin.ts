/**
 * Keeps Node out of what the browser loads: the build fails when a Node built-in module (node:fs,
 * path, …) is reachable through static imports from the app's page or from the prover worker. Vite
 * would otherwise put an empty stub in its place and only warn, and the page would break when the
 * code ran. Type-only imports are erased before this looks, and a module loaded with import() is
 * not followed: sdk/verify.ts lazily loads its Node default key source, which the audit page never
 * calls (it passes the keys it fetched).
 */
import type { Plugin } from "vite";

/** How Vite names the empty stub it puts in place of a Node built-in in a browser build. */
const STUB = "__vite-browser-external";

export function browserOnlyPlugin(): Plugin {
  return {
    name: "zonedao-browser-only",
    apply: "build",
    buildEnd(error) {
      if (error) return;
      // Each module reached from an entry, with the module that imports it (to name the path).
      const importedBy = new Map<string, string | undefined>();
      const next = [...this.getModuleIds()].filter((id) => this.getModuleInfo(id)?.isEntry);
      next.forEach((id) => importedBy.set(id, undefined));
      for (let id = next.pop(); id !== undefined; id = next.pop()) {
        for (const imported of this.getModuleInfo(id)?.importedIds ?? []) {
          if (importedBy.has(imported)) continue;
          importedBy.set(imported, id);
          next.push(imported);
        }
      }
      const offenders = [...importedBy.keys()].filter((id) =>
        this.getModuleInfo(id)?.importedIds.some((imported) => imported.startsWith(STUB)),
      );
      if (offenders.length === 0) return;
      const pathTo = (id: string): string[] => {
        const parent = importedBy.get(id);
        return parent === undefined ? [id] : [...pathTo(parent), id];
      };
      this.error(
        "Node built-in modules would load in the browser (Vite's warnings above name them): " +
          offenders.map((id) => pathTo(id).join(" -> ")).join("; "),
      );
    },
  };
}
