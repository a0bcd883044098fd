import nunjucks from 'nunjucks';
import { StrataError } from '../../shared/errors.js';
import { DICT_METHODS, LIST_METHODS, percentFormat, STRING_METHODS } from './python-methods.js';

/**
 * Makes Nunjucks behave like the Jinja that dbt projects are written in, process-wide (Nunjucks
 * keeps its runtime and compiler in module state, so this cannot be per environment):
 *
 * - Python methods on strings, lists and dicts (`s.upper()`, `l.append(x)`, `d.items()`), with
 *   Python's semantics where JavaScript's differ; a dict's own keys win over method names;
 * - slices (`l[1:]`) and `True`/`False`/`None` (Nunjucks' own Jinja compatibility);
 * - `return(value)` inside a macro ends it with that value (dbt's way of returning data), and a
 *   macro's rendered text is a plain string (so an empty result is false in `{% if %}`);
 * - `+` concatenates lists, `*` repeats strings and `%` formats strings, as in Python.
 *
 * Idempotent. Compiled templates depend on it (see COMPAT_VERSION in the template cache key).
 */
export function installJinjaCompat(): void {
  if (installed) return;
  installed = true;
  const lib = nunjucks as unknown as NunjucksInternals;
  lib.installJinjaCompat();
  const runtime = lib.runtime;
  const compatLookup = runtime.memberLookup;
  const originalLookup = (obj: unknown, val: unknown): unknown => {
    if (obj === undefined || obj === null) return undefined;
    const member = (obj as Record<string, unknown>)[val as string];
    if (typeof member === 'function') return (...args: unknown[]) => (member as (...a: unknown[]) => unknown).apply(obj, args);
    return member;
  };
  runtime.memberLookup = function memberLookup(this: unknown, obj: unknown, val: unknown, ...rest: unknown[]): unknown {
    if (rest.length === 2) return compatLookup.call(this, obj, val, ...rest); // a slice
    if (obj === undefined || obj === null) return undefined;
    if (typeof val === 'string') {
      if (typeof obj === 'string') {
        const method = STRING_METHODS[val];
        if (method) return (...args: unknown[]) => method(obj as never, ...args);
      } else if (Array.isArray(obj)) {
        const method = LIST_METHODS[val];
        if (method) return (...args: unknown[]) => method(obj as never, ...args);
      } else if (isPlainObject(obj) && !Object.prototype.hasOwnProperty.call(obj, val)) {
        const method = DICT_METHODS[val];
        if (method) return (...args: unknown[]) => method(obj as never, ...args);
      }
    }
    return originalLookup(obj, val);
  };

  const makeMacro = runtime.makeMacro;
  runtime.makeMacro = (argNames: unknown, kwargNames: unknown, func: (...args: unknown[]) => unknown) =>
    makeMacro(argNames, kwargNames, function macroBody(this: unknown, ...args: unknown[]) {
      try {
        const out = func.apply(this, args);
        return out instanceof runtime.SafeString ? String(out) : out;
      } catch (error) {
        if (error instanceof MacroReturn) return error.value;
        throw error;
      }
    });

  // Output of None, True and False as Python prints them, in renders that ask for it (dbt projects);
  // an undefined value is still an error.
  const ensureDefined = runtime.ensureDefined;
  runtime.ensureDefined = (value: unknown, lineno: number, colno: number): unknown => {
    if (pythonOutput && value !== undefined) return pyText(value);
    return ensureDefined(value, lineno, colno);
  };
  runtime.strataConcat = (a: unknown, b: unknown): string => (pythonOutput ? `${String(pyText(a))}${String(pyText(b))}` : `${String(a)}${String(b)}`);

  runtime.strataAdd = (a: unknown, b: unknown): unknown => {
    if (Array.isArray(a) && Array.isArray(b)) return [...a, ...b];
    if (isArithmetic(a)) return a.__add__(b);
    if (isArithmetic(b)) return b.__radd__(a);
    return (a as number) + (b as number);
  };
  runtime.strataSub = (a: unknown, b: unknown): unknown => {
    if (isArithmetic(a)) return a.__sub__(b);
    return (a as number) - (b as number);
  };
  runtime.strataMul = (a: unknown, b: unknown): unknown => {
    if (typeof a === 'string' && typeof b === 'number') return a.repeat(Math.max(0, b));
    if (typeof b === 'string' && typeof a === 'number') return b.repeat(Math.max(0, a));
    if (Array.isArray(a) && typeof b === 'number') return Array.from({ length: Math.max(0, b) }, () => a).flat();
    return (a as number) * (b as number);
  };
  runtime.strataMod = (a: unknown, b: unknown): unknown => {
    if (typeof a === 'string' || a instanceof runtime.SafeString) return percentFormat(String(a), b);
    // Python's % takes the sign of the divisor.
    const x = a as number;
    const y = b as number;
    return ((x % y) + y) % y;
  };

  const proto = lib.compiler.Compiler.prototype;
  const binary = (fn: string) =>
    function compileBinary(this: CompilerThis, node: { left: unknown; right: unknown }, frame: unknown): void {
      this._emit(`runtime.${fn}(`);
      this.compile(node.left, frame);
      this._emit(', ');
      this.compile(node.right, frame);
      this._emit(')');
    };
  proto.compileAdd = binary('strataAdd');
  proto.compileConcat = binary('strataConcat');
  proto.compileSub = binary('strataSub');
  proto.compileMul = binary('strataMul');
  proto.compileMod = binary('strataMod');
  // `(a, b)` is a tuple (a list here), not JavaScript's comma operator.
  proto.compileGroup = function compileGroup(this: CompilerThis, node: { children: unknown[] }, frame: unknown): void {
    if (node.children.length > 1) this._compileAggregate(node, frame, '[', ']');
    else this._compileAggregate(node, frame, '(', ')');
  };

  // `==` and `!=` compare as Python does in renders that ask for it (`'1' == 1` is false, lists compare by value).
  runtime.strataEq = (a: unknown, b: unknown): boolean => (pythonOutput ? pyEquals(a, b) : a == b); // eslint-disable-line eqeqeq
  const compileCompare = proto.compileCompare!;
  proto.compileCompare = function compileEquality(this: CompilerThis, node: { expr: unknown; ops: { type: string; expr: unknown }[] }, frame: unknown): unknown {
    const op = node.ops[0];
    if (node.ops.length !== 1 || !op || (op.type !== '==' && op.type !== '!=')) return compileCompare.call(this, node as never, frame as never);
    this._emit(op.type === '==' ? 'runtime.strataEq(' : '!runtime.strataEq(');
    this.compile(node.expr, frame);
    this._emit(', ');
    this.compile(op.expr, frame);
    this._emit(')');
    return undefined;
  };

  // A macro restores its caller's frame even when it ends early (return() or an error), so the
  // template calling it goes on with its own variables.
  const compileMacro = proto._compileMacro;
  proto._compileMacro = function compileMacroWithFinally(this: CompilerThis, node: unknown, frame: unknown): unknown {
    const start = this.codebuf.length;
    const funcId = compileMacro.call(this, node, frame);
    const lines = this.codebuf;
    const opening = lines.indexOf('var callerFrame = frame;\n', start);
    const end = lines.length;
    const restore = lines[end - 3];
    if (opening < 0 || !restore?.startsWith('frame = ') || !lines[end - 2]?.startsWith('return new runtime.SafeString(') || lines[end - 1] !== '});\n') {
      throw new StrataError('internal', 'unexpected Nunjucks macro code: the installed nunjucks version is not supported');
    }
    lines.splice(end - 3, 3, lines[end - 2]!, '} finally { frame = callerFrame; }\n', '});\n');
    lines.splice(opening + 1, 0, 'try {\n');
    return funcId;
  };
}

/** Bumped whenever the compiled code this module produces changes (part of the template cache key). */
export const COMPAT_VERSION = 'jinja-compat 3';

let installed = false;
let pythonOutput = false;

/**
 * Makes output print None, True and False as Python does (`{{ none }}` renders `None`, as in
 * dbt) until the returned function is called. Renders are synchronous, so this brackets one render.
 */
export function withPythonOutput(on: boolean): () => void {
  const previous = pythonOutput;
  pythonOutput = on;
  return () => {
    pythonOutput = previous;
  };
}

/** Python's `==` on the values templates handle: no coercion between text and numbers, lists and dicts by value. */
function pyEquals(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || a === undefined || b === null || b === undefined) return (a === null || a === undefined) && (b === null || b === undefined);
  const numeric = (v: unknown): boolean => typeof v === 'number' || typeof v === 'boolean';
  if (numeric(a) && numeric(b)) return Number(a) === Number(b);
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => pyEquals(x, b[i]));
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => Object.prototype.hasOwnProperty.call(b, k) && pyEquals(a[k], b[k]));
  }
  if (typeof a === 'object' && typeof b === 'string') return String(a) === b;
  if (typeof b === 'object' && typeof a === 'string') return String(b) === a;
  return false;
}

function pyText(value: unknown): unknown {
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  return value;
}

/**
 * Thrown by `return(value)`; the enclosing macro returns `value`. Not an Error: macros return
 * this way thousands of times per compile, and capturing a stack each time is most of its cost.
 */
export class MacroReturn {
  readonly name = 'MacroReturn';
  readonly message = 'return() can only be used inside a macro';

  constructor(readonly value: unknown) {}

  toString(): string {
    return `${this.name}: ${this.message}`;
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** Values that do their own `+` and `-` (dates and time deltas of `modules.datetime`). */
export interface Arithmetic {
  __add__(other: unknown): unknown;
  __radd__(other: unknown): unknown;
  __sub__(other: unknown): unknown;
}

function isArithmetic(value: unknown): value is Arithmetic {
  return typeof value === 'object' && value !== null && typeof (value as Partial<Arithmetic>).__add__ === 'function';
}

interface CompilerThis {
  codebuf: string[];
  _compileAggregate(node: unknown, frame: unknown, start: string, end: string): void;
  _emit(code: string): void;
  compile(node: unknown, frame: unknown): void;
}

interface NunjucksInternals {
  installJinjaCompat(): void;
  runtime: {
    memberLookup: (this: unknown, obj: unknown, val: unknown, ...rest: unknown[]) => unknown;
    makeMacro: (argNames: unknown, kwargNames: unknown, func: (...args: unknown[]) => unknown) => unknown;
    SafeString: new (value: string) => object;
    strataAdd?: (a: unknown, b: unknown) => unknown;
    strataSub?: (a: unknown, b: unknown) => unknown;
    strataConcat?: (a: unknown, b: unknown) => string;
    strataEq?: (a: unknown, b: unknown) => boolean;
    ensureDefined: (value: unknown, lineno: number, colno: number) => unknown;
    strataMul?: (a: unknown, b: unknown) => unknown;
    strataMod?: (a: unknown, b: unknown) => unknown;
  };
  compiler: {
    Compiler: {
      prototype: Record<string, (this: CompilerThis, ...args: never[]) => unknown> & {
        _compileMacro: (this: CompilerThis, node: unknown, frame: unknown) => unknown;
      };
    };
  };
}
