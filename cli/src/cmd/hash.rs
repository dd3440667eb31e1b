//! `appsflyer-s2s hash KIND VALUE`: the digest AppsFlyer expects for one value.

use std::io::BufRead;

use appsflyer_s2s::hash::sha256_hex;
use appsflyer_s2s::normalize;

use super::{build_options, Exit, Fatal};
use crate::args::{HashArgs, HashKind};

/// Runs `hash`: prints the digest on stdout, or why the value cannot be
/// hashed on stderr (exit 1), without echoing the value.
pub fn run(args: &HashArgs) -> Result<Exit, Fatal> {
    build_options(args.region.as_deref(), false)?;
    let mut value = args.value.clone();
    if value == "-" {
        value.clear();
        std::io::stdin()
            .lock()
            .read_line(&mut value)
            .map_err(|e| format!("cannot read the value from standard input: {e}"))?;
        let trimmed = value.trim_end_matches(['\n', '\r']).len();
        value.truncate(trimmed);
    }
    let region = args.region.as_deref();
    let (field, normalized) = match args.kind {
        HashKind::Email => ("email", normalize::email(&value)),
        HashKind::Name => ("name", normalize::name(&value)),
        HashKind::Phone => ("phone", normalize::phone_digits(&value, region)),
        HashKind::PhoneE164 => ("phone", normalize::phone_e164(&value, region)),
    };
    match normalized {
        Ok(n) => {
            println!("{}", sha256_hex(&n));
            Ok(Exit::Done)
        }
        Err(e) => {
            let hint =
                if matches!(args.kind, HashKind::Phone | HashKind::PhoneE164) && region.is_none() {
                    " (a national number needs --region)"
                } else {
                    ""
                };
            eprintln!("error: the {field} cannot be hashed: {e}{hint}");
            Ok(Exit::NotAll)
        }
    }
}
