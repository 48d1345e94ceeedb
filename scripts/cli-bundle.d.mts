// Types of scripts/cli-bundle.mjs for the TypeScript that imports it (scripts/postinstall.ts).
export declare const CLI_BUNDLE: string;
export declare function cliBundleIsCurrent(root?: string): boolean;
export declare function buildCliBundle(root?: string): Promise<void>;
