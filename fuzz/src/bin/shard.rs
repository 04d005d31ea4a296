//! AFL harness: `cargo afl build --release && cargo afl fuzz -i corpus/shard -o out/shard target/release/shard`.
#[path = "../../../tests/fuzz/targets.rs"]
mod targets;

fn main() {
    afl::fuzz!(|data: &[u8]| {
        targets::shard(data);
    });
}
