//! AFL harness: `cargo afl build --release && cargo afl fuzz -i corpus/scenario -o out/scenario target/release/scenario`.
#[path = "../../../tests/fuzz/targets.rs"]
mod targets;

fn main() {
    afl::fuzz!(|data: &[u8]| {
        targets::scenario_text(data);
    });
}
