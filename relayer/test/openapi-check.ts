/**
 * Checks an answer against the schema the relayer's OpenAPI document gives for it: the part of
 * JSON Schema (OpenAPI 3.0 dialect, `nullable` included) the API uses. Deliberately small and
 * strict: an unknown keyword fails the check instead of being ignored.
 */

export interface OpenApiDocument {
  paths: Record<string, Record<string, { responses: Record<string, OpenApiResponse> }>>;
  components: { schemas: Record<string, Schema> };
}

interface OpenApiResponse {
  description?: string;
  content?: Record<string, { schema: Schema }>;
}

type Schema = Record<string, unknown>;

const KNOWN = new Set([
  "$ref",
  "type",
  "nullable",
  "enum",
  "pattern",
  "format",
  "minimum",
  "maxLength",
  "minItems",
  "maxItems",
  "items",
  "required",
  "properties",
  "additionalProperties",
  "description",
  "title",
]);

/** The operations the document lists, as "METHOD /path". */
export function operations(doc: OpenApiDocument): string[] {
  return Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
  );
}

/** The schema the document gives for `operation`'s answer with `status`, by content type. */
export function responseSchema(doc: OpenApiDocument, operation: string, status: number, contentType: string) {
  const [method = "", path = ""] = operation.split(" ");
  return doc.paths[path]?.[method.toLowerCase()]?.responses[String(status)]?.content?.[contentType]?.schema;
}

/** Every way `value` breaks `schema`, as "where: what"; empty when it conforms. */
export function schemaErrors(
  doc: OpenApiDocument,
  schema: Schema,
  value: unknown,
  where = "answer",
): string[] {
  const unknown = Object.keys(schema).filter((keyword) => !KNOWN.has(keyword));
  if (unknown.length > 0)
    return [`${where}: schema keywords this check does not know: ${unknown.join(", ")}`];
  if (typeof schema.$ref === "string") {
    const name = schema.$ref.replace("#/components/schemas/", "");
    const target = doc.components.schemas[name];
    return target === undefined
      ? [`${where}: no schema ${schema.$ref}`]
      : schemaErrors(doc, target, value, where);
  }
  if (value === null) return schema.nullable === true ? [] : [`${where}: null`];
  const type = schema.type as string | undefined;
  const actual = Array.isArray(value) ? "array" : Number.isInteger(value) ? "integer" : typeof value;
  if (type !== undefined && actual !== type && !(type === "number" && actual === "integer")) {
    return [`${where}: ${actual} where the schema says ${type}`];
  }
  const errors: string[] = [];
  const fail = (what: string) => errors.push(`${where}: ${what}`);
  if (Array.isArray(schema.enum) && !schema.enum.includes(value))
    fail(`${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`);
  if (typeof value === "string") {
    if (typeof schema.pattern === "string" && !new RegExp(schema.pattern, "u").test(value))
      fail(`"${value}" does not match ${schema.pattern}`);
    if (typeof schema.maxLength === "number" && value.length > schema.maxLength)
      fail(`longer than ${schema.maxLength}`);
    if (schema.format === "date-time" && Number.isNaN(Date.parse(value)))
      fail(`"${value}" is not a date-time`);
  }
  if (typeof value === "number" && typeof schema.minimum === "number" && value < schema.minimum)
    fail(`below ${schema.minimum}`);
  if (Array.isArray(value)) {
    if (typeof schema.minItems === "number" && value.length < schema.minItems)
      fail(`fewer than ${schema.minItems} items`);
    if (typeof schema.maxItems === "number" && value.length > schema.maxItems)
      fail(`more than ${schema.maxItems} items`);
    const items = schema.items as Schema | undefined;
    if (items !== undefined)
      value.forEach((item, i) => errors.push(...schemaErrors(doc, items, item, `${where}[${i}]`)));
  }
  if (typeof value === "object" && !Array.isArray(value)) {
    const record = value as Record<string, unknown>;
    const properties = (schema.properties ?? {}) as Record<string, Schema>;
    for (const key of (schema.required ?? []) as string[]) if (!(key in record)) fail(`no ${key}`);
    for (const [key, field] of Object.entries(record)) {
      const property = properties[key];
      if (property !== undefined) errors.push(...schemaErrors(doc, property, field, `${where}.${key}`));
      else if (schema.additionalProperties !== true) fail(`${key} is not in the schema`);
    }
  }
  return errors;
}
