/* tslint:disable */
/* eslint-disable */

/** Language of messages and suggestions: `auto` = Chinese when the finding's sentence contains Chinese. */
export type Lang = "auto" | "zh" | "en";
/** What the norms forbid. */
export type Category = "disrespect" | "commitment" | "disclosure";
/** How serious a finding is (`info` < `warning` < `error`). */
export type Severity = "info" | "warning" | "error";

/** One finding of `Checker.check`. */
export interface Diagnostic {
    /** Stable rule id, e.g. `commitment.guarantee`. */
    rule: string;
    category: Category;
    /** Sub-kind where useful (disclosure: price / salary / defect / internal). */
    kind: string | null;
    /** Effective severity (after policy). */
    severity: Severity;
    /** Start of the span in UTF-16 code units (`text.slice(start, end)`). */
    start: number;
    /** End of the span in UTF-16 code units. */
    end: number;
    /** The flagged text, equal to `text.slice(start, end)`. */
    text: string;
    /** What is wrong, in the chosen language. */
    message: string;
    /** The norm the rule enforces. */
    norm: string;
    /** Professional replacements for the span, in the chosen language. */
    suggestions: string[];
}

/** A rule as listed by `Checker.rules()` and `Checker.explain(id)`. */
export interface RuleInfo {
    id: string;
    /** The pack (or `policy`) it comes from. */
    pack: string;
    category: Category;
    kind: string | null;
    /** Effective severity (after policy). */
    severity: Severity;
    /** One-line English summary. */
    summary: string;
    message_zh: string;
    message_en: string;
    norm: string;
    suggestions_zh: string[];
    suggestions_en: string[];
    /** Examples the rule must flag. */
    flag: string[];
    /** Examples that must not be flagged. */
    allow: string[];
    /** False when the policy turned the rule (or its category) off. */
    enabled: boolean;
}



/**
 * A checker with the built-in rule packs and an optional organisation policy.
 *
 * Build it once (it compiles every rule into one automaton) and call [`Checker::check`] on every
 * keystroke.
 */
export class Checker {
    free(): void;
    [Symbol.dispose](): void;
    /**
     * Checks `text`. Returns the findings sorted by start, with `start`/`end` in UTF-16 code
     * units of `text`. `lang` picks the message language: `auto` (default), `zh` or `en`.
     *
     * # Errors
     * Throws when `lang` is not one of `auto`, `zh`, `en`.
     */
    check(text: string, lang: Lang | null): Diagnostic[];
    /**
     * The rule with this id, or `undefined`.
     */
    explain(id: string): RuleInfo | undefined;
    /**
     * A checker with the built-in packs and, when given (and not blank), the policy `policy`
     * (TOML, or JSON when it starts with `{`; see `docs/policy.md`).
     *
     * # Errors
     * Throws a JS `Error` whose message is the engine's located one-line error, e.g.
     * `policy:3:1: key `rules.x`: unknown rule `x``.
     */
    constructor(policy?: string | null);
    /**
     * Every rule (enabled or not), in pack order.
     */
    rules(): RuleInfo[];
}

/**
 * The crate version (the same as the engine's).
 */
export function version(): string;

export type InitInput = RequestInfo | URL | Response | BufferSource | WebAssembly.Module;

export interface InitOutput {
    readonly memory: WebAssembly.Memory;
    readonly __wbg_checker_free: (a: number, b: number) => void;
    readonly checker_check: (a: number, b: any, c: number, d: number) => [number, number, number];
    readonly checker_explain: (a: number, b: number, c: number) => any;
    readonly checker_new: (a: number, b: number) => [number, number, number];
    readonly checker_rules: (a: number) => any;
    readonly version: () => [number, number];
    readonly __wbindgen_malloc: (a: number, b: number) => number;
    readonly __wbindgen_realloc: (a: number, b: number, c: number, d: number) => number;
    readonly __wbindgen_free: (a: number, b: number, c: number) => void;
    readonly __wbindgen_exn_store: (a: number) => void;
    readonly __externref_table_alloc: () => number;
    readonly __wbindgen_externrefs: WebAssembly.Table;
    readonly __externref_table_dealloc: (a: number) => void;
    readonly __wbindgen_start: () => void;
}

export type SyncInitInput = BufferSource | WebAssembly.Module;

/**
 * Instantiates the given `module`, which can either be bytes or
 * a precompiled `WebAssembly.Module`.
 *
 * @param {{ module: SyncInitInput }} module - Passing `SyncInitInput` directly is deprecated.
 *
 * @returns {InitOutput}
 */
export function initSync(module: { module: SyncInitInput } | SyncInitInput): InitOutput;

/**
 * If `module_or_path` is {RequestInfo} or {URL}, makes a request and
 * for everything else, calls `WebAssembly.instantiate` directly.
 *
 * @param {{ module_or_path: InitInput | Promise<InitInput> }} module_or_path - Passing `InitInput` directly is deprecated.
 *
 * @returns {Promise<InitOutput>}
 */
export default function __wbg_init (module_or_path?: { module_or_path: InitInput | Promise<InitInput> } | InitInput | Promise<InitInput>): Promise<InitOutput>;
