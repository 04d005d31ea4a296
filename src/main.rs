use clap::Parser;
use std::alloc::{GlobalAlloc, Layout, System};

/// The system allocator, except that a failed allocation ends the process with exit code 1
/// and a message (Rust's default aborts, which a batch system reports as a crash). Outputs are
/// written through temporary files, so nothing half-written is left.
struct ExitOnAllocationFailure;

fn allocation_failed(layout: Layout) -> ! {
    use std::io::Write;
    // No allocation here: a fixed message, then the size as digits on the stack.
    let mut digits = [0u8; 20];
    let (mut n, mut i) = (layout.size(), digits.len());
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 || i == 0 {
            break;
        }
    }
    let mut err = std::io::stderr();
    let _ = err.write_all(b"error: out of memory (an allocation of ");
    let _ = err.write_all(&digits[i..]);
    let _ = err.write_all(b" bytes failed); nothing was written. Use fewer replicates or patients, or --shard K/N\n");
    std::process::exit(1)
}

// SAFETY: every method forwards to `System` with the caller's arguments; a null result (failure)
// never returns.
unsafe impl GlobalAlloc for ExitOnAllocationFailure {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if p.is_null() {
            allocation_failed(layout)
        }
        p
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc_zeroed(layout) };
        if p.is_null() {
            allocation_failed(layout)
        }
        p
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if p.is_null() {
            // The layout of the request that failed.
            allocation_failed(Layout::from_size_align(new_size, layout.align()).unwrap_or(layout))
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: ExitOnAllocationFailure = ExitOnAllocationFailure;

fn main() {
    let cli = peritrial::cli::Cli::parse();
    if let Err(e) = peritrial::commands::run(cli) {
        eprintln!("error: {e}");
        std::process::exit(e.exit_code());
    }
}
