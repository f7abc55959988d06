//! Prints the pending migrations in order, for `psql -f -` (the deploy pipeline runs it).
const MIGRATIONS: &[(&str, &str)] = &[("0001_bookmarks", include_str!("../sql/0001_bookmarks.sql"))];

fn main() {
    let after = std::env::args().nth(1).unwrap_or_default();
    for (name, sql) in MIGRATIONS.iter().filter(|(n, _)| *n > after.as_str()) {
        println!("-- {name}\n{sql}");
    }
}
