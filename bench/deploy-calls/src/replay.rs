//! A replaying endpoint that answers in parallel: AWS's answers to a plan, recorded by
//! `fault_proxy.py` from the emulator, served back each after a fixed latency, every connection on
//! a thread of its own. The Python proxy replayed them itself before, but one interpreter answers
//! about 160 requests a second, which bounded a 3,000-call plan at ~19 s whatever the client did;
//! this server spends microseconds a request, so the client and the latency are what is measured.
//!
//! A request is the recorded one when its account, method, path and body are the same (the
//! proxy's key): the account is found from the access key that signs it, the base identity's or
//! one a replayed AssumeRole answer handed out. HTTP/1.1 with `Content-Length` bodies only (what the
//! SDK sends for these reads; anything else closes the connection); a request never recorded is
//! answered 599 and counted as a miss, so a benchmark that reports no misses measured only
//! recorded answers.

use serde_json::Value;
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// (account, method, path, body) — the key `fault_proxy.py` records under.
type Key = (String, String, String, Vec<u8>);

/// One recorded answer.
struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

struct Recording {
    answers: HashMap<Key, Answer>,
    account_of_key: HashMap<String, String>,
}

/// A running replay server: its address, its misses so far, and the latency it answers with.
#[derive(Debug)]
pub struct Replay {
    pub endpoint: String,
    misses: Arc<AtomicU64>,
    latency_ms: Arc<AtomicU64>,
}

impl Replay {
    /// Serves the recording `fault_proxy.py` dumped to `path` on a free loopback port.
    pub fn serve(path: &std::path::Path, latency: Duration) -> Result<Replay, String> {
        let latency_ms = Arc::new(AtomicU64::new(
            u64::try_from(latency.as_millis()).unwrap_or(u64::MAX),
        ));
        let answering = latency_ms.clone();
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read the recording {}: {e}", path.display()))?;
        let recording = Arc::new(parse(&text)?);
        let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
        let port = listener.local_addr().map_err(|e| e.to_string())?.port();
        let misses = Arc::new(AtomicU64::new(0));
        let counted = misses.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (recording, misses) = (recording.clone(), counted.clone());
                let latency = answering.clone();
                std::thread::spawn(move || serve_connection(stream, &recording, &misses, &latency));
            }
        });
        Ok(Replay {
            endpoint: format!("http://127.0.0.1:{port}"),
            misses,
            latency_ms,
        })
    }

    /// Answers every request from now on `latency` late.
    pub fn set_latency(&self, latency: Duration) {
        let ms = u64::try_from(latency.as_millis()).unwrap_or(u64::MAX);
        self.latency_ms.store(ms, Ordering::Relaxed);
    }

    pub fn misses(&self) -> u64 {
        self.misses.load(Ordering::Relaxed)
    }
}

fn hex(text: &str) -> Result<Vec<u8>, String> {
    let digit = |c: u8| match c {
        b'0'..=b'9' => Ok(c - b'0'),
        b'a'..=b'f' => Ok(c - b'a' + 10),
        _ => Err(format!("not hex: {text:.40}")),
    };
    text.as_bytes()
        .chunks(2)
        .map(|pair| match pair {
            [hi, lo] => Ok(digit(*hi)? << 4 | digit(*lo)?),
            _ => Err(format!("odd hex: {text:.40}")),
        })
        .collect()
}

/// The proxy's dump: `{"answers": [[account, method, path, body_hex, status, [[k, v]…],
/// data_hex]…], "account_of_key": {akid: account}}`.
fn parse(text: &str) -> Result<Recording, String> {
    let bad = |what: &str| format!("the recording is not what fault_proxy.py dumps: {what}");
    let dump: Value = serde_json::from_str(text).map_err(|e| bad(&e.to_string()))?;
    let str_at = |v: &Value, i: usize| {
        v[i].as_str()
            .map(str::to_owned)
            .ok_or_else(|| bad("a field is not text"))
    };
    let mut answers = HashMap::new();
    for a in dump["answers"]
        .as_array()
        .ok_or_else(|| bad("no answers"))?
    {
        let key = (
            str_at(a, 0)?,
            str_at(a, 1)?,
            str_at(a, 2)?,
            hex(&str_at(a, 3)?)?,
        );
        let status = a[4]
            .as_u64()
            .and_then(|s| u16::try_from(s).ok())
            .ok_or_else(|| bad("a status is not a number"))?;
        let headers = a[5]
            .as_array()
            .ok_or_else(|| bad("headers are not a list"))?
            .iter()
            .map(|h| Ok((str_at(h, 0)?, str_at(h, 1)?)))
            .collect::<Result<_, String>>()?;
        let body = hex(&str_at(a, 6)?)?;
        answers.insert(
            key,
            Answer {
                status,
                headers,
                body,
            },
        );
    }
    let account_of_key = dump["account_of_key"]
        .as_object()
        .ok_or_else(|| bad("no account_of_key"))?
        .iter()
        .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_owned())))
        .collect();
    Ok(Recording {
        answers,
        account_of_key,
    })
}

/// One request read off the connection: method, path, the signing access key, body. `None` at
/// the end of the connection or on what this server does not read (counted as a miss).
fn read_request(reader: &mut BufReader<TcpStream>) -> Option<(String, String, String, Vec<u8>)> {
    let mut line = String::new();
    if reader.read_line(&mut line).ok()? == 0 {
        return None;
    }
    let mut parts = line.split_whitespace();
    let (method, path) = (parts.next()?.to_owned(), parts.next()?.to_owned());
    let (mut length, mut akid) = (0usize, String::new());
    loop {
        let mut header = String::new();
        reader.read_line(&mut header).ok()?;
        let header = header.trim_end();
        if header.is_empty() {
            break;
        }
        let (name, value) = header.split_once(':')?;
        let value = value.trim();
        match name.to_ascii_lowercase().as_str() {
            "content-length" => length = value.parse().ok()?,
            "transfer-encoding" => return None,
            "authorization" => {
                akid = value
                    .split_once("Credential=")
                    .and_then(|(_, c)| c.split('/').next())
                    .unwrap_or_default()
                    .to_owned();
            }
            _ => {}
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    Some((method, path, akid, body))
}

fn serve_connection(
    stream: TcpStream,
    recording: &Recording,
    misses: &AtomicU64,
    latency_ms: &AtomicU64,
) {
    let _ = stream.set_nodelay(true);
    let Ok(mut writer) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(stream);
    while let Some((method, path, akid, body)) = read_request(&mut reader) {
        std::thread::sleep(Duration::from_millis(latency_ms.load(Ordering::Relaxed)));
        let account = recording.account_of_key.get(&akid).cloned().unwrap_or(akid);
        let answer = recording.answers.get(&(account, method, path, body));
        let head = match answer {
            Some(a) => {
                let mut head = format!("HTTP/1.1 {} Replayed\r\n", a.status);
                for (k, v) in &a.headers {
                    head.push_str(&format!("{k}: {v}\r\n"));
                }
                head + &format!("Content-Length: {}\r\n\r\n", a.body.len())
            }
            None => {
                misses.fetch_add(1, Ordering::Relaxed);
                "HTTP/1.1 599 Not Recorded\r\nContent-Length: 0\r\n\r\n".to_owned()
            }
        };
        let body = answer.map_or(&[][..], |a| &a.body);
        if writer.write_all(&[head.as_bytes(), body].concat()).is_err() {
            return;
        }
    }
}
