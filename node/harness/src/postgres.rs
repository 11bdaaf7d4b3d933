//! A PostgreSQL server of a test's own: Debian's `postgresql` package (scripts/setup installs
//! it), a new cluster in a scratch directory, listening on loopback at a free port, with trust
//! authentication, stopped when dropped. PostgreSQL refuses to run as root, so under root (CI,
//! containers) the cluster is made and run as the package's `postgres` user.

use crate::{free_port, TempDir};
use std::{
	path::{Path, PathBuf},
	process::Command,
};

/// A running PostgreSQL server; dropping it stops it and removes its files.
pub struct Postgres {
	/// Its URL (`postgresql://postgres@127.0.0.1:<port>/postgres`).
	pub url: String,
	bin: PathBuf,
	data: PathBuf,
	as_root: bool,
	_dir: TempDir,
}

impl Postgres {
	/// Makes a cluster and starts it (a few seconds).
	pub fn start(name: &str) -> Self {
		let bin = binaries();
		let dir = TempDir::new(&format!("postgres-{name}"));
		let data = dir.0.join("data");
		// SAFETY: geteuid has no preconditions.
		let as_root = unsafe { geteuid() } == 0;
		if as_root {
			// The cluster's directory and socket belong to `postgres`.
			let chown = Command::new("chown").args(["postgres:postgres"]).arg(&dir.0).status();
			assert!(chown.is_ok_and(|s| s.success()), "chown postgres {}", dir.0.display());
		}
		let port = free_port();
		let mut server = Self { url: String::new(), bin, data, as_root, _dir: dir };
		server.run(
			"initdb",
			&["-D", &server.data.display().to_string(), "-U", "postgres", "--auth=trust"],
		);
		let options =
			format!("-p {port} -c listen_addresses=127.0.0.1 -k {}", server.data.display());
		let log = server.data.join("server.log").display().to_string();
		let data = server.data.display().to_string();
		server.run("pg_ctl", &["-D", &data, "-o", &options, "-l", &log, "-w", "start"]);
		server.url = format!("postgresql://postgres@127.0.0.1:{port}/postgres");
		server
	}

	/// One of the server's programs, to run as `postgres` under root.
	fn command(&self, program: &str) -> Command {
		let program = self.bin.join(program);
		if self.as_root {
			let mut command = Command::new("runuser");
			command.args(["-u", "postgres", "--"]).arg(&program);
			command
		} else {
			Command::new(&program)
		}
	}

	/// Runs one of the server's programs, which must succeed.
	fn run(&self, program: &str, args: &[&str]) {
		let output = self
			.command(program)
			.args(args)
			.current_dir("/")
			.env("LC_ALL", "C.UTF-8")
			.output()
			.unwrap_or_else(|e| panic!("{program} runs: {e}"));
		assert!(
			output.status.success(),
			"{program} {args:?} failed:\n{}{}",
			String::from_utf8_lossy(&output.stdout),
			String::from_utf8_lossy(&output.stderr)
		);
	}
}

impl Drop for Postgres {
	fn drop(&mut self) {
		if !self.url.is_empty() {
			let data = self.data.display().to_string();
			let stop = ["-D", &data, "-m", "immediate", "-w", "stop"];
			let _ = self.command("pg_ctl").args(stop).output();
		}
	}
}

/// The newest PostgreSQL's programs Debian installed (`/usr/lib/postgresql/<version>/bin`), or
/// `LICENTIA_POSTGRES_BIN`'s.
fn binaries() -> PathBuf {
	if let Some(bin) = std::env::var_os("LICENTIA_POSTGRES_BIN") {
		return bin.into();
	}
	let root = Path::new("/usr/lib/postgresql");
	let newest = std::fs::read_dir(root).ok().and_then(|versions| {
		versions.filter_map(|v| v.ok()?.file_name().to_str()?.parse::<u32>().ok()).max()
	});
	match newest {
		Some(version) => root.join(version.to_string()).join("bin"),
		None => panic!(
			"no PostgreSQL server in {}: scripts/setup installs Debian's `postgresql`",
			root.display()
		),
	}
}

extern "C" {
	fn geteuid() -> u32;
}
