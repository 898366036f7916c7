import type { Ajv2020, ValidateFunction } from "ajv/dist/2020.js";
import { createAjv, type AjvPurpose } from "./create-ajv.ts";
import { SchemaRegistryError } from "./errors.ts";
import { toIssues, type ValidationIssue } from "./issues.ts";

export type ValidationResult = { ok: true } | { ok: false; issues: ValidationIssue[] };

/** A JSON schema document as the registry stores it. */
export type RegisteredSchema = Readonly<Record<string, unknown>> & { readonly $id: string };

/** Normalised lookup key: case, "-", "_" and spaces do not matter ("TerraUser" == "terra_user"). */
export const nameKey = (name: string): string => name.toLowerCase().replace(/[-_\s]/g, "");

/**
 * A set of JSON schemas keyed by `$id`. Schemas are added up front and each is compiled once, on first use
 * (or all at once with `compileAll()`), never per validation. Data is checked by a validator that only
 * answers yes or no, cheaply; only data that fails goes through the reporting one, which explains why.
 */
export class SchemaRegistry {
  readonly #ajv = { check: createAjv("check"), report: createAjv("report") } satisfies Record<AjvPurpose, Ajv2020>;
  readonly #schemas = new Map<string, RegisteredSchema>();
  readonly #validators = { check: new Map<string, ValidateFunction>(), report: new Map<string, ValidateFunction>() };
  readonly #names = new Map<string, string>();

  /** Registers a schema; its `title` becomes a lookup name. Returns the `$id`. */
  add(schema: object): string {
    const id = (schema as { $id?: unknown }).$id;
    if (typeof id !== "string" || id === "") {
      const title = (schema as { title?: unknown }).title;
      throw new SchemaRegistryError(
        "ERR_SCHEMA_MISSING_ID",
        `cannot register a schema without an $id${typeof title === "string" ? ` (title "${title}")` : ""}`,
      );
    }
    if (this.#schemas.has(id)) throw new SchemaRegistryError("ERR_SCHEMA_DUPLICATE_ID", `a schema with $id "${id}" is already registered`);
    try {
      this.#ajv.check.addSchema(schema, id);
      this.#ajv.report.addSchema(schema, id);
    } catch (cause) {
      throw new SchemaRegistryError("ERR_SCHEMA_INVALID", `schema "${id}" is not a valid JSON schema: ${(cause as Error).message}`, { cause });
    }
    this.#schemas.set(id, schema as RegisteredSchema);
    const title = (schema as { title?: unknown }).title;
    if (typeof title === "string") this.alias(title, id);
    return id;
  }

  /** Adds a lookup name for a registered id. The first registration of a name wins. */
  alias(name: string, id: string): void {
    if (!this.#schemas.has(id)) throw new SchemaRegistryError("ERR_SCHEMA_UNKNOWN", `cannot alias "${name}" to unregistered schema "${id}"`);
    const key = nameKey(name);
    if (!this.#names.has(key)) this.#names.set(key, id);
  }

  has(id: string): boolean {
    return this.#schemas.has(id);
  }

  ids(): string[] {
    return [...this.#schemas.keys()];
  }

  /** The registered schema for an id or lookup name. */
  get(idOrName: string): RegisteredSchema | undefined {
    const id = this.resolve(idOrName);
    return id === undefined ? undefined : this.#schemas.get(id);
  }

  /**
   * `$id` for an id or a lookup name (case-insensitive). An id with a JSON-pointer fragment into a
   * registered schema ("<id>#/properties/x") resolves to itself.
   */
  resolve(idOrName: string): string | undefined {
    if (this.#schemas.has(idOrName)) return idOrName;
    const hash = idOrName.indexOf("#/");
    if (hash > 0 && this.#schemas.has(idOrName.slice(0, hash))) return idOrName;
    return this.#names.get(nameKey(idOrName));
  }

  /** Validates `data`; never throws for invalid data, only for an unknown schema. */
  validate(idOrName: string, data: unknown): ValidationResult {
    if (this.#validator(idOrName, "check")(data)) return { ok: true };
    const report = this.#validator(idOrName, "report");
    // The check may refuse what the schema allows (it counts no property as evaluated, so it fails every
    // `unevaluatedProperties`), never the reverse: the reporting validator has the last word.
    if (report(data)) return { ok: true };
    return { ok: false, issues: toIssues(report.errors ?? []) };
  }

  /** Compiles every registered schema now, so a broken schema fails start-up rather than a request. */
  compileAll(): void {
    for (const id of this.#schemas.keys()) {
      this.#validator(id, "check");
      this.#validator(id, "report");
    }
  }

  #validator(idOrName: string, purpose: AjvPurpose): ValidateFunction {
    const id = this.resolve(idOrName);
    if (id === undefined) throw new SchemaRegistryError("ERR_SCHEMA_UNKNOWN", `no schema named "${idOrName}"`);
    const cached = this.#validators[purpose].get(id);
    if (cached !== undefined) return cached;
    let validator: ValidateFunction | undefined;
    try {
      validator = this.#ajv[purpose].getSchema(id);
    } catch (cause) {
      throw new SchemaRegistryError("ERR_SCHEMA_INVALID", `schema "${id}" does not compile: ${(cause as Error).message}`, { cause });
    }
    if (validator === undefined) throw new SchemaRegistryError("ERR_SCHEMA_UNKNOWN", `no schema at "${id}"`);
    this.#validators[purpose].set(id, validator);
    return validator;
  }
}

/** A new, empty registry (the process-wide one with Terra's schemas is `getSchemaRegistry()`). */
export function createSchemaRegistry(): SchemaRegistry {
  return new SchemaRegistry();
}
