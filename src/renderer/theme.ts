/**
 * Colours and fonts for the figures, read from the CSS variables VS Code puts
 * on the notebook webview. Plotly draws SVG with literal colours, so unlike
 * the HTML parts (which use `var(--vscode-...)` directly) the figures need the
 * resolved values, and must be redrawn when the theme changes.
 */

export type ThemeKind = 'light' | 'dark';

export interface Theme {
  kind: ThemeKind;
  foreground: string;
  /** Secondary text: tick labels, captions. */
  muted: string;
  /** Axis lines. */
  border: string;
  /** Grid lines: the foreground, faint. */
  grid: string;
  hoverBackground: string;
  hoverForeground: string;
  hoverBorder: string;
  fontFamily: string;
  /** Figure font size in px (kept small: the figures are compact). */
  fontSize: number;
  /** One colour per chain, cycled when there are more chains than colours. */
  chainColors: string[];
  /** Fill of the posterior histogram bars. */
  histogramFill: string;
  /** Outline of the posterior histogram bars. */
  histogramLine: string;
  /** Quantile markers on the histogram. */
  quantileLine: string;
}

/** VS Code's chart colours, in the order chains get them (adjacent chains contrast). */
const CHART_VARIABLES = ['blue', 'orange', 'green', 'purple', 'red', 'yellow'] as const;

type ChartName = (typeof CHART_VARIABLES)[number];

/** VS Code's default values, used when a variable is missing (e.g. outside VS Code). */
const FALLBACKS: Record<ThemeKind, Record<'foreground' | 'muted' | 'border' | 'hoverBackground', string> & Record<ChartName, string>> = {
  dark: {
    foreground: '#cccccc',
    muted: '#9d9d9d',
    border: '#454545',
    hoverBackground: '#252526',
    blue: '#3794ff',
    orange: '#d18616',
    green: '#89d185',
    purple: '#b180d7',
    red: '#f14c4c',
    yellow: '#cca700',
  },
  light: {
    foreground: '#3b3b3b',
    muted: '#717171',
    border: '#c8c8c8',
    hoverBackground: '#f8f8f8',
    blue: '#1a85ff',
    orange: '#d18616',
    green: '#388a34',
    purple: '#652d90',
    red: '#e51400',
    yellow: '#bf8803',
  },
};

const FALLBACK_FONT = 'system-ui, -apple-system, "Segoe UI", sans-serif';

/** Light or dark, from the classes/attributes VS Code sets on the webview body. */
export function themeKind(doc: Document): ThemeKind {
  const body = doc.body;
  if (!body) {
    return 'dark';
  }
  const kind = body.getAttribute('data-vscode-theme-kind') ?? '';
  if (kind === 'vscode-light' || kind === 'vscode-high-contrast-light') {
    return 'light';
  }
  if (kind) {
    return 'dark';
  }
  return body.classList.contains('vscode-light') || body.classList.contains('vscode-high-contrast-light') ? 'light' : 'dark';
}

/** Reads the theme as seen from `element` (CSS variables inherit, so any element of the output works). */
export function readTheme(element: Element): Theme {
  const doc = element.ownerDocument;
  const view = doc.defaultView;
  const style = view ? view.getComputedStyle(element) : undefined;
  const kind = themeKind(doc);
  const fallback = FALLBACKS[kind];
  const css = (name: string, otherwise: string): string => {
    const value = style?.getPropertyValue(name).trim();
    return value ? value : otherwise;
  };

  const foreground = css('--vscode-foreground', fallback.foreground);
  const muted = css('--vscode-descriptionForeground', fallback.muted);
  const border = css('--vscode-editorWidget-border', fallback.border);
  const chainColors = CHART_VARIABLES.map((name) => css(`--vscode-charts-${name}`, fallback[name]));
  const fontFamily = css('--notebook-cell-output-font-family', css('--vscode-font-family', FALLBACK_FONT));
  const hoverBackground = css(
    '--vscode-editorHoverWidget-background',
    css('--vscode-editorWidget-background', css('--vscode-editor-background', fallback.hoverBackground)),
  );

  return {
    kind,
    foreground,
    muted,
    border,
    grid: withAlpha(foreground, kind === 'dark' ? 0.1 : 0.12),
    hoverBackground,
    hoverForeground: css('--vscode-editorHoverWidget-foreground', foreground),
    hoverBorder: css('--vscode-editorHoverWidget-border', border),
    fontFamily,
    fontSize: 11,
    chainColors,
    histogramFill: withAlpha(chainColors[0] ?? fallback.blue, 0.45),
    histogramLine: withAlpha(chainColors[0] ?? fallback.blue, 0.9),
    quantileLine: withAlpha(foreground, 0.75),
  };
}

/** The colour of chain `index` (0-based). */
export function chainColor(theme: Theme, index: number): string {
  const colors = theme.chainColors;
  return colors.length ? colors[index % colors.length]! : theme.foreground;
}

/**
 * `color` with its opacity multiplied by `alpha`. Understands the forms VS Code
 * uses (#rgb, #rgba, #rrggbb, #rrggbbaa, rgb(), rgba()); anything else (named
 * colours, color-mix, ...) is returned unchanged.
 */
export function withAlpha(color: string, alpha: number): string {
  const rgba = parseColor(color);
  if (!rgba) {
    return color;
  }
  const [r, g, b, a] = rgba;
  const combined = Math.round(a * alpha * 1000) / 1000;
  return `rgba(${r}, ${g}, ${b}, ${combined})`;
}

/** [r, g, b, a] with r, g, b in 0..255 and a in 0..1, or undefined when not understood. */
export function parseColor(color: string): [number, number, number, number] | undefined {
  const text = color.trim().toLowerCase();
  const hex = /^#([0-9a-f]{3,4}|[0-9a-f]{6}|[0-9a-f]{8})$/.exec(text);
  if (hex) {
    let digits = hex[1]!;
    if (digits.length <= 4) {
      digits = [...digits].map((d) => d + d).join('');
    }
    const r = parseInt(digits.slice(0, 2), 16);
    const g = parseInt(digits.slice(2, 4), 16);
    const b = parseInt(digits.slice(4, 6), 16);
    const a = digits.length === 8 ? parseInt(digits.slice(6, 8), 16) / 255 : 1;
    return [r, g, b, Math.round(a * 1000) / 1000];
  }
  const fn = /^rgba?\(\s*([^)]*)\)$/.exec(text);
  if (fn) {
    const parts = fn[1]!.split(/[\s,/]+/).filter(Boolean);
    if (parts.length !== 3 && parts.length !== 4) {
      return undefined;
    }
    const channel = (p: string): number => (p.endsWith('%') ? (parseFloat(p) / 100) * 255 : parseFloat(p));
    const [r, g, b] = parts.slice(0, 3).map(channel) as [number, number, number];
    const a = parts[3] === undefined ? 1 : parts[3].endsWith('%') ? parseFloat(parts[3]) / 100 : parseFloat(parts[3]);
    if ([r, g, b, a].some((v) => Number.isNaN(v))) {
      return undefined;
    }
    return [Math.round(r), Math.round(g), Math.round(b), a];
  }
  return undefined;
}

/** A string that changes whenever anything the figures use changes. */
export function themeKey(theme: Theme): string {
  return JSON.stringify(theme);
}
