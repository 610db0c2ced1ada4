import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LAB_NAMES, LAB_UNIT_FACTORS, VITAL_SIGN_NAMES, VITAL_SIGNS } from '@lf/contracts';
import { LOINC_CODES, SNOMED_COMORBIDITIES } from './terminology';
import { applyUnitRule, contractUnitsFor, invertUnitRule, LAB_UNIT_RULES, MMHG_PER_KPA, unitRulesFor, VITAL_UNIT_RULES, type QuantityTarget } from './units';

const README = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
const TARGETS: QuantityTarget[] = [...VITAL_SIGN_NAMES, ...LAB_NAMES, 'bmi'];

describe('code and unit tables', () => {
  it('every unit rule lands on a unit the case contract accepts for that field', () => {
    for (const target of TARGETS) {
      for (const [unit, rule] of Object.entries(unitRulesFor(target))) {
        expect(`${target} ${unit} -> ${rule.to}: ${contractUnitsFor(target).includes(rule.to)}`).toBe(`${target} ${unit} -> ${rule.to}: true`);
      }
    }
  });

  it('every contract unit is reachable from its UCUM spelling without changing the value', () => {
    for (const sign of VITAL_SIGN_NAMES) expect(VITAL_UNIT_RULES[sign][VITAL_SIGNS[sign]]).toEqual({ to: VITAL_SIGNS[sign], factor: 1 });
    for (const lab of LAB_NAMES) {
      for (const unit of Object.keys(LAB_UNIT_FACTORS[lab])) {
        const ucum = unit.replace('10^9', '10*9').replace('10^3', '10*3');
        expect(LAB_UNIT_RULES[lab][ucum]).toMatchObject({ to: unit, factor: 1 });
      }
    }
  });

  it('conversions use the textbook factors and invert exactly', () => {
    expect(applyUnitRule(98.6, VITAL_UNIT_RULES.temperature['[degF]'])).toBe(37);
    expect(applyUnitRule(0, VITAL_UNIT_RULES.temperature.K)).toBe(-273.15);
    expect(applyUnitRule(1, VITAL_UNIT_RULES.systolicBp.kPa)).toBeCloseTo(7.50062, 5);
    expect(MMHG_PER_KPA).toBeCloseTo(7.5006158, 6);
    expect(applyUnitRule(0.93, VITAL_UNIT_RULES.spo2['1'])).toBe(93);
    expect(applyUnitRule(0.088, LAB_UNIT_RULES.creatinine['mmol/L'])).toBe(88);
    expect(applyUnitRule(7400, LAB_UNIT_RULES.wbc['/uL'])).toBe(7.4);
    for (const target of TARGETS) {
      for (const rule of Object.values(unitRulesFor(target))) {
        expect(applyUnitRule(invertUnitRule(42.25, rule), rule)).toBeCloseTo(42.25, 9);
      }
    }
  });

  it('the README documents every LOINC code, SNOMED CT code and UCUM unit we read', () => {
    for (const [code, entry] of Object.entries(LOINC_CODES)) expect(README).toContain(`| ${code} | ${entry.display} |`);
    for (const codes of Object.values(SNOMED_COMORBIDITIES)) for (const { code } of codes) expect(README).toContain(code);
    for (const target of TARGETS) {
      for (const unit of Object.keys(unitRulesFor(target))) expect(README).toContain(`\`${unit.replace(/(\/[a-zµ]*)l$/, '$1L')}\``);
    }
  });
});
