import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compareModelVersions, resolveModelVersion } from './model-versions';

describe('model versions', () => {
  it('orders numerically, pre-releases before their release', () => {
    const sorted = ['1.10.0', '1.2.0', '1.0.0', '1.0.0-smoke', '0.9.9', '1.0.0-rc.2', '1.0.0-rc.10'].sort(compareModelVersions);
    expect(sorted).toEqual(['0.9.9', '1.0.0-rc.2', '1.0.0-rc.10', '1.0.0-smoke', '1.0.0', '1.2.0', '1.10.0']);
  });

  it('orders minor versions numerically and a pre-release before its release', () => {
    expect(['1.0.0', '0.10.0', '0.9.0', '1.0.0-smoke'].sort(compareModelVersions)).toEqual(['0.9.0', '0.10.0', '1.0.0-smoke', '1.0.0']);
  });

  it('resolves the highest version, ignoring non-version folders, or the pinned one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lf-models-'));
    for (const v of ['1.0.0', '1.2.0', '.incoming-9.0.0', 'notes']) mkdirSync(join(dir, 'm', v), { recursive: true });
    expect(resolveModelVersion(dir, 'm').version).toBe('1.2.0');
    expect(resolveModelVersion(dir, 'm', '1.0.0')).toEqual({ version: '1.0.0', dir: join(dir, 'm', '1.0.0') });
    expect(() => resolveModelVersion(dir, 'absent')).toThrow("no model 'absent'");
  });
});
