//! Command-line tests as data: every `tests/cmd/*.toml` gives arguments, standard input, the
//! expected standard output and error (with `[..]` and `...` wildcards) and the exit code.
//! Update expectations with `TRYCMD=overwrite cargo test -p conduct-cli --test cli`.

#[test]
fn cli_tests() {
    trycmd::TestCases::new()
        .default_bin_path(env!("CARGO_BIN_EXE_conduct"))
        .env("NO_COLOR", "1")
        .case("tests/cmd/*.toml");
}
