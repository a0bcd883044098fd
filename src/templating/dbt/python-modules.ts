import { StrataError } from '../../shared/errors.js';
import type { Arithmetic } from '../jinja/install-jinja-compat.js';

/**
 * The parts of dbt's `modules` namespace that projects use in models: `modules.datetime`
 * (`datetime.now()`, `utcnow()`, `date.today()`, constructors, `timedelta`, `strftime`,
 * `isoformat`, `+`/`-` with a timedelta) and `modules.re` (`search`, `match`, `fullmatch`,
 * `findall`, `sub`, `split`, `escape`, `IGNORECASE`). Times are UTC.
 */
export function pythonModules(): Record<string, unknown> {
  return { datetime: datetimeModule(), re: reModule() };
}

/** A `datetime.datetime` or `datetime.date` (UTC). */
export class PyDateTime implements Arithmetic {
  constructor(
    readonly ms: number,
    readonly dateOnly = false,
  ) {}

  private get d(): Date {
    return new Date(this.ms);
  }

  get year(): number {
    return this.d.getUTCFullYear();
  }
  get month(): number {
    return this.d.getUTCMonth() + 1;
  }
  get day(): number {
    return this.d.getUTCDate();
  }
  get hour(): number {
    return this.d.getUTCHours();
  }
  get minute(): number {
    return this.d.getUTCMinutes();
  }
  get second(): number {
    return this.d.getUTCSeconds();
  }
  get microsecond(): number {
    return this.d.getUTCMilliseconds() * 1000;
  }

  date(): PyDateTime {
    return new PyDateTime(Date.UTC(this.year, this.month - 1, this.day), true);
  }

  weekday(): number {
    return (this.d.getUTCDay() + 6) % 7;
  }

  isoformat(sep: unknown = 'T'): string {
    const iso = this.d.toISOString();
    if (this.dateOnly) return iso.slice(0, 10);
    const micros = this.microsecond ? `.${String(this.microsecond).padStart(6, '0')}` : '';
    return `${iso.slice(0, 10)}${String(sep)}${iso.slice(11, 19)}${micros}`;
  }

  strftime(format: unknown): string {
    const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
    const days = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
    const months = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
    return String(format).replace(/%([a-zA-Z%])/g, (_m, c: string) => {
      switch (c) {
        case 'Y':
          return String(this.year);
        case 'y':
          return pad(this.year % 100);
        case 'm':
          return pad(this.month);
        case 'd':
          return pad(this.day);
        case 'H':
          return pad(this.hour);
        case 'I':
          return pad(this.hour % 12 === 0 ? 12 : this.hour % 12);
        case 'p':
          return this.hour < 12 ? 'AM' : 'PM';
        case 'M':
          return pad(this.minute);
        case 'S':
          return pad(this.second);
        case 'f':
          return pad(this.microsecond, 6);
        case 'j':
          return pad(Math.floor((this.ms - Date.UTC(this.year, 0, 1)) / 86_400_000) + 1, 3);
        case 'A':
          return days[this.weekday()]!;
        case 'a':
          return days[this.weekday()]!.slice(0, 3);
        case 'B':
          return months[this.month - 1]!;
        case 'b':
          return months[this.month - 1]!.slice(0, 3);
        case 'z':
          return '+0000';
        case 'Z':
          return 'UTC';
        case '%':
          return '%';
        default:
          throw new StrataError('template_error', `strftime: '%${c}' is not supported`);
      }
    });
  }

  __add__(other: unknown): PyDateTime {
    if (other instanceof PyTimeDelta) return new PyDateTime(this.ms + other.ms, this.dateOnly);
    throw new StrataError('template_error', 'a datetime can only be added to a timedelta');
  }

  __radd__(other: unknown): PyDateTime {
    return this.__add__(other);
  }

  __sub__(other: unknown): PyDateTime | PyTimeDelta {
    if (other instanceof PyTimeDelta) return new PyDateTime(this.ms - other.ms, this.dateOnly);
    if (other instanceof PyDateTime) return new PyTimeDelta(this.ms - other.ms);
    throw new StrataError('template_error', 'a datetime can only be subtracted a timedelta or a datetime');
  }

  valueOf(): number {
    return this.ms;
  }

  toString(): string {
    return this.isoformat(' ');
  }
}

/** A `datetime.timedelta`. */
export class PyTimeDelta implements Arithmetic {
  constructor(readonly ms: number) {}

  get days(): number {
    return Math.floor(this.ms / 86_400_000);
  }

  get seconds(): number {
    return Math.floor((this.ms - this.days * 86_400_000) / 1000);
  }

  total_seconds(): number {
    return this.ms / 1000;
  }

  __add__(other: unknown): unknown {
    if (other instanceof PyTimeDelta) return new PyTimeDelta(this.ms + other.ms);
    if (other instanceof PyDateTime) return other.__add__(this);
    throw new StrataError('template_error', 'a timedelta can only be added to a timedelta or a datetime');
  }

  __radd__(other: unknown): unknown {
    return this.__add__(other);
  }

  __sub__(other: unknown): PyTimeDelta {
    if (other instanceof PyTimeDelta) return new PyTimeDelta(this.ms - other.ms);
    throw new StrataError('template_error', 'only a timedelta can be subtracted from a timedelta');
  }

  valueOf(): number {
    return this.ms;
  }

  toString(): string {
    const s = Math.floor(Math.abs(this.ms) / 1000) % 86_400;
    const time = `${Math.floor(s / 3600)}:${String(Math.floor(s / 60) % 60).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
    return this.days ? `${this.days} day${Math.abs(this.days) === 1 ? '' : 's'}, ${time}` : time;
  }
}

function kwargs(args: unknown[]): { positional: unknown[]; named: Record<string, unknown> } {
  const last = args[args.length - 1];
  if (last && typeof last === 'object' && Object.prototype.hasOwnProperty.call(last, '__keywords')) {
    return { positional: args.slice(0, -1), named: last as Record<string, unknown> };
  }
  return { positional: args, named: {} };
}

function datetimeModule(): Record<string, unknown> {
  const num = (v: unknown, fallback = 0): number => (v === undefined ? fallback : Number(v));
  const datetime = Object.assign(
    (...args: unknown[]) => {
      const { positional: p, named: n } = kwargs(args);
      return new PyDateTime(
        Date.UTC(num(p[0] ?? n.year), num(p[1] ?? n.month, 1) - 1, num(p[2] ?? n.day, 1), num(p[3] ?? n.hour), num(p[4] ?? n.minute), num(p[5] ?? n.second), num(p[6] ?? n.microsecond) / 1000),
      );
    },
    {
      now: () => new PyDateTime(Date.now()),
      utcnow: () => new PyDateTime(Date.now()),
      today: () => new PyDateTime(Date.now()),
      fromisoformat: (text: unknown) => {
        const ms = Date.parse(/[zZ]|[+-]\d{2}:?\d{2}$/.test(String(text)) ? String(text) : `${String(text).replace(' ', 'T')}${String(text).length > 10 ? 'Z' : ''}`);
        if (Number.isNaN(ms)) throw new StrataError('template_error', `fromisoformat: invalid date '${String(text)}'`);
        return new PyDateTime(ms, String(text).length === 10);
      },
    },
  );
  const date = Object.assign(
    (year: unknown, month: unknown, day: unknown) => new PyDateTime(Date.UTC(num(year), num(month) - 1, num(day)), true),
    {
      today: () => new PyDateTime(Date.now()).date(),
      fromisoformat: (text: unknown) => (datetime.fromisoformat(String(text).slice(0, 10)) as PyDateTime).date(),
    },
  );
  const timedelta = (...args: unknown[]): PyTimeDelta => {
    const { positional: p, named: n } = kwargs(args);
    const days = num(p[0] ?? n.days) + 7 * num(n.weeks);
    const seconds = num(p[1] ?? n.seconds) + 60 * num(n.minutes) + 3600 * num(n.hours);
    return new PyTimeDelta(days * 86_400_000 + seconds * 1000 + num(n.milliseconds) + num(p[2] ?? n.microseconds) / 1000);
  };
  return { datetime, date, timedelta, timezone: { utc: 'UTC' } };
}

/** A `re` match: `group(n)`, `groups()`, `start()`, `end()`. */
class PyMatch {
  constructor(private readonly m: RegExpExecArray) {}

  group(index: unknown = 0): string | null {
    const value = typeof index === 'string' ? this.m.groups?.[index] : this.m[Number(index)];
    return value ?? null;
  }

  groups(): (string | null)[] {
    return this.m.slice(1).map((g) => g ?? null);
  }

  start(): number {
    return this.m.index;
  }

  end(): number {
    return this.m.index + this.m[0].length;
  }
}

function reModule(): Record<string, unknown> {
  const IGNORECASE = 2;
  const MULTILINE = 8;
  const DOTALL = 16;
  const compile = (pattern: unknown, flags: unknown = 0, extra = ''): RegExp => {
    const f = Number(flags);
    // Python's named groups (?P<name>...) are JavaScript's (?<name>...).
    const source = String(pattern).replace(/\(\?P</g, '(?<').replace(/\(\?P=(\w+)\)/g, '\\k<$1>');
    return new RegExp(source, `${f & IGNORECASE ? 'i' : ''}${f & MULTILINE ? 'm' : ''}${f & DOTALL ? 's' : ''}${extra}`);
  };
  const exec = (re: RegExp, text: unknown): PyMatch | null => {
    const m = re.exec(String(text));
    return m ? new PyMatch(m) : null;
  };
  return {
    IGNORECASE,
    I: IGNORECASE,
    MULTILINE,
    M: MULTILINE,
    DOTALL,
    S: DOTALL,
    search: (pattern: unknown, text: unknown, flags?: unknown) => exec(compile(pattern, flags), text),
    match: (pattern: unknown, text: unknown, flags?: unknown) => exec(compile(`^(?:${String(pattern)})`, flags), text),
    fullmatch: (pattern: unknown, text: unknown, flags?: unknown) => exec(compile(`^(?:${String(pattern)})$`, flags), text),
    findall: (pattern: unknown, text: unknown, flags?: unknown) =>
      [...String(text).matchAll(compile(pattern, flags, 'g'))].map((m) => (m.length > 2 ? m.slice(1) : (m[1] ?? m[0]))),
    sub: (pattern: unknown, replacement: unknown, text: unknown, count?: unknown, flags?: unknown) => {
      const re = compile(pattern, flags, Number(count ?? 0) > 0 ? '' : 'g');
      const repl = String(replacement).replace(/\\(\d)/g, '$$$1').replace(/\\g<(\w+)>/g, (_m, g: string) => (/^\d+$/.test(g) ? `$${g}` : `$<${g}>`));
      let out = String(text);
      for (let i = 0; i < Math.max(1, Number(count ?? 0)); i += 1) out = out.replace(re, repl);
      return out;
    },
    split: (pattern: unknown, text: unknown) => String(text).split(compile(pattern)),
    escape: (text: unknown) => String(text).replace(/[.*+?^${}()|[\]\\\-/]/g, '\\$&'),
    compile: (pattern: unknown, flags?: unknown) => {
      const re = compile(pattern, flags);
      return {
        search: (text: unknown) => exec(re, text),
        match: (text: unknown) => exec(compile(`^(?:${String(pattern)})`, flags), text),
        findall: (text: unknown) => [...String(text).matchAll(compile(pattern, flags, 'g'))].map((m) => (m.length > 2 ? m.slice(1) : (m[1] ?? m[0]))),
        sub: (replacement: unknown, text: unknown) => String(text).replace(compile(pattern, flags, 'g'), String(replacement)),
      };
    },
  };
}
