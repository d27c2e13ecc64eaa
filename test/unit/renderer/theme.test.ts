import { document, setThemeVariables } from './dom';
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { chainColor, parseColor, readTheme, themeKind, withAlpha } from '../../../src/renderer/theme';

afterEach(() => {
  document.documentElement.removeAttribute('style');
  document.body.className = 'vscode-dark';
  document.body.removeAttribute('data-vscode-theme-kind');
  document.body.replaceChildren();
});

describe('renderer theme', () => {
  it('parses the colour forms VS Code uses', () => {
    assert.deepEqual(parseColor('#abc'), [170, 187, 204, 1]);
    assert.deepEqual(parseColor('#3794ff'), [55, 148, 255, 1]);
    assert.deepEqual(parseColor('#3794ff80'), [55, 148, 255, 0.502]);
    assert.deepEqual(parseColor('rgb(1, 2, 3)'), [1, 2, 3, 1]);
    assert.deepEqual(parseColor('rgba(1, 2, 3, 0.5)'), [1, 2, 3, 0.5]);
    assert.deepEqual(parseColor('rgb(1 2 3 / 50%)'), [1, 2, 3, 0.5]);
    assert.equal(parseColor('red'), undefined);
  });

  it('fades colours, leaving ones it cannot parse alone', () => {
    assert.equal(withAlpha('#ffffff', 0.1), 'rgba(255, 255, 255, 0.1)');
    assert.equal(withAlpha('rgba(0, 0, 0, 0.5)', 0.5), 'rgba(0, 0, 0, 0.25)');
    assert.equal(withAlpha('red', 0.5), 'red');
  });

  it('reads the VS Code variables inherited by the output element', () => {
    setThemeVariables({
      '--vscode-foreground': '#101010',
      '--vscode-editorWidget-border': '#202020',
      '--notebook-cell-output-font-family': 'Fira Code',
      '--vscode-charts-blue': '#0000ff',
      '--vscode-charts-orange': '#ff8800',
    });
    const element = document.createElement('div');
    document.body.append(element);
    const theme = readTheme(element);
    assert.equal(theme.foreground, '#101010');
    assert.equal(theme.border, '#202020');
    assert.equal(theme.fontFamily, 'Fira Code');
    assert.equal(theme.chainColors[0], '#0000ff');
    assert.equal(theme.chainColors[1], '#ff8800');
    assert.equal(theme.grid, 'rgba(16, 16, 16, 0.1)');
  });

  it('falls back to VS Code defaults for the theme kind when variables are missing', () => {
    const element = document.createElement('div');
    document.body.append(element);
    const dark = readTheme(element);
    assert.equal(dark.kind, 'dark');
    assert.equal(dark.foreground, '#cccccc');
    assert.equal(new Set(dark.chainColors).size, 6);

    document.body.className = 'vscode-light';
    const light = readTheme(element);
    assert.equal(light.kind, 'light');
    assert.notEqual(light.foreground, dark.foreground);
    assert.notEqual(light.chainColors[0], dark.chainColors[0]);
  });

  it('prefers the data-vscode-theme-kind attribute', () => {
    document.body.className = '';
    document.body.setAttribute('data-vscode-theme-kind', 'vscode-high-contrast-light');
    assert.equal(themeKind(document), 'light');
    document.body.setAttribute('data-vscode-theme-kind', 'vscode-high-contrast');
    assert.equal(themeKind(document), 'dark');
  });

  it('cycles chain colours', () => {
    const theme = readTheme(document.body);
    assert.equal(chainColor(theme, 0), theme.chainColors[0]);
    assert.equal(chainColor(theme, 6), theme.chainColors[0]);
    assert.equal(chainColor(theme, 7), theme.chainColors[1]);
  });
});
