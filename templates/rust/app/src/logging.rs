//! One JSON object per line on stdout: log collectors (Docker, Kubernetes, Loki, ...) parse
//! it without any configuration. Every line starts with `time`, `level` and `msg`; the
//! event's own fields follow. Log with the `tracing` macros:
//! `tracing::info!(order_id = %id, "order placed")`.

use std::fmt;

use serde_json::Value;
use tracing::field::{Field, Visit};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::time::{FormatTime, SystemTime};
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields};
use tracing_subscriber::registry::LookupSpan;

pub const LOG_LEVELS: &[&str] = &["debug", "info", "warn", "error"];

pub fn parse_level(name: &str) -> Option<Level> {
    match name {
        "debug" => Some(Level::DEBUG),
        "info" => Some(Level::INFO),
        "warn" => Some(Level::WARN),
        "error" => Some(Level::ERROR),
        _ => None,
    }
}

/// Installs the JSON-lines logger for the whole process.
pub fn init(level: Level) {
    tracing_subscriber::fmt()
        .with_max_level(level)
        .event_format(JsonLines)
        .with_writer(std::io::stdout)
        .init();
}

/// The `tracing_subscriber` event format behind every log line.
pub struct JsonLines;

impl<S, N> FormatEvent<S, N> for JsonLines
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
{
    fn format_event(
        &self,
        _ctx: &FmtContext<'_, S, N>,
        mut writer: Writer<'_>,
        event: &Event<'_>,
    ) -> fmt::Result {
        let mut time = String::new();
        SystemTime.format_time(&mut Writer::new(&mut time))?;
        let mut fields = Fields::default();
        event.record(&mut fields);
        let level = event.metadata().level().as_str().to_ascii_lowercase();
        // Built by hand to keep time, level and msg first (a JSON map would sort the keys).
        let mut line = String::from("{");
        line.push_str(&format!(
            "\"time\":{},\"level\":{},\"msg\":{}",
            quote(&time),
            quote(&level),
            fields.message
        ));
        for (name, value) in &fields.rest {
            line.push_str(&format!(",{}:{value}", quote(name)));
        }
        line.push('}');
        writeln!(writer, "{line}")
    }
}

fn quote(text: &str) -> String {
    Value::String(text.to_owned()).to_string()
}

/// An event's fields as JSON, in the order they were written; fields never overwrite time,
/// level or msg.
struct Fields {
    message: Value,
    rest: Vec<(String, Value)>,
}

impl Default for Fields {
    fn default() -> Self {
        Self {
            message: Value::String(String::new()),
            rest: Vec::new(),
        }
    }
}

impl Fields {
    fn put(&mut self, field: &Field, value: Value) {
        match field.name() {
            "message" => self.message = value,
            "time" | "level" | "msg" => {}
            name => self.rest.push((name.to_owned(), value)),
        }
    }
}

impl Visit for Fields {
    fn record_f64(&mut self, field: &Field, value: f64) {
        self.put(
            field,
            serde_json::Number::from_f64(value).map_or(Value::Null, Value::Number),
        );
    }
    fn record_i64(&mut self, field: &Field, value: i64) {
        self.put(field, Value::from(value));
    }
    fn record_u64(&mut self, field: &Field, value: u64) {
        self.put(field, Value::from(value));
    }
    fn record_bool(&mut self, field: &Field, value: bool) {
        self.put(field, Value::Bool(value));
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        self.put(field, Value::String(value.to_owned()));
    }
    fn record_error(&mut self, field: &Field, value: &(dyn std::error::Error + 'static)) {
        self.put(field, Value::String(value.to_string()));
    }
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        // `%value` (Display) arrives here too, already formatted.
        self.put(field, Value::String(format!("{value:?}")));
    }
}

/// Captures log lines in memory for the tests. One process-wide subscriber at debug level
/// writes each line to the capture of the thread that logged it (tokio tests run on one
/// thread); per-thread default subscribers would race on tracing's global level cache.
#[cfg(test)]
pub mod testing {
    use std::cell::RefCell;
    use std::io;
    use std::sync::{Arc, Mutex, Once};

    use tracing::{Level, Metadata};
    use tracing_subscriber::fmt::MakeWriter;

    use super::JsonLines;

    #[derive(Clone, Default)]
    pub struct Lines(Arc<Mutex<Vec<u8>>>);

    impl Lines {
        pub fn text(&self) -> String {
            String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
        }

        pub fn entries(&self) -> Vec<serde_json::Value> {
            self.text()
                .lines()
                .map(|line| serde_json::from_str(line).expect("a JSON line"))
                .collect()
        }
    }

    thread_local! {
        static SINK: RefCell<Option<(Lines, Level)>> = const { RefCell::new(None) };
    }

    /// Writes to this thread's capture, or nowhere.
    pub struct SinkWriter(Option<Lines>);

    impl io::Write for SinkWriter {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            if let Some(lines) = &self.0 {
                lines.0.lock().unwrap().extend_from_slice(buf);
            }
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    struct ThreadSink;

    impl<'a> MakeWriter<'a> for ThreadSink {
        type Writer = SinkWriter;
        fn make_writer(&'a self) -> SinkWriter {
            SinkWriter(None)
        }
        fn make_writer_for(&'a self, meta: &Metadata<'_>) -> SinkWriter {
            SINK.with(|sink| match &*sink.borrow() {
                // More verbose levels compare greater in tracing.
                Some((lines, level)) if meta.level() <= level => SinkWriter(Some(lines.clone())),
                _ => SinkWriter(None),
            })
        }
    }

    /// Stops capturing on drop.
    pub struct Capture;

    impl Drop for Capture {
        fn drop(&mut self) {
            SINK.with(|sink| sink.borrow_mut().take());
        }
    }

    pub fn capture_at(level: Level) -> (Lines, Capture) {
        static INSTALL: Once = Once::new();
        INSTALL.call_once(|| {
            let subscriber = tracing_subscriber::fmt()
                .with_max_level(Level::DEBUG)
                .event_format(JsonLines)
                .with_writer(ThreadSink)
                .finish();
            tracing::subscriber::set_global_default(subscriber)
                .expect("no other global subscriber in tests");
        });
        let lines = Lines::default();
        SINK.with(|sink| *sink.borrow_mut() = Some((lines.clone(), level)));
        (lines, Capture)
    }

    pub fn capture() -> (Lines, Capture) {
        capture_at(Level::DEBUG)
    }
}

#[cfg(test)]
mod tests {
    use super::testing::*;
    use super::*;

    #[test]
    fn writes_one_json_object_per_line_with_time_level_msg_and_fields() {
        let (lines, _guard) = capture();
        tracing::info!(
            request_id = "abc",
            count = 2,
            ratio = 0.5,
            ok = true,
            "hello"
        );
        let text = lines.text();
        assert_eq!(text.matches('\n').count(), 1, "exactly one line");
        let level_at = text
            .find(r#","level":"info","msg":"hello","#)
            .expect("level and msg follow time");
        assert!(text[..level_at].starts_with(r#"{"time":""#), "{text}");
        let entry = &lines.entries()[0];
        assert_eq!(entry["level"], "info");
        assert_eq!(entry["msg"], "hello");
        assert_eq!(entry["request_id"], "abc");
        assert_eq!(entry["count"], 2);
        assert_eq!(entry["ratio"], 0.5);
        assert_eq!(entry["ok"], true);
        let time = entry["time"].as_str().unwrap();
        assert!(
            time.len() >= 20 && time.ends_with('Z') && &time[10..11] == "T",
            "RFC 3339 UTC: {time}"
        );
    }

    #[test]
    fn drops_lines_below_the_configured_level() {
        let (lines, _guard) = capture_at(Level::WARN);
        tracing::debug!("d");
        tracing::info!("i");
        tracing::warn!("w");
        tracing::error!("e");
        let levels: Vec<_> = lines
            .entries()
            .iter()
            .map(|e| e["level"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(levels, ["warn", "error"]);
    }

    #[test]
    fn fields_cannot_overwrite_time_or_level_and_display_values_are_strings() {
        let (lines, _guard) = capture();
        let error = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "boom");
        tracing::info!(level = "error", time = "never", error = %error, "real");
        let entry = &lines.entries()[0];
        assert_eq!(entry["msg"], "real");
        assert_eq!(entry["level"], "info");
        assert_ne!(entry["time"], "never");
        assert_eq!(entry["error"], "boom");
    }

    #[test]
    fn log_levels_parse() {
        for name in LOG_LEVELS {
            assert!(parse_level(name).is_some(), "{name}");
        }
        assert_eq!(parse_level("verbose"), None);
    }
}
