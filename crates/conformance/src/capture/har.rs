//! HAR captures: `log.entries` deserialized one entry at a time by a serde visitor, each entry
//! read through a byte budget of [`Limits::max_exchange_bytes`]; bodies declared base64 are
//! decoded by the `base64` crate.

use std::borrow::Cow;
use std::fmt;
use std::io::{self, BufRead};

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

use super::{http_status, Body, CaptureError, Exchange, Limits, RECORDED_HEADERS};

#[derive(Deserialize)]
struct HarEntry {
    request: HarRequest,
    response: HarResponse,
}

#[derive(Deserialize)]
struct HarRequest {
    method: String,
    url: String,
    #[serde(default)]
    headers: Vec<HarHeader>,
    #[serde(rename = "postData", default)]
    post_data: Option<HarText>,
}

#[derive(Deserialize)]
struct HarResponse {
    status: i64,
    #[serde(default)]
    headers: Vec<HarHeader>,
    #[serde(default)]
    content: Option<HarText>,
}

#[derive(Deserialize)]
struct HarHeader {
    name: String,
    value: String,
}

#[derive(Deserialize)]
struct HarText {
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    encoding: Option<String>,
    #[serde(rename = "mimeType", default)]
    mime_type: Option<String>,
}

impl HarText {
    /// The body and its content type (`mimeType`, else the `Content-Type` header); `Err` (the
    /// reason) for a body declared base64 that is not.
    fn body(
        this: Option<HarText>,
        headers: &[(String, String)],
    ) -> Result<(Body, Option<String>), String> {
        let header = headers
            .iter()
            .find(|(name, _)| name == "content-type")
            .map(|(_, value)| value.clone());
        match this {
            None => Ok((Body::Absent, header)),
            Some(text) => {
                let content_type = text.mime_type.filter(|t| !t.is_empty()).or(header);
                let base64 = text
                    .encoding
                    .as_deref()
                    .is_some_and(|e| e.eq_ignore_ascii_case("base64"));
                let body = body_of_text(text.text, base64, content_type.as_deref())?;
                Ok((body, content_type))
            }
        }
    }
}

/// The [`RECORDED_HEADERS`] of a HAR header list, lowercase.
fn recorded(headers: Vec<HarHeader>) -> Vec<(String, String)> {
    headers
        .into_iter()
        .map(|h| (h.name.to_ascii_lowercase(), h.value))
        .filter(|(name, _)| RECORDED_HEADERS.contains(&name.as_str()))
        .collect()
}

type Handler<'h, E> = &'h mut dyn FnMut(Exchange) -> Result<(), E>;

/// Counts the bytes read since the last entry began (the visitor resets `used`) and fails the
/// read that goes over the limit, so that no HAR entry is read whole beyond it.
struct EntryBudget<'r> {
    inner: &'r mut dyn BufRead,
    used: std::rc::Rc<std::cell::Cell<usize>>,
    limit: usize,
}

/// The error [`EntryBudget`] fails a read with.
#[derive(Debug)]
struct OverBudget;

impl fmt::Display for OverBudget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("entry over the byte limit")
    }
}

impl std::error::Error for OverBudget {}

impl io::Read for EntryBudget<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let left = self.limit.saturating_sub(self.used.get());
        if left == 0 {
            return Err(io::Error::other(OverBudget));
        }
        let wanted = buf.len().min(left);
        let read = self.inner.read(&mut buf[..wanted])?;
        self.used.set(self.used.get() + read);
        Ok(read)
    }
}

/// Streams `log.entries` of a HAR file, one entry at a time.
pub(super) fn read<E: From<CaptureError>>(
    reader: &mut dyn BufRead,
    limits: Limits,
    mut handle: Handler<'_, E>,
) -> Result<(), E> {
    let mut stopped: Option<E> = None;
    let mut count: u64 = 0;
    let used = std::rc::Rc::new(std::cell::Cell::new(0));
    // One byte more than the limit: an entry of exactly the limit still parses.
    let budget = EntryBudget {
        inner: reader,
        used: std::rc::Rc::clone(&used),
        limit: limits.max_exchange_bytes.saturating_add(1),
    };
    let mut deserializer = serde_json::Deserializer::from_reader(budget);
    let result = HarSeed {
        level: Level::Root,
        handle: &mut handle,
        stopped: &mut stopped,
        count: &mut count,
        used: &used,
    }
    .deserialize(&mut deserializer)
    .and_then(|found| {
        deserializer.end()?;
        Ok(found)
    });
    if let Some(error) = stopped {
        return Err(error);
    }
    if used.get() > limits.max_exchange_bytes {
        return Err(E::from(CaptureError(format!(
            "entry {}: longer than {} bytes, the limit on one exchange (--max-exchange-bytes)",
            count + 1,
            limits.max_exchange_bytes
        ))));
    }
    match result {
        Ok(true) => Ok(()),
        Ok(false) => Err(E::from(CaptureError(
            "not a HAR file: no log.entries array".into(),
        ))),
        Err(error) => Err(E::from(CaptureError(format!(
            "malformed HAR file{}: {error}",
            if count > 0 {
                format!(" (after entry {count})")
            } else {
                String::new()
            }
        )))),
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Level {
    Root,
    Log,
    Entries,
}

struct HarSeed<'a, 'h, E> {
    level: Level,
    handle: &'a mut Handler<'h, E>,
    stopped: &'a mut Option<E>,
    count: &'a mut u64,
    /// Bytes read since the last entry ended ([`EntryBudget`]).
    used: &'a std::rc::Rc<std::cell::Cell<usize>>,
}

impl<'de, E: From<CaptureError>> DeserializeSeed<'de> for HarSeed<'_, '_, E> {
    /// Whether `log.entries` was found.
    type Value = bool;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<bool, D::Error> {
        if self.level == Level::Entries {
            deserializer.deserialize_seq(self)
        } else {
            deserializer.deserialize_map(self)
        }
    }
}

impl<'de, E: From<CaptureError>> Visitor<'de> for HarSeed<'_, '_, E> {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self.level {
            Level::Root => "a HAR object with a `log` member",
            Level::Log => "the HAR `log` object",
            Level::Entries => "the HAR `log.entries` array",
        })
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<bool, A::Error> {
        let (wanted, next) = match self.level {
            Level::Root => ("log", Level::Log),
            _ => ("entries", Level::Entries),
        };
        let mut found = false;
        while let Some(key) = map.next_key::<String>()? {
            if key == wanted {
                found |= map.next_value_seed(HarSeed {
                    level: next,
                    handle: &mut *self.handle,
                    stopped: &mut *self.stopped,
                    count: &mut *self.count,
                    used: self.used,
                })?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(found)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<bool, A::Error> {
        while let Some(entry) = seq.next_element::<HarEntry>()? {
            *self.count += 1;
            self.used.set(0);
            // HAR's 0 means "no response"; anything else must be a status to check against.
            let status = match entry.response.status {
                0 => None,
                status => match http_status(status) {
                    Some(status) => Some(status),
                    None => {
                        *self.stopped = Some(E::from(CaptureError(format!(
                            "entry {}: response status {status} is not an HTTP status (100-999, or 0 for no response)",
                            self.count
                        ))));
                        return Err(de::Error::custom("stopped"));
                    }
                },
            };
            let request_headers = recorded(entry.request.headers);
            let response_headers = recorded(entry.response.headers);
            let bodies = HarText::body(entry.request.post_data, &request_headers)
                .map_err(|reason| format!("`request.postData`: {reason}"))
                .and_then(|request| {
                    HarText::body(entry.response.content, &response_headers)
                        .map(|response| (request, response))
                        .map_err(|reason| format!("`response.content`: {reason}"))
                });
            let ((request_body, request_content_type), (response_body, response_content_type)) =
                match bodies {
                    Ok(bodies) => bodies,
                    Err(reason) => {
                        *self.stopped = Some(E::from(CaptureError(format!(
                            "entry {}: {reason}",
                            self.count
                        ))));
                        return Err(de::Error::custom("stopped"));
                    }
                };
            let exchange = Exchange {
                position: format!("entry {}", self.count),
                method: entry.request.method,
                path: entry.request.url,
                status,
                request_body,
                response_body,
                request_content_type,
                response_content_type,
                request_headers,
                response_headers,
            };
            if let Err(error) = (self.handle)(exchange) {
                *self.stopped = Some(error);
                return Err(de::Error::custom("stopped"));
            }
        }
        Ok(true)
    }
}

/// A HAR body from its text: `Err` (the reason) when it is declared base64 but is not base64, which is
/// the capture's fault, not the vendor's.
fn body_of_text(
    text: Option<String>,
    base64: bool,
    content_type: Option<&str>,
) -> Result<Body, String> {
    let Some(text) = text else {
        return Ok(Body::Absent);
    };
    let text = if base64 {
        match String::from_utf8(decode_base64(&text)?) {
            Ok(decoded) => decoded,
            Err(_) => {
                return Ok(Body::NotJson(
                    "body is base64 of bytes that are not UTF-8 text".into(),
                ))
            }
        }
    } else {
        text
    };
    Ok(Body::from_captured(Cow::Owned(text), content_type))
}

/// A HAR body's base64 (RFC 4648, standard or URL-safe alphabet, padding optional, line breaks
/// ignored), through the `base64` crate: text no encoder could have written (`A`, a bad last
/// symbol) is refused, never read as an empty or shortened body.
fn decode_base64(text: &str) -> Result<Vec<u8>, String> {
    use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
    use base64::Engine as _;
    const LENIENT: GeneralPurposeConfig =
        GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent);
    const STANDARD: GeneralPurpose = GeneralPurpose::new(&base64::alphabet::STANDARD, LENIENT);
    const URL_SAFE: GeneralPurpose = GeneralPurpose::new(&base64::alphabet::URL_SAFE, LENIENT);
    let compact: Vec<u8> = text
        .bytes()
        .filter(|byte| !matches!(byte, b'\r' | b'\n' | b' ' | b'\t'))
        .collect();
    let engine = if compact.iter().any(|byte| matches!(byte, b'-' | b'_')) {
        &URL_SAFE
    } else {
        &STANDARD
    };
    engine.decode(&compact).map_err(|error| {
        format!(
            "declared base64 (`encoding: base64`) but is not base64 ({} bytes): {error}",
            compact.len()
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64() {
        assert_eq!(decode_base64("eyJhIjoxfQ==").unwrap(), b"{\"a\":1}");
        assert_eq!(decode_base64("eyJhIjox\r\nfQ").unwrap(), b"{\"a\":1}");
        assert_eq!(decode_base64("-_8").unwrap(), [0xfb, 0xff]);
        for impossible in ["*", "A", "AB==", "eyJhIjoxfQ=x"] {
            assert!(decode_base64(impossible).is_err(), "{impossible}");
        }
    }
}
