/**
 * NHS "Making Data Count" icons: the variation icon (what the latest point of an XmR chart says) and the
 * assurance icon (whether the process will meet its target), as small self-contained inline SVGs that a
 * board reads before the chart. Each icon has `role="img"`, a `<title>` and an `aria-label`, and comes with
 * its text equivalent, so the meaning never rests on colour or shape alone.
 *
 * Colours are the ones NHSRplotthedots and the Making Data Count guidance use: blue improvement, orange
 * concern, grey common cause, purple a special cause where the indicator has no better direction.
 */
import type { SpcSummary } from '../assess/types.js';
import type { AssuranceType, VariationType } from '../assess/stats/spc.js';
import { assertSelfContained, type TrustedSvg } from './charts.js';
import { ASSURANCE_SHORT, ASSURANCE_TEXT, VARIATION_SHORT, VARIATION_TEXT } from './words.js';

export type VariationKind = VariationType;
export type AssuranceKind = AssuranceType;
export { ASSURANCE_SHORT, VARIATION_SHORT };

/** Making Data Count colours (as NHSRplotthedots draws them). */
export const SPC_COLOUR = {
  improvement: '#289de0',
  concern: '#fab428',
  common: '#7b7d7d',
  neutral: '#361475',
} as const;
/** Darker shades of the same hues, for outlines and letters that must stand out on white (≥ 3:1). */
export const SPC_OUTLINE = {
  improvement: '#1d70b8',
  concern: '#b35c00',
  common: '#505a5f',
  neutral: '#361475',
} as const;

export interface SpcIcon {
  /** `common_cause`, `improvement_high`, … or `pass`, `fail`, `hit_or_miss`. */
  kind: string;
  /** Self-contained SVG with `role="img"`, `<title>` and `aria-label`. */
  svg: TrustedSvg;
  /** Short words printed beside the icon: "Improvement (low)", "Consistently hits the target". */
  label: string;
  /** The full text equivalent: "Special cause variation: improving (lower)". */
  text: string;
  /** `spc-icon spc-improvement` etc., for the templates' CSS. */
  className: string;
}


const VARIATIONS = Object.keys(VARIATION_SHORT) as VariationKind[];
const ASSURANCES = Object.keys(ASSURANCE_SHORT) as AssuranceKind[];

export const isVariationKind = (x: string): x is VariationKind => (VARIATIONS as string[]).includes(x);
export const isAssuranceKind = (x: string): x is AssuranceKind => (ASSURANCES as string[]).includes(x);

const FONT = 'Arial, Helvetica, Liberation Sans, DejaVu Sans, sans-serif';

function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function svgIcon(body: string, text: string, size: number): TrustedSvg {
  const t = escapeText(text);
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 40 40" width="${size}" height="${size}" role="img" aria-label="${t}" focusable="false"><title>${t}</title>${body}</svg>`;
  assertSelfContained(svg);
  return svg as TrustedSvg;
}

const ring = (colour: string) => `<circle cx="20" cy="20" r="17.5" fill="#ffffff" stroke="${colour}" stroke-width="3"/>`;

function dots(ys: number[], colours: string[], line: string): string {
  const xs = ys.map((_, i) => 9 + i * (22 / (ys.length - 1)));
  const pts = xs.map((x, i) => `${x.toFixed(1)},${ys[i]}`).join(' ');
  return `<polyline points="${pts}" fill="none" stroke="${line}" stroke-width="1.2"/>${xs.map((x, i) => `<circle cx="${x.toFixed(1)}" cy="${ys[i]}" r="2" fill="${colours[i]}"/>`).join('')}`;
}

const letter = (ch: string, y: number, colour: string, size = 11) =>
  `<text x="20" y="${y}" text-anchor="middle" font-family="${FONT}" font-size="${size}" font-weight="bold" fill="${colour}">${ch}</text>`;

/** The variation icon for an XmR chart's latest point. */
export function variationIcon(kind: VariationKind, size = 36): SpcIcon {
  if (!isVariationKind(kind)) throw new TypeError(`unknown SPC variation: ${String(kind)}`);
  const text = VARIATION_TEXT[kind];
  if (kind === 'common_cause') {
    const g = SPC_COLOUR.common;
    const body = ring(g) + dots([21, 17, 22, 18, 23, 19, 20], Array(7).fill(g), g);
    return { kind, svg: svgIcon(body, text, size), label: VARIATION_SHORT[kind], text, className: 'spc-icon spc-common' };
  }
  const [meaning, side] = kind.split('_') as ['improvement' | 'concern' | 'neutral', 'high' | 'low'];
  const c = SPC_COLOUR[meaning];
  const dark = SPC_OUTLINE[meaning];
  const grey = SPC_COLOUR.common;
  // The last three points carry the signal, above (high) or below (low) the first four; the letter sits on the other side.
  const ys = side === 'high' ? [29, 28, 30, 29, 25, 23, 21] : [13, 14, 12, 13, 17, 19, 21];
  const colours = [grey, grey, grey, grey, c, c, c];
  const body = ring(c) + dots(ys, colours, grey) + letter(side === 'high' ? 'H' : 'L', side === 'high' ? 17 : 32, dark);
  return { kind, svg: svgIcon(body, text, size), label: VARIATION_SHORT[kind], text, className: `spc-icon spc-${meaning}` };
}

/** The assurance icon: where the target lies against the process limits. */
export function assuranceIcon(kind: AssuranceKind, size = 36): SpcIcon {
  if (!isAssuranceKind(kind)) throw new TypeError(`unknown SPC assurance: ${String(kind)}`);
  const text = ASSURANCE_TEXT[kind];
  let body: string;
  let className: string;
  if (kind === 'pass') {
    body = ring(SPC_COLOUR.improvement) + letter('P', 26, SPC_OUTLINE.improvement, 17);
    className = 'spc-icon spc-improvement';
  } else if (kind === 'fail') {
    body = ring(SPC_COLOUR.concern) + letter('F', 26, SPC_OUTLINE.concern, 17);
    className = 'spc-icon spc-concern';
  } else {
    // A process wandering either side of a dashed target line.
    const g = SPC_COLOUR.common;
    body = ring(g)
      + `<line x1="7" y1="20" x2="33" y2="20" stroke="${SPC_OUTLINE.common}" stroke-width="1.5" stroke-dasharray="3 2"/>`
      + `<path d="M8 20 Q11 11 14 20 T20 20 T26 20 T32 20" fill="none" stroke="${g}" stroke-width="2"/>`;
    className = 'spc-icon spc-common';
  }
  return { kind, svg: svgIcon(body, text, size), label: ASSURANCE_SHORT[kind], text, className };
}

/** Both icons for an SPC chart: assurance is null when there is no target or no better direction. */
export function spcIcons(spc: Pick<SpcSummary, 'variation' | 'assurance'> | undefined, size?: number): { variation: SpcIcon; assurance: SpcIcon | null } | null {
  if (!spc) return null;
  return {
    variation: variationIcon(spc.variation, size),
    assurance: spc.assurance ? assuranceIcon(spc.assurance, size) : null,
  };
}
