//! AFL harness: `cargo afl build --release && cargo afl fuzz -i corpus/sweep_shard -o out/sweep_shard target/release/sweep_shard`.
#[path = "../../../tests/fuzz/targets.rs"]
mod targets;

fn main() {
    afl::fuzz!(|data: &[u8]| {
        targets::sweep_shard(data);
    });
}
