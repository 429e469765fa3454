// One TypeScript transform for the app runner and for jest, so that what the tests run is what
// synth runs. swc only strips types; `npm test` type-checks with tsc --noEmit first.
module.exports = function swcOptions(filename) {
  return {
    filename,
    sourceMaps: "inline",
    jsc: {
      parser: { syntax: "typescript" },
      target: "es2022",
      transform: { useDefineForClassFields: true },
    },
    module: { type: "commonjs" },
  };
};
