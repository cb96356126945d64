/** The part of js-yaml 4 the tests use to parse TAP YAML blocks (the package ships no types). */
declare module "js-yaml" {
  /** Parses one YAML document; throws on a syntax error. */
  export function load(text: string): unknown;
  const yaml: { load: typeof load };
  export default yaml;
}
