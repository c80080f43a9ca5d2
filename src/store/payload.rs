//! RQ's byte encodings: the `data` call tuple, `meta`, and result values.
//!
//! RQ never records which serializer wrote a job, so every reader here detects it:
//! zlib is optional (RQ falls back to raw bytes) and a pickle starts with the PROTO
//! opcode or a protocol-0/1 opcode, while a JSON call is an array. Values cross into
//! the rest of bench as `serde_json::Value`, the common denominator of both formats.

use flate2::{Compress, Compression, Decompress, FlushCompress, FlushDecompress, Status};
use serde::Serialize;
use serde_json::{Map, Value as Json};
use serde_pickle::{DeOptions, HashableValue, SerOptions, Value as Py};
use std::cell::RefCell;

pub use crate::config::Serializer;

/// Why bytes from Redis could not be decoded.
#[derive(Debug, thiserror::Error)]
pub enum PayloadError {
    #[error("empty payload")]
    Empty,
    #[error("not a pickle or JSON payload: {0}")]
    Undecodable(String),
    #[error("payload is not a (func, instance, args, kwargs) tuple: {0}")]
    Shape(String),
    #[error("cannot encode value: {0}")]
    Encode(String),
    #[error("it inflates past {0} bytes, more than any job should carry")]
    TooLarge(usize),
}

/// A job's call, as stored in `data`.
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    /// Dotted path of the function, e.g. `my_app.tasks.send`.
    pub func: String,
    /// Whether an instance was pickled with the call (a bound method, not portable).
    pub has_instance: bool,
    pub args: Vec<Json>,
    pub kwargs: Map<String, Json>,
    /// Set when a pickled value could not be represented faithfully (an object of
    /// a class bench cannot rebuild), so it was shown as `null`.
    pub lossy: bool,
}

/// Whether decoding may stand in `null` for pickled objects it cannot rebuild.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decode {
    /// For display: never fail on exotic values.
    Lenient,
    /// For running: fail rather than hand a job a changed argument.
    Strict,
}

/// Payloads up to this size are wrapped in zlib's stored (uncompressed) form.
const STORED_MAX: usize = 1024;

/// zlib-compresses for Python's `zlib.decompress`: at the default level, except that
/// a small payload is stored as is. Deflate saves a few bytes on a job's few hundred,
/// but resetting its state (some hundred KiB of tables) costs more than the rest of an
/// enqueue, and stored blocks also spare the worker building Huffman tables to read it.
pub fn compress(bytes: &[u8]) -> Vec<u8> {
    if bytes.len() <= STORED_MAX {
        return zlib_stored(bytes);
    }
    thread_local! {
        // A deflate state is a few hundred KiB of zeroed tables; building one per job
        // cost more than the rest of an enqueue, so each thread keeps one and resets it.
        static DEFLATE: RefCell<Compress> = RefCell::new(Compress::new(Compression::default(), true));
    }
    DEFLATE.with(|d| {
        let mut d = d.borrow_mut();
        d.reset();
        let mut out = Vec::with_capacity(bytes.len() + 64);
        loop {
            let done = d.total_in() as usize;
            let status = d
                .compress_vec(&bytes[done..], &mut out, FlushCompress::Finish)
                .expect("deflate into a Vec cannot fail");
            if status == Status::StreamEnd {
                return out;
            }
            out.reserve(out.capacity().max(64));
        }
    })
}

/// A zlib stream (RFC 1950) holding `bytes` in one stored deflate block (RFC 1951
/// §3.2.4); `bytes` is at most [`STORED_MAX`], well under a block's 65,535.
fn zlib_stored(bytes: &[u8]) -> Vec<u8> {
    debug_assert!(bytes.len() <= STORED_MAX);
    let len = bytes.len() as u16;
    let mut out = Vec::with_capacity(bytes.len() + 11);
    // CMF: deflate with a 32 KiB window; FLG: no dictionary, check bits for CMF.
    out.extend_from_slice(&[0x78, 0x01]);
    // BFINAL = 1, BTYPE = 00 (stored), then LEN and its one's complement.
    out.push(0x01);
    out.extend_from_slice(&len.to_le_bytes());
    out.extend_from_slice(&(!len).to_le_bytes());
    out.extend_from_slice(bytes);
    out.extend_from_slice(&adler2::adler32_slice(bytes).to_be_bytes());
    out
}

/// The deepest nesting of a pickled value bench decodes; jobs' arguments are never
/// near it, and decoding stays far from the end of any thread's stack.
const MAX_DEPTH: usize = 500;

/// The most a job's `data`, meta or traceback may inflate to: a few bytes of zlib can
/// expand to gigabytes, and Redis itself keeps no value larger.
pub const MAX_INFLATE: usize = 256 << 20;

/// Decompresses if the bytes are zlib, else returns them as they are (RQ's rule); for
/// display, an over-large stream shows as a note instead of its contents.
pub fn decompress_lenient(bytes: &[u8]) -> Vec<u8> {
    inflate(bytes).unwrap_or_else(|e| format!("({e})").into_bytes())
}

/// Decompresses if the bytes are zlib, else returns them as they are (RQ's rule).
///
/// # Errors
/// [`PayloadError::TooLarge`] when the stream would inflate past [`MAX_INFLATE`].
pub fn inflate(bytes: &[u8]) -> Result<Vec<u8>, PayloadError> {
    inflate_within(bytes, MAX_INFLATE)
}

fn inflate_within(bytes: &[u8], cap: usize) -> Result<Vec<u8>, PayloadError> {
    thread_local! {
        // Reused for the same reason as the deflate state in `compress`.
        static INFLATE: RefCell<Decompress> = RefCell::new(Decompress::new(true));
    }
    INFLATE.with(|d| {
        let mut d = d.borrow_mut();
        d.reset(true);
        let mut out = Vec::with_capacity(bytes.len().saturating_mul(4).saturating_add(64).min(cap));
        loop {
            if out.len() == out.capacity() {
                if out.len() >= cap {
                    return Err(PayloadError::TooLarge(cap));
                }
                out.reserve(out.capacity().min(cap - out.len()).max(64));
            }
            let (in_before, out_before) = (d.total_in(), d.total_out());
            match d.decompress_vec(
                &bytes[in_before as usize..],
                &mut out,
                FlushDecompress::None,
            ) {
                Ok(Status::StreamEnd) => return Ok(out),
                // No progress although there was room: the stream is cut short.
                Ok(_) if d.total_in() == in_before && d.total_out() == out_before => {
                    return Ok(bytes.to_vec());
                }
                Ok(_) => {}
                Err(_) => return Ok(bytes.to_vec()),
            }
        }
    })
}

/// Encodes `(func, None, args, kwargs)` and compresses it, as RQ writes `data`.
pub fn encode_call(
    func: &str,
    args: &[Json],
    kwargs: &Map<String, Json>,
    ser: Serializer,
) -> Result<Vec<u8>, PayloadError> {
    let raw = match ser {
        Serializer::Json => serde_json::to_vec(&(func, Json::Null, args, kwargs))
            .map_err(|e| PayloadError::Encode(e.to_string()))?,
        // Serialized straight from the maps, so keyword arguments keep their order as
        // a Python dict keeps insertion order.
        Serializer::Pickle => serde_pickle::to_vec(
            &(func, None::<()>, PyTuple(args), kwargs),
            SerOptions::new(),
        )
        .map_err(|e| PayloadError::Encode(e.to_string()))?,
    };
    Ok(compress(&raw))
}

/// Positional arguments, which RQ pickles as a tuple, not a list.
struct PyTuple<'a>(&'a [Json]);

impl Serialize for PyTuple<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeTuple;
        let mut t = s.serialize_tuple(self.0.len())?;
        for v in self.0 {
            t.serialize_element(v)?;
        }
        t.end()
    }
}

/// Decodes `data` in whichever form it was written.
pub fn decode_call(data: &[u8], mode: Decode) -> Result<Call, PayloadError> {
    let raw = inflate(data)?;
    let (value, lossy) = decode_any(&raw, mode)?;
    let Json::Array(mut parts) = value else {
        return Err(PayloadError::Shape("not a sequence".into()));
    };
    if parts.len() != 4 {
        return Err(PayloadError::Shape(format!(
            "{} items instead of 4",
            parts.len()
        )));
    }
    let kwargs = match parts.pop() {
        Some(Json::Object(m)) => m,
        Some(Json::Null) => Map::new(),
        _ => return Err(PayloadError::Shape("kwargs is not a dict".into())),
    };
    let args = match parts.pop() {
        Some(Json::Array(a)) => a,
        Some(Json::Null) => Vec::new(),
        _ => return Err(PayloadError::Shape("args is not a sequence".into())),
    };
    let has_instance = !matches!(parts.pop(), Some(Json::Null));
    let func = match parts.pop() {
        Some(Json::String(f)) if !f.is_empty() => f,
        _ => return Err(PayloadError::Shape("function name is not a string".into())),
    };
    Ok(Call {
        func,
        has_instance,
        args,
        kwargs,
        lossy,
    })
}

/// Serializes one value as RQ's serializer would (`return_value`, `meta`).
pub fn encode_value(value: &Json, ser: Serializer) -> Result<Vec<u8>, PayloadError> {
    match ser {
        Serializer::Json => {
            serde_json::to_vec(value).map_err(|e| PayloadError::Encode(e.to_string()))
        }
        Serializer::Pickle => serde_pickle::to_vec(value, SerOptions::new())
            .map_err(|e| PayloadError::Encode(e.to_string())),
    }
}

/// Decodes one serialized value (a result or `meta`), detecting its format.
pub fn decode_value(bytes: &[u8], mode: Decode) -> Result<(Json, bool), PayloadError> {
    decode_any(bytes, mode)
}

fn looks_like_json(bytes: &[u8]) -> bool {
    matches!(
        bytes.iter().find(|b| !b.is_ascii_whitespace()),
        Some(b'[' | b'{' | b'"' | b'-' | b'0'..=b'9' | b'n' | b't' | b'f')
    )
}

fn decode_any(bytes: &[u8], mode: Decode) -> Result<(Json, bool), PayloadError> {
    if bytes.is_empty() {
        return Err(PayloadError::Empty);
    }
    // Protocol 2+ pickles open with PROTO (0x80); anything JSON-looking is tried as JSON first.
    if bytes[0] != 0x80
        && looks_like_json(bytes)
        && let Ok(v) = serde_json::from_slice::<Json>(bytes)
    {
        return Ok((v, false));
    }
    // Decoding recurses once per level: a deep pickle is refused before it can
    // overflow the stack.
    super::pickle_depth::check(bytes, MAX_DEPTH)
        .map_err(|e| PayloadError::Undecodable(e.to_string()))?;
    let opts = match mode {
        Decode::Lenient => DeOptions::new().replace_unresolved_globals(),
        Decode::Strict => DeOptions::new(),
    };
    let py = serde_pickle::value_from_slice(bytes, opts)
        .map_err(|e| PayloadError::Undecodable(e.to_string()))?;
    let mut lossy = false;
    let json = py_to_json(py, &mut lossy);
    if lossy && mode == Decode::Strict {
        return Err(PayloadError::Undecodable(
            "holds values bench cannot represent".into(),
        ));
    }
    Ok((json, lossy))
}

fn py_to_json(v: Py, lossy: &mut bool) -> Json {
    match v {
        Py::None => Json::Null,
        Py::Bool(b) => Json::Bool(b),
        Py::I64(i) => Json::from(i),
        Py::Int(big) => big
            .to_string()
            .parse::<serde_json::Number>()
            .map(Json::Number)
            .unwrap_or_else(|_| Json::String(big.to_string())),
        Py::F64(f) => serde_json::Number::from_f64(f)
            .map(Json::Number)
            .unwrap_or_else(|| {
                *lossy = true;
                Json::Null
            }),
        Py::Bytes(b) => {
            *lossy = true;
            Json::String(String::from_utf8_lossy(&b).into_owned())
        }
        Py::String(s) => Json::String(s),
        Py::List(items) | Py::Tuple(items) => {
            Json::Array(items.into_iter().map(|i| py_to_json(i, lossy)).collect())
        }
        Py::Set(items) | Py::FrozenSet(items) => Json::Array(
            items
                .into_iter()
                .map(|i| py_to_json(i.into_value(), lossy))
                .collect(),
        ),
        Py::Dict(map) => Json::Object(
            map.into_iter()
                .map(|(k, v)| (hashable_key(k, lossy), py_to_json(v, lossy)))
                .collect(),
        ),
    }
}

fn hashable_key(k: HashableValue, lossy: &mut bool) -> String {
    match k {
        HashableValue::String(s) => s,
        other => {
            *lossy = true;
            py_repr(&py_to_json(other.into_value(), lossy))
        }
    }
}

/// Renders a value the way Python's `repr` would, for RQ-style descriptions.
pub fn py_repr(v: &Json) -> String {
    match v {
        Json::Null => "None".into(),
        Json::Bool(true) => "True".into(),
        Json::Bool(false) => "False".into(),
        Json::Number(n) => n.to_string(),
        Json::String(s) => {
            let quote = if s.contains('\'') && !s.contains('"') {
                '"'
            } else {
                '\''
            };
            let mut out = String::with_capacity(s.len() + 2);
            out.push(quote);
            for c in s.chars() {
                match c {
                    '\\' => out.push_str("\\\\"),
                    '\n' => out.push_str("\\n"),
                    '\r' => out.push_str("\\r"),
                    '\t' => out.push_str("\\t"),
                    c if c == quote => {
                        out.push('\\');
                        out.push(c);
                    }
                    c => out.push(c),
                }
            }
            out.push(quote);
            out
        }
        Json::Array(items) => format!(
            "[{}]",
            items.iter().map(py_repr).collect::<Vec<_>>().join(", ")
        ),
        Json::Object(m) => format!(
            "{{{}}}",
            m.iter()
                .map(|(k, v)| format!("{}: {}", py_repr(&Json::String(k.clone())), py_repr(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// RQ's default description (`get_call_string`): `func(repr(a), k=repr(v))` with the
/// keyword arguments sorted, each repr cut at 75 characters and marked `...`.
pub fn describe(func: &str, args: &[Json], kwargs: &Map<String, Json>) -> String {
    fn cut(s: String) -> String {
        match s.char_indices().nth(75) {
            Some((end, _)) => format!("{}...", &s[..end]),
            None => s,
        }
    }
    let mut named: Vec<String> = kwargs
        .iter()
        .map(|(k, v)| format!("{k}={}", cut(py_repr(v))))
        .collect();
    named.sort();
    let parts: Vec<String> = args.iter().map(|a| cut(py_repr(a))).chain(named).collect();
    format!("{func}({})", parts.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    fn hex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    #[test]
    fn reads_python_rq_pickle_protocol_5() {
        // zlib(pickle.dumps(('tasks.add', None, (1, 2), {'c': 3}), protocol=5)) from rq-layout §3.
        let raw = hex(
            "8005952000000000000000288c097461736b732e616464944e4b014b0286947d948c0163944b037374942e",
        );
        let call = decode_call(&compress(&raw), Decode::Strict).unwrap();
        assert_eq!(call.func, "tasks.add");
        assert_eq!(call.args, vec![json!(1), json!(2)]);
        assert_eq!(Json::Object(call.kwargs), json!({"c": 3}));
        assert!(!call.has_instance);
    }

    #[test]
    fn reads_python_rq_json_compressed_and_raw() {
        let z = hex(
            "789c8b562a492cce2ed64b4c4951d251c82bcdc9d1518836d451308ad551a8564a56b25230ae8d0500d83e0aac",
        );
        let call = decode_call(&z, Decode::Strict).unwrap();
        assert_eq!((call.func.as_str(), call.args.len()), ("tasks.add", 2));
        let raw = br#"["tasks.echo", null, ["plain"], {}]"#;
        assert_eq!(
            decode_call(raw, Decode::Strict).unwrap().args,
            vec![json!("plain")]
        );
    }

    #[test]
    fn reads_hand_written_protocol_2_with_list_args() {
        let call = decode_call(
            b"\x80\x02(X\x0a\x00\x00\x00tasks.echoN]K\x04a}t.",
            Decode::Strict,
        )
        .unwrap();
        assert_eq!(call.func, "tasks.echo");
        assert_eq!(call.args, vec![json!(4)]);
    }

    #[test]
    fn compress_matches_zlib_and_reuses_its_state() {
        let big: Vec<u8> = (0..100_000u32)
            .flat_map(|i| (i % 251).to_le_bytes())
            .collect();
        for input in [&b""[..], b"tasks.noop", &big] {
            assert!(
                decompress_lenient(&compress(input)) == input,
                "round trip of {} bytes",
                input.len()
            );
        }
        // Not zlib, or cut short: returned as it is (RQ's fallback).
        assert_eq!(decompress_lenient(b"[1, 2]"), b"[1, 2]");
        let z = compress(&big);
        assert!(
            decompress_lenient(&z[..z.len() / 2]) == z[..z.len() / 2],
            "a cut stream comes back raw"
        );
        // Small payloads are stored, larger ones deflated as Python's zlib.compress does.
        assert_eq!(compress(b"tasks.noop")[..3], [0x78, 0x01, 0x01]);
        assert_eq!(compress(&big)[..2], [0x78, 0x9c]);
        let edge = vec![7u8; STORED_MAX];
        assert_eq!(decompress_lenient(&compress(&edge)), edge);
    }

    #[test]
    fn a_zlib_bomb_is_an_error_not_gigabytes() {
        // 16 MiB of zeros compress to a few KiB; against a 1 MiB cap it is a bomb.
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), Compression::fast());
        std::io::Write::write_all(&mut z, &vec![0u8; 16 << 20]).unwrap();
        let bomb = z.finish().unwrap();
        assert!(bomb.len() < 1 << 20);
        assert!(matches!(
            inflate_within(&bomb, 1 << 20),
            Err(PayloadError::TooLarge(_))
        ));
        assert_eq!(inflate_within(&bomb, 32 << 20).unwrap().len(), 16 << 20);
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        assert!(decode_call(b"\x00\x01garbage", Decode::Lenient).is_err());
        assert!(decode_call(b"", Decode::Lenient).is_err());
        assert!(decode_call(b"[1, 2]", Decode::Lenient).is_err());
    }

    #[test]
    fn describes_like_rq() {
        let kw = json!({"c": 3, "s": "it's"});
        assert_eq!(
            describe("tasks.add", &[json!(1), json!(2)], kw.as_object().unwrap()),
            "tasks.add(1, 2, c=3, s=\"it's\")"
        );
        assert_eq!(describe("tasks.noop", &[], &Map::new()), "tasks.noop()");
        // Frappe's execute_job call, as RQ 1.15 wrote it for frappe.enqueue("frappe.ping").
        let kw = json!({"site": "lab.local", "user": "Administrator", "method": "frappe.ping", "event": null, "job_name": "frappe.ping", "is_async": true, "kwargs": {}});
        assert_eq!(
            describe(
                "frappe.utils.background_jobs.execute_job",
                &[],
                kw.as_object().unwrap()
            ),
            "frappe.utils.background_jobs.execute_job(event=None, is_async=True, job_name='frappe.ping', kwargs={}, method='frappe.ping', site='lab.local', user='Administrator')"
        );
        let long = "x".repeat(80);
        assert_eq!(
            describe("t.f", &[json!(long)], &Map::new()),
            format!("t.f('{}...)", "x".repeat(74))
        );
    }

    fn json_value() -> impl Strategy<Value = Json> {
        let leaf = prop_oneof![
            Just(Json::Null),
            any::<bool>().prop_map(Json::Bool),
            any::<i64>().prop_map(Json::from),
            (-1e12f64..1e12).prop_map(Json::from),
            ".{0,12}".prop_map(Json::String),
        ];
        leaf.prop_recursive(3, 24, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Json::Array),
                prop::collection::btree_map("[a-z]{1,6}", inner, 0..4)
                    .prop_map(|m| Json::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #[test]
        fn call_round_trips_in_both_serializers(
            func in "[a-z]{1,8}(\\.[a-z_]{1,8}){0,3}",
            args in prop::collection::vec(json_value(), 0..4),
            kwargs in prop::collection::btree_map("[a-z_]{1,8}", json_value(), 0..4),
        ) {
            let kwargs: Map<String, Json> = kwargs.into_iter().collect();
            for ser in [Serializer::Pickle, Serializer::Json] {
                let data = encode_call(&func, &args, &kwargs, ser).unwrap();
                let call = decode_call(&data, Decode::Strict).unwrap();
                prop_assert_eq!(&call.func, &func);
                prop_assert_eq!(&call.args, &args);
                prop_assert_eq!(&call.kwargs, &kwargs);
            }
        }

        #[test]
        fn value_round_trips(v in json_value()) {
            for ser in [Serializer::Pickle, Serializer::Json] {
                let (back, lossy) = decode_value(&encode_value(&v, ser).unwrap(), Decode::Strict).unwrap();
                prop_assert_eq!(&back, &v);
                prop_assert!(!lossy);
            }
        }
    }
}
