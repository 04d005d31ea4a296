use clap::Parser;

fn main() {
    let cli = peritrial::cli::Cli::parse();
    if let Err(e) = peritrial::cli::run(cli) {
        eprintln!("error: {e}");
        std::process::exit(e.exit_code());
    }
}
