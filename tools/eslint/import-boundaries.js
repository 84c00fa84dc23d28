// @ts-check
/**
 * Enforces the one-way import rules of DESIGN.md by area:
 *   shared/    imports only shared/ (no Node, no DOM, no npm package but the allowed ones)
 *   main/      never imports renderer/ or preload/; only main/index.ts and main/app/ import electron
 *   renderer/  never imports main/, preload/, electron or Node built-ins
 *   preload/   imports shared/ and electron only
 * Relative specifiers are resolved against the importing file, so `../../main/x` is caught
 * however deep the importer sits. Core ESLint's no-restricted-imports cannot do that.
 */
import path from 'node:path';
import { builtinModules } from 'node:module';

const builtins = new Set(builtinModules);

/** @param {string} rel posix path relative to the repo root */
function areaOf(rel) {
  if (rel.startsWith('shared/')) return 'shared';
  if (rel.startsWith('renderer/')) return 'renderer';
  if (rel.startsWith('preload/')) return 'preload';
  if (rel === 'main/index.ts' || rel.startsWith('main/app/')) return 'electron-shell';
  if (rel.startsWith('main/')) return 'main';
  return 'other';
}

/** @param {string} spec */
function isNodeBuiltin(spec) {
  return spec.startsWith('node:') || builtins.has(spec.split('/')[0] ?? '');
}

/** @param {string} spec */
function packageName(spec) {
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? spec);
}

/** npm packages the DOM-free, Node-free contract may use. */
const sharedPackages = new Set(['zod']);

/**
 * @param {string} importer area of the importing file
 * @param {string} spec the import specifier as written
 * @param {string | null} target area of the resolved file for relative specifiers
 * @returns {string | null} why the import is not allowed
 */
function violation(importer, spec, target, isTest) {
  if (target !== null) {
    if (importer === 'shared' && target !== 'shared') return 'shared/ imports only shared/';
    if (importer === 'renderer' && target !== 'renderer' && target !== 'shared')
      return 'renderer/ imports only renderer/ and shared/';
    if (importer === 'preload' && target !== 'preload' && target !== 'shared')
      return 'preload/ imports only preload/, shared/ and electron';
    if (
      (importer === 'main' || importer === 'electron-shell') &&
      (target === 'renderer' || target === 'preload')
    )
      return 'main/ never imports renderer/ or preload/';
    if (importer === 'main' && target === 'electron-shell')
      return 'the headless core never imports the Electron shell (main/index.ts, main/app/)';
    return null;
  }
  const isElectron = packageName(spec) === 'electron';
  if (importer === 'shared') {
    // Tests beside shared code run under Node with the test tools; the code itself may not.
    if (isTest) return null;
    if (isNodeBuiltin(spec)) return 'shared/ is Node-free';
    if (!sharedPackages.has(packageName(spec)))
      return `shared/ may not import the package "${spec}"`;
    return null;
  }
  if (isElectron && importer !== 'electron-shell' && importer !== 'preload')
    return 'only main/index.ts, main/app/ and preload/ import electron';
  if (importer === 'renderer' && isNodeBuiltin(spec)) return 'the renderer never gets Node';
  return null;
}

/** @type {import('eslint').Rule.RuleModule} */
const rule = {
  meta: {
    type: 'problem',
    docs: {
      description: 'Enforce the import boundaries between shared, main, preload and renderer',
    },
    schema: [],
    messages: { forbidden: '{{why}} (import "{{spec}}")' },
  },
  create(context) {
    const root = context.cwd;
    const file = path.relative(root, context.filename).split(path.sep).join('/');
    const importer = areaOf(file);
    if (importer === 'other') return {};

    /** @param {any} node @param {any} source */
    function check(node, source) {
      if (!source || source.type !== 'Literal' || typeof source.value !== 'string') return;
      const spec = source.value;
      let target = null;
      if (spec.startsWith('.') || spec.startsWith('/')) {
        const abs = path.resolve(path.dirname(context.filename), spec);
        target = areaOf(path.relative(root, abs).split(path.sep).join('/'));
      }
      const why = violation(importer, spec, target, /\.test\.tsx?$/.test(file));
      if (why) context.report({ node, messageId: 'forbidden', data: { why, spec } });
    }

    return {
      ImportDeclaration: (node) => check(node, node.source),
      ExportNamedDeclaration: (node) => check(node, node.source),
      ExportAllDeclaration: (node) => check(node, node.source),
      ImportExpression: (node) => check(node, node.source),
    };
  },
};

export default { rules: { 'import-boundaries': rule } };
