/**
 * The TypeScript type a JSON Schema describes, for the small part of JSON Schema the relayer's API
 * uses (object, array, string with enum, integer, number, boolean, null, type lists, and `$ref` to
 * a named schema). Declare a schema `as const` and its type follows: a field added to one and not
 * the other no longer compiles. Keywords that only narrow a value (pattern, minItems, format) do
 * not change its type. Types only: nothing here runs.
 */

/** Named schemas a `$ref: "Name#"` points to (Fastify's shared schemas); none by default. */
export type SchemaRefs = Record<string, unknown>;

export type FromSchema<S, Refs extends SchemaRefs = Record<never, never>> = S extends {
  $ref: `${infer Name}#`;
}
  ? // An unknown name is `never`, so a misspelt reference cannot pass for any value.
    Name extends keyof Refs
    ? FromSchema<Refs[Name], Refs>
    : never
  : S extends { type: readonly (infer T)[] }
    ? OfType<T, S, Refs>
    : S extends { type: infer T }
      ? OfType<T, S, Refs>
      : unknown;

type OfType<T, S, Refs extends SchemaRefs> = T extends "string"
  ? S extends { enum: readonly (infer E)[] }
    ? E
    : string
  : T extends "integer" | "number"
    ? number
    : T extends "boolean"
      ? boolean
      : T extends "null"
        ? null
        : T extends "array"
          ? S extends { items: infer I }
            ? FromSchema<I, Refs>[]
            : unknown[]
          : T extends "object"
            ? ObjectOf<S, Refs>
            : unknown;

type RequiredKeys<S> = S extends { required: readonly (infer K)[] } ? K : never;

type ObjectOf<S, Refs extends SchemaRefs> = S extends { properties: infer P }
  ? Flatten<
      { -readonly [K in keyof P & RequiredKeys<S>]: FromSchema<P[K], Refs> } & {
        -readonly [K in Exclude<keyof P, RequiredKeys<S>>]?: FromSchema<P[K], Refs>;
      } & (S extends { additionalProperties: true } ? Record<string, unknown> : unknown)
    >
  : Record<string, unknown>;

/** One object type instead of an intersection, so editors show its fields. */
type Flatten<T> = T extends infer O ? { [K in keyof O]: O[K] } : never;
