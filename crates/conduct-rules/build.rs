//! Generates the Traditional → Simplified character table from OpenCC's `TSCharacters.txt`
//! (vendored under `data/opencc/`, Apache-2.0) as a sorted array searched at run time.

use std::fmt::Write as _;
use std::{env, fs, path::Path};

fn main() {
    t2s_table();
    pack_list();
}

/// Lists `packs/*.toml` so that adding a pack file needs no code change.
fn pack_list() {
    println!("cargo:rerun-if-changed=packs");
    let mut files: Vec<String> = fs::read_dir("packs")
        .map(|d| {
            d.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(".toml"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    let mut out = String::new();
    out.push_str("/// The built-in rule packs: (file name, contents).\n");
    out.push_str("pub(crate) static BUILTIN_PACKS: &[(&str, &str)] = &[\n");
    for f in files.iter().filter(|f| *f != "folds.toml") {
        println!("cargo:rerun-if-changed=packs/{f}");
        writeln!(out, "    (\"packs/{f}\", include_str!(concat!(env!(\"CARGO_MANIFEST_DIR\"), \"/packs/{f}\"))),")
            .unwrap();
    }
    out.push_str("];\n/// The homophone table.\n");
    if files.iter().any(|f| f == "folds.toml") {
        println!("cargo:rerun-if-changed=packs/folds.toml");
        out.push_str("pub(crate) static FOLDS: &str = include_str!(concat!(env!(\"CARGO_MANIFEST_DIR\"), \"/packs/folds.toml\"));\n");
    } else {
        out.push_str("pub(crate) static FOLDS: &str = \"\";\n");
    }
    let dest = Path::new(&env::var("OUT_DIR").unwrap()).join("packs.rs");
    fs::write(dest, out).expect("OUT_DIR is writable");
}

fn t2s_table() {
    let src = "data/opencc/TSCharacters.txt";
    println!("cargo:rerun-if-changed={src}");
    let text = fs::read_to_string(src).expect("vendored OpenCC table is readable");
    let mut pairs: Vec<(u32, u32)> = Vec::new();
    for line in text.lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let mut cols = line.split('\t');
        let (Some(key), Some(values)) = (cols.next(), cols.next()) else {
            continue;
        };
        let first_value = values.split(' ').next().unwrap_or("");
        let (mut k, mut v) = (key.chars(), first_value.chars());
        if let (Some(kc), None, Some(vc), None) = (k.next(), k.next(), v.next(), v.next()) {
            if kc != vc {
                pairs.push((kc as u32, vc as u32));
            }
        }
    }
    pairs.sort_unstable();
    pairs.dedup_by_key(|p| p.0);
    let mut out = String::from("/// Traditional → Simplified, one character to one character, sorted by key.\n");
    writeln!(out, "pub(crate) static T2S: [(u32, u32); {}] = [", pairs.len()).unwrap();
    for (k, v) in &pairs {
        writeln!(out, "    ({k:#x}, {v:#x}),").unwrap();
    }
    out.push_str("];\n");
    let dest = Path::new(&env::var("OUT_DIR").unwrap()).join("t2s_table.rs");
    fs::write(dest, out).expect("OUT_DIR is writable");
}
