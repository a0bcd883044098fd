import type { SelectorMethod } from './selector-method.js';

/**
 * Selector methods by name. The parser only asks it whether a method exists and validates
 * values through it, so new methods (`state:modified`, `result:error`, …) plug in without
 * touching the parser.
 */
export class SelectorMethodRegistry {
  private readonly methods = new Map<string, SelectorMethod>();

  constructor(methods: Iterable<SelectorMethod> = []) {
    for (const method of methods) this.register(method);
  }

  /** Adds `method`, replacing any method of the same name. */
  register(method: SelectorMethod): this {
    this.methods.set(method.name, method);
    return this;
  }

  /** Removes the method called `name`; true when there was one. */
  unregister(name: string): boolean {
    return this.methods.delete(name);
  }

  /** The method called `name`, or undefined. */
  get(name: string): SelectorMethod | undefined {
    return this.methods.get(name);
  }

  /** Registered method names, in registration order. */
  names(): string[] {
    return [...this.methods.keys()];
  }

  /** Usage strings of all methods, for error messages. */
  usages(): string[] {
    return [...this.methods.values()].map((method) => method.usage);
  }

  /** An independent copy (for a command or a test that adds methods of its own). */
  clone(): SelectorMethodRegistry {
    return new SelectorMethodRegistry(this.methods.values());
  }
}
