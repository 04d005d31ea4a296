//! AFL harness: `cargo afl build --release && cargo afl fuzz -i corpus/csv -o out/csv target/release/csv`.
#[path = "../../../tests/fuzz/targets.rs"]
mod targets;

fn main() {
    afl::fuzz!(|data: &[u8]| {
        targets::csv(data);
    });
}
