//! Builds the breached-password filter (`netid_core::validate::breached`) from lists of
//! passwords (JSON arrays of strings): `scripts/password-filter.sh` runs it on the two lists
//! the filter is made of. Usage: password_filter OUT LIST.json [LIST.json ...]
use netid_core::validate::breached;
use std::collections::BTreeSet;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (out, lists) = args.split_first().ok_or("usage: password_filter OUT LIST.json [LIST.json ...]")?;
    let mut all = BTreeSet::new();
    for path in lists {
        let list: Vec<String> = serde_json::from_str(&std::fs::read_to_string(path)?)?;
        println!("{path}: {} entries", list.len());
        all.extend(list.into_iter().map(|p| p.to_lowercase()));
    }
    let bytes = breached::build(all.iter().map(String::as_str))?;
    std::fs::write(out, &bytes)?;
    println!("{out}: {} distinct entries, {} bytes", all.len(), bytes.len());
    Ok(())
}
