import type { Comorbidity } from '@lf/contracts';
import { codings, field, pathOf, reportUnknownConcept, type BundleEntry, type ParseContext } from './bundle-context';
import type { SubjectChecker } from './read-patient';
import { SNOMED_CT, SNOMED_TO_COMORBIDITY } from './terminology';

export interface ComorbidityFact {
  value: boolean;
  entry: BundleEntry;
  codePath: string;
}

const NOT_CONFIRMED = ['unconfirmed', 'provisional', 'differential'];
const NOT_CURRENT = ['inactive', 'remission', 'resolved'];

/**
 * Condition resources with a SNOMED CT code of SNOMED_COMORBIDITIES. A confirmed (or unqualified) and
 * current condition sets the flag to true; a `refuted` one sets it to false; unconfirmed, resolved or
 * entered-in-error ones are reported and not used. No Condition for a comorbidity leaves it unknown.
 */
export function readConditions(ctx: ParseContext, subjects: SubjectChecker): Partial<Record<Comorbidity, ComorbidityFact>> {
  const out: Partial<Record<Comorbidity, ComorbidityFact>> = {};
  for (const entry of ctx.entries) {
    if (entry.resourceType !== 'Condition') continue;
    const { resource, path } = entry;
    const codePath = pathOf(path, 'code');
    const match = codings(field(resource, 'code'), codePath).find(
      (c) => c.system === SNOMED_CT && c.code !== undefined && SNOMED_TO_COMORBIDITY.has(c.code),
    );
    if (!match || match.code === undefined) {
      reportUnknownConcept(ctx, field(resource, 'code'), codePath);
      continue;
    }
    if (!subjects.check(resource, path)) continue;
    const name = SNOMED_TO_COMORBIDITY.get(match.code)!;
    const verification = codings(field(resource, 'verificationStatus'), pathOf(path, 'verificationStatus'))[0]?.code;
    const clinical = codings(field(resource, 'clinicalStatus'), pathOf(path, 'clinicalStatus'))[0]?.code;
    let value: boolean;
    if (verification === 'entered-in-error') {
      ctx.ignore(pathOf(path, 'verificationStatus'), 'verificationStatus entered-in-error: not a valid record');
      continue;
    } else if (verification === 'refuted') {
      value = false;
    } else if (verification !== undefined && NOT_CONFIRMED.includes(verification)) {
      ctx.ignore(pathOf(path, 'verificationStatus'), `verificationStatus ${verification}: not a confirmed comorbidity`);
      continue;
    } else if (clinical !== undefined && NOT_CURRENT.includes(clinical)) {
      ctx.ignore(pathOf(path, 'clinicalStatus'), `clinicalStatus ${clinical}: not a current comorbidity`);
      continue;
    } else {
      value = true;
    }
    const existing = out[name];
    if (!existing) {
      out[name] = { value, entry, codePath: match.path };
    } else if (existing.value === value) {
      ctx.ignore(path, `${name} is already stated by entry[${existing.entry.index}]`);
    } else {
      const [kept, dropped] = existing.value ? [existing, { entry }] : [{ entry }, existing];
      ctx.ignore(dropped.entry.path, `${name}: refuted here but confirmed by entry[${kept.entry.index}], which is used`);
      if (!existing.value) out[name] = { value, entry, codePath: match.path };
    }
  }
  return out;
}
