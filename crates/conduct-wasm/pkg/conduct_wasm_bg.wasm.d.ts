/* tslint:disable */
/* eslint-disable */
export const memory: WebAssembly.Memory;
export const __wbg_checker_free: (a: number, b: number) => void;
export const checker_check: (a: number, b: any, c: number, d: number) => [number, number, number];
export const checker_explain: (a: number, b: number, c: number) => any;
export const checker_new: (a: number, b: number) => [number, number, number];
export const checker_rules: (a: number) => any;
export const version: () => [number, number];
export const __wbindgen_malloc: (a: number, b: number) => number;
export const __wbindgen_realloc: (a: number, b: number, c: number, d: number) => number;
export const __wbindgen_free: (a: number, b: number, c: number) => void;
export const __wbindgen_exn_store: (a: number) => void;
export const __externref_table_alloc: () => number;
export const __wbindgen_externrefs: WebAssembly.Table;
export const __externref_table_dealloc: (a: number) => void;
export const __wbindgen_start: () => void;
