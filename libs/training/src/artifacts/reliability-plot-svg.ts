import { reliabilityCurve } from '@lf/fusion';

/**
 * A reliability diagram as a self-contained SVG (renders on any Git host and in browsers; no plotting
 * dependency and no fonts to embed). Bubble area shows how many cases fall in each bin.
 */
export function reliabilityPlotSvg(
  title: string,
  series: { label: string; colour: string; probabilities: ArrayLike<number> }[],
  labels: ArrayLike<number>,
  bins = 10,
): string {
  const size = 360;
  const margin = 48;
  const plot = size - 2 * margin;
  const x = (v: number) => margin + v * plot;
  const y = (v: number) => size - margin - v * plot;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size + 20 * series.length}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${size / 2}" y="20" text-anchor="middle" font-size="13">${escapeXml(title)}</text>`,
    `<rect x="${margin}" y="${margin}" width="${plot}" height="${plot}" fill="none" stroke="#999"/>`,
    `<line x1="${x(0)}" y1="${y(0)}" x2="${x(1)}" y2="${y(1)}" stroke="#bbb" stroke-dasharray="4 3"/>`,
  ];
  for (const tick of [0, 0.25, 0.5, 0.75, 1]) {
    parts.push(`<text x="${x(tick)}" y="${size - margin + 14}" text-anchor="middle">${tick}</text>`);
    parts.push(`<text x="${margin - 6}" y="${y(tick) + 4}" text-anchor="end">${tick}</text>`);
  }
  parts.push(`<text x="${size / 2}" y="${size - 12}" text-anchor="middle">predicted probability</text>`);
  parts.push(`<text x="14" y="${size / 2}" text-anchor="middle" transform="rotate(-90 14 ${size / 2})">observed frequency</text>`);
  series.forEach((s, k) => {
    const curve = reliabilityCurve(Array.from(s.probabilities), Array.from(labels), bins).filter((b) => b.count > 0);
    const total = curve.reduce((a, b) => a + b.count, 0);
    const points = curve.map((b) => `${x(b.meanPrediction).toFixed(1)},${y(b.observedFrequency).toFixed(1)}`).join(' ');
    parts.push(`<polyline points="${points}" fill="none" stroke="${s.colour}" stroke-width="1.5"/>`);
    for (const b of curve) {
      const r = 2 + 10 * Math.sqrt(b.count / total);
      parts.push(`<circle cx="${x(b.meanPrediction).toFixed(1)}" cy="${y(b.observedFrequency).toFixed(1)}" r="${r.toFixed(1)}" fill="${s.colour}" fill-opacity="0.35"/>`);
    }
    parts.push(`<rect x="${margin}" y="${size + 4 + 20 * k}" width="10" height="10" fill="${s.colour}"/>`);
    parts.push(`<text x="${margin + 16}" y="${size + 13 + 20 * k}">${escapeXml(s.label)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]!);
}
