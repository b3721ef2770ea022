// Lists the production functions longer than the house limit (60 lines), read with the TypeScript compiler's
// parser: function declarations and expressions, arrow functions, methods, constructors and accessors. A
// function's lines run from its first token (its name, modifiers or `(`, not its leading comment) to its closing
// brace, nested functions included; a nested function is also measured on its own.
//
//   node tools/long-functions.mjs [--max 60] [--json] [DIR …]   (default DIRs: shared functions infra cli aws)
//
// Exit 0 when none is over, 1 when some are (one line each, longest first), 2 on bad usage.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';

/** The house rule (COMMON.md: "No function over 60 lines in production code"). */
export const MAX_FUNCTION_LINES = 60;
export const PRODUCTION_DIRS = ['shared', 'functions', 'infra', 'cli', 'aws'];

/** Every `.ts`/`.mts` file below `dir`, declaration files and node_modules left out. */
function sourceFiles(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path));
    else if (/\.(m?ts|tsx)$/.test(name) && !name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

/** A readable name: `Class.method`, `name` of a declaration or of the variable/property an arrow is assigned
 *  to, else `(anonymous)`; nested functions are prefixed with their enclosing function's name. */
function ownName(node) {
  if (ts.isConstructorDeclaration(node)) return 'constructor';
  if (
    node.name &&
    (ts.isIdentifier(node.name) || ts.isStringLiteral(node.name) || ts.isPrivateIdentifier(node.name))
  )
    return node.name.text;
  const parent = node.parent;
  if (
    parent &&
    (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent))
  )
    if (ts.isIdentifier(parent.name) || ts.isStringLiteral(parent.name)) return parent.name.text;
  return '(anonymous)';
}

function isFunctionLike(node) {
  return (
    ts.isFunctionDeclaration(node) ||
    ts.isFunctionExpression(node) ||
    ts.isArrowFunction(node) ||
    ts.isMethodDeclaration(node) ||
    ts.isConstructorDeclaration(node) ||
    ts.isGetAccessorDeclaration(node) ||
    ts.isSetAccessorDeclaration(node)
  );
}

/** The functions of one file with their line counts. */
export function measureFile(path, root = process.cwd()) {
  const text = readFileSync(path, 'utf8');
  const sf = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const found = [];
  const visit = (node, scope) => {
    let inner = scope;
    if (isFunctionLike(node) && node.body) {
      const klass =
        node.parent && ts.isClassLike(node.parent) ? (node.parent.name?.text ?? '(class)') : undefined;
      const local = klass ? `${klass}.${ownName(node)}` : ownName(node);
      const name = scope ? `${scope} › ${local}` : local;
      const start = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1;
      const end = sf.getLineAndCharacterOfPosition(node.getEnd()).line + 1;
      found.push({ file: relative(root, path), name, line: start, lines: end - start + 1 });
      inner = name;
    }
    ts.forEachChild(node, (child) => visit(child, inner));
  };
  visit(sf, undefined);
  return found;
}

/** Every function over `max` lines below `dirs`, longest first. */
export function longFunctions(dirs = PRODUCTION_DIRS, max = MAX_FUNCTION_LINES, root = process.cwd()) {
  return dirs
    .flatMap((d) => sourceFiles(join(root, d)))
    .flatMap((f) => measureFile(f, root))
    .filter((f) => f.lines > max)
    .sort((a, b) => b.lines - a.lines || a.file.localeCompare(b.file) || a.line - b.line);
}

function main(argv) {
  let max = MAX_FUNCTION_LINES;
  let json = false;
  const dirs = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json') json = true;
    else if (a === '--max') {
      max = Number(argv[++i]);
      if (!Number.isInteger(max) || max < 1) {
        process.stderr.write('--max: expected a whole number of lines, 1 or more\n');
        return 2;
      }
    } else if (a.startsWith('-')) {
      process.stderr.write(`${a}: unknown flag (expected --max N, --json, directories)\n`);
      return 2;
    } else dirs.push(a);
  }
  const long = longFunctions(dirs.length > 0 ? dirs : PRODUCTION_DIRS, max);
  if (json) process.stdout.write(`${JSON.stringify({ max, functions: long })}\n`);
  else for (const f of long) process.stdout.write(`${f.file}:${f.line} ${f.name} ${f.lines} lines\n`);
  return long.length > 0 ? 1 : 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href)
  process.exitCode = main(process.argv.slice(2));
