import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fuse, fusionParamsSchema } from '@lf/fusion';
import { loadFusionBundle, resolveFusionBundleDir, type FusionBundle } from './fusion-bundle';
import { FusionEngine } from './fusion-engine';

const FIXTURE_MODELS = join(__dirname, '../../test/fixtures/models');
const FIXTURE = join(FIXTURE_MODELS, 'fusion/0.0.0-smoke');

describe('resolveFusionBundleDir', () => {
  it('picks the highest version, or the pinned one', async () => {
    const root = mkdtempSync(join(tmpdir(), 'lf-fusion-'));
    try {
      for (const v of ['1.0.0-smoke', '1.0.0', '0.9.12', 'incoming-2.0.0']) cpSync(FIXTURE, join(root, 'fusion', v), { recursive: true });
      expect(resolveFusionBundleDir(root)).toBe(join(root, 'fusion', '1.0.0'));
      expect(resolveFusionBundleDir(root, '0.9.12')).toBe(join(root, 'fusion', '0.9.12'));
      expect(() => resolveFusionBundleDir(join(root, 'nowhere'))).toThrow(/npm run train/);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('the committed bundle (models/fusion)', () => {
  const modelsDir = join(__dirname, '../../../../models');
  const committed = existsSync(join(modelsDir, 'fusion'));
  (committed ? it : it.skip)('loads with its sha256 and serves every strategy', async () => {
    const bundle = await loadFusionBundle(resolveFusionBundleDir(modelsDir));
    try {
      expect([...bundle.strategies].sort()).toEqual(['attention', 'log-odds', 'stacking', 'weighted-mean']);
      const fused = await new FusionEngine(bundle).fuse('attention', [{ modality: 'tabular', status: 'ok', probability: 0.3 }]);
      expect(fused.strategy).toBe('attention');
    } finally {
      await bundle.close();
    }
  });
});

describe('loadFusionBundle', () => {
  let bundle: FusionBundle;
  beforeAll(async () => {
    bundle = await loadFusionBundle(FIXTURE);
  });
  afterAll(() => bundle?.close());

  it('loads params, the default strategy and the attention session', () => {
    expect(bundle.version).toBe('0.0.0-smoke');
    expect(bundle.defaultStrategy).toBe('stacking');
    expect([...bundle.strategies].sort()).toEqual(['attention', 'log-odds', 'stacking', 'weighted-mean']);
    expect(bundle.attention).toBeDefined();
  });

  it('fuses every strategy through libs/fusion, attention via ONNX', async () => {
    const engine = new FusionEngine(bundle);
    const evidence = [
      { modality: 'imaging', status: 'ok' as const, probability: 0.8, logit: 1.2 },
      { modality: 'tabular', status: 'missing' as const },
      { modality: 'vitals', status: 'ok' as const, probability: 0.3, logit: -0.7 },
    ];
    for (const strategy of ['weighted-mean', 'log-odds', 'stacking'] as const) {
      expect(await engine.fuse(strategy, evidence)).toEqual(await fuse(strategy, evidence, bundle.params));
    }
    const attention = await engine.fuse('attention', evidence);
    expect(attention.strategy).toBe('attention');
    expect(attention.probability).toBeGreaterThan(0);
    expect(attention.probability).toBeLessThan(1);
    expect(attention.contributions.find((c) => c.modality === 'tabular')!.weight).toBe(0);
    expect(attention.degraded).toBe(true);
  });

  describe('refuses a broken bundle', () => {
    let dir: string;
    beforeEach(() => {
      dir = join(mkdtempSync(join(tmpdir(), 'lf-fusion-')), '0.0.0-smoke');
      cpSync(FIXTURE, dir, { recursive: true });
    });
    afterEach(() => rmSync(join(dir, '..'), { recursive: true, force: true }));
    const manifest = () => JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    const writeManifest = (m: unknown) => writeFileSync(join(dir, 'manifest.json'), JSON.stringify(m));

    it('whose ONNX file does not match its sha256', async () => {
      const bytes = readFileSync(join(dir, 'model.onnx'));
      bytes[bytes.length - 1] ^= 0xff;
      writeFileSync(join(dir, 'model.onnx'), bytes);
      await expect(loadFusionBundle(dir)).rejects.toThrow(/sha256 mismatch/);
    });

    it('with invalid params', async () => {
      const m = manifest();
      m.fusion.params.prior = 2;
      writeManifest(m);
      await expect(loadFusionBundle(dir)).rejects.toThrow(/fusion.params: prior/);
    });

    it('of the wrong kind', async () => {
      writeManifest({ ...manifest(), kind: 'modality' });
      await expect(loadFusionBundle(dir)).rejects.toThrow(/kind/);
    });

    it('without the module: attention falls back to the default strategy', async () => {
      const m = manifest();
      delete m.file;
      delete m.sha256;
      writeManifest(m);
      const loaded = await loadFusionBundle(dir);
      expect(loaded.strategies.has('attention')).toBe(false);
      const engine = new FusionEngine(loaded);
      expect(engine.strategyFor('attention')).toBe('stacking');
      expect((await engine.fuse('attention', [{ modality: 'tabular', status: 'ok', probability: 0.4 }])).strategy).toBe('stacking');
      expect(fusionParamsSchema.safeParse(loaded.params).success).toBe(true);
    });
  });
});
