//! AFL harness: `cargo afl build --release && cargo afl fuzz -i corpus/set -o out/set target/release/set`.
#[path = "../../../tests/fuzz/targets.rs"]
mod targets;

fn main() {
    afl::fuzz!(|data: &[u8]| {
        targets::set_overrides(data);
    });
}
