/**
 * The prebuilt minified "basic" plotly bundle (scatter, bar, pie) ships no
 * typings of its own; its API is the one @types/plotly.js describes.
 */
declare module 'plotly.js-basic-dist-min' {
  export * from 'plotly.js';
}
