//! # greffe (cli)
//!
//! The `greffe` command line: a thin layer that parses arguments and files,
//! calls the pure crates, the store and the service, and prints.
//!
//! Exit codes, everywhere: `0` success; `1` the input was read but is refused
//! (problems listed); `2` wrong arguments, or a file that cannot be read or
//! parsed.

#![forbid(unsafe_code)]

mod calendar;
mod config;
mod deadline;
mod decision;
mod distribute;
mod document;
mod files;
mod fixtures;
mod instance;
mod plan;
mod search;
mod service;
mod simulate;

use std::ffi::OsString;
use std::io::Write;

use clap::{Parser, Subcommand};

/// Exit code: success.
pub const EXIT_OK: u8 = 0;
/// Exit code: the input was read and refused, problems listed.
pub const EXIT_REFUSED: u8 = 1;
/// Exit code: wrong arguments, unreadable or unparsable file.
pub const EXIT_USAGE: u8 = 2;

/// greffe — registre et audiencement de la Cour de cassation.
#[derive(Debug, Parser)]
#[command(name = "greffe", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Generate realistic court instances.
    #[command(subcommand)]
    Fixtures(fixtures::FixturesCommand),
    /// Read and check planning instances.
    #[command(subcommand)]
    Instance(instance::InstanceCommand),
    /// Check hearing plans.
    #[command(subcommand)]
    Plan(plan::PlanCommand),
    /// What-if simulation of months of court activity (several scenarios in parallel).
    Simulate(simulate::SimulateArgs),
    /// Public holidays by place.
    #[command(subcommand)]
    Calendar(calendar::CalendarCommand),
    /// Procedural deadlines (CPC, CPP) from the rule catalogue.
    #[command(subcommand)]
    Deadline(deadline::DeadlineCommand),
    /// Run the HTTP service of the registry (with a worker for its jobs).
    Serve(service::ServeArgs),
    /// Run the queued jobs of the store (proposed plans) without serving requests.
    Worker(service::WorkerArgs),
    /// Seed a realistic court (reference data, dossiers, journals, users) into a new store.
    Demo(service::DemoArgs),
    /// Import the existing stock from a file (all or nothing).
    Import(service::ImportArgs),
    /// The hash-chained journal.
    #[command(subcommand)]
    Journal(service::JournalCommand),
    /// Users and API tokens.
    #[command(subcommand)]
    User(service::UserCommand),
    /// Documents as PDF/A-2b: rolls, certificates, avis d'audience; the templates.
    #[command(subcommand)]
    Document(document::DocumentCommand),
    /// Signed decisions: verify one offline.
    #[command(subcommand)]
    Decision(decision::DecisionCommand),
    /// A chamber's distribution: who reports each new dossier (or concludes
    /// on it), proposed by load and competence; written with --confirm.
    Distribute(distribute::DistributeArgs),
    /// Full-text search of the registry, similar dossiers, and the index's rebuild.
    #[command(subcommand)]
    Search(search::SearchCommand),
}

/// A failure that ends the command with a message and an exit code.
#[derive(Debug)]
pub(crate) struct Failure {
    pub(crate) code: u8,
    pub(crate) message: String,
}

impl Failure {
    pub(crate) fn usage(message: impl Into<String>) -> Self {
        Self { code: EXIT_USAGE, message: message.into() }
    }
}

/// Where a command writes: standard output and standard error.
pub(crate) struct Io<'a> {
    pub(crate) out: &'a mut dyn Write,
    pub(crate) err: &'a mut dyn Write,
}

/// Runs the command line `args` (program name first), writing to `out` and
/// `err`; returns the exit code. Never panics on input.
pub fn run<I, T>(args: I, out: &mut dyn Write, err: &mut dyn Write) -> u8
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(error) => {
            let code = u8::try_from(error.exit_code()).unwrap_or(EXIT_USAGE);
            let text = error.render().ansi().to_string();
            let _ = if code == EXIT_OK { write!(out, "{text}") } else { write!(err, "{text}") };
            return code;
        }
    };
    let mut io = Io { out, err };
    let result = match cli.command {
        Command::Fixtures(command) => fixtures::run(command, &mut io),
        Command::Instance(command) => instance::run(command, &mut io),
        Command::Plan(command) => plan::run(command, &mut io),
        Command::Calendar(command) => calendar::run(command, &mut io),
        Command::Decision(command) => decision::run(command, &mut io),
        Command::Simulate(args) => simulate::simulate(args, &mut io),
        Command::Deadline(command) => deadline::run(command, &mut io),
        Command::Serve(args) => service::serve(args, &mut io),
        Command::Worker(args) => service::worker(args, &mut io),
        Command::Demo(args) => service::demo(args, &mut io),
        Command::Import(args) => service::import(args, &mut io),
        Command::Journal(command) => service::journal(command, &mut io),
        Command::User(command) => service::user(command, &mut io),
        Command::Document(command) => document::run(command, &mut io),
        Command::Search(command) => search::run(command, &mut io),
        Command::Distribute(args) => distribute::distribute(args, &mut io),
    };
    match result {
        Ok(code) => code,
        Err(failure) => {
            let _ = writeln!(io.err, "greffe : {}", failure.message);
            failure.code
        }
    }
}
