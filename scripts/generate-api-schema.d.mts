/** Types of scripts/generate-api-schema.mjs, for the test that checks the generated file is current. */
export declare const OUTPUT: string;

export interface GeneratedApiSchema {
  readonly kinds: Record<string, string>;
  readonly types: Record<string, Record<string, string>>;
}

/** Reads node_modules/kubernetes-types and returns the schema that src/api/generated/api-schema.ts must hold. */
export declare function generateApiSchema(): GeneratedApiSchema;

/** The TypeScript module text for a schema. */
export declare function renderApiSchemaModule(schema: GeneratedApiSchema): string;
