//! Encoding the whole workspace into a URL fragment and back: JSON, deflate, URL-safe base64.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

use crate::workspace::Workspace;

/// The fragment prefix of a share link; the digit is the format version.
pub const PREFIX: &str = "s1=";

/// The fragment prefix of an exercise link: `exercise=<id>`, optionally followed by `&s1=…` with the learner's files.
pub const EXERCISE_PREFIX: &str = "exercise=";

/// What a link's fragment opens.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Link {
    Workspace(Workspace),
    /// An exercise, with the learner's workspace when the link carries one.
    Exercise(String, Option<Workspace>),
}

/// A link to an exercise, carrying the learner's current work.
pub fn encode_exercise(id: &str, ws: &Workspace) -> String {
    format!("{EXERCISE_PREFIX}{id}&{}", encode(ws))
}

/// Decodes any fragment the app makes. `Ok(None)` when it is not one of ours.
pub fn decode_link(fragment: &str) -> Result<Option<Link>, String> {
    let fragment = fragment.trim_start_matches('#');
    if let Some(rest) = fragment.strip_prefix(EXERCISE_PREFIX) {
        let (id, data) = rest.split_once('&').unwrap_or((rest, ""));
        if id.is_empty() || !id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
            return Err("it names no valid exercise".into());
        }
        let ws = if data.is_empty() { None } else { decode(data)? };
        return Ok(Some(Link::Exercise(id.to_string(), ws)));
    }
    Ok(decode(fragment)?.map(Link::Workspace))
}

/// Decompressed links larger than this are refused, so a hostile link cannot exhaust memory.
const MAX_INFLATED: usize = 16 * 1024 * 1024;

pub fn encode(ws: &Workspace) -> String {
    let json = serde_json::to_vec(ws).unwrap_or_default();
    let packed = miniz_oxide::deflate::compress_to_vec(&json, 9);
    format!("{PREFIX}{}", URL_SAFE_NO_PAD.encode(packed))
}

/// Decodes a fragment (with or without `#`). `Ok(None)` when it is not a share link at all.
pub fn decode(fragment: &str) -> Result<Option<Workspace>, String> {
    let fragment = fragment.trim_start_matches('#');
    let Some(data) = fragment.strip_prefix(PREFIX) else {
        if fragment.starts_with('s') && fragment.contains('=') {
            return Err("it was made by an incompatible version of ngxplay".into());
        }
        return Ok(None);
    };
    let packed = URL_SAFE_NO_PAD
        .decode(data.trim_end_matches('='))
        .map_err(|_| "its data is not valid base64 (the link may have been cut off)".to_string())?;
    let json = miniz_oxide::inflate::decompress_to_vec_with_limit(&packed, MAX_INFLATED)
        .map_err(|_| "its data does not decompress (the link is probably truncated)".to_string())?;
    let ws: Workspace = serde_json::from_slice(&json)
        .map_err(|e| format!("its content is not a ngxplay workspace ({e})"))?;
    ws.validate()
        .map_err(|e| format!("its workspace is unusable: {e}"))?;
    Ok(Some(ws))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workspace::ConfigFile;

    fn sample() -> Workspace {
        Workspace {
            files: vec![
                ConfigFile {
                    path: "nginx.conf".into(),
                    text: "http { include conf.d/*.conf; }\n".into(),
                },
                ConfigFile {
                    path: "conf.d/a.conf".into(),
                    text: "server { listen 80; }\n".into(),
                },
            ],
            requests: "GET http://a.example/ \"header:X=a b\"\n".into(),
            static_files: "/var/www/index.html\n".into(),
            backends: "api down\n".into(),
            baseline: None,
        }
    }

    #[test]
    fn round_trip() {
        let ws = sample();
        let link = encode(&ws);
        assert!(link.starts_with(PREFIX));
        assert!(link
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_=".contains(&b)));
        assert_eq!(decode(&format!("#{link}")).unwrap(), Some(ws));
    }

    #[test]
    fn baselines_travel_and_old_links_still_open() {
        let mut ws = sample();
        // A link made before compare mode existed has no baseline field at all.
        let old = encode(&ws);
        assert!(!String::from_utf8(
            miniz_oxide::inflate::decompress_to_vec(&URL_SAFE_NO_PAD.decode(&old[PREFIX.len()..]).unwrap()).unwrap()
        )
        .unwrap()
        .contains("baseline"));
        assert_eq!(decode(&old).unwrap().unwrap().baseline, None);
        ws.baseline = Some(vec![ConfigFile {
            path: "nginx.conf".into(),
            text: "http { }\n".into(),
        }]);
        assert_eq!(decode(&encode(&ws)).unwrap(), Some(ws.clone()));
        assert_eq!(decode_link(&encode(&ws)).unwrap(), Some(Link::Workspace(ws)));
    }

    #[test]
    fn exercise_links_carry_an_id_and_maybe_work() {
        let ws = sample();
        let link = encode_exercise("location-priority", &ws);
        assert_eq!(
            decode_link(&format!("#{link}")).unwrap(),
            Some(Link::Exercise("location-priority".into(), Some(ws)))
        );
        assert_eq!(
            decode_link("#exercise=alias-vs-root").unwrap(),
            Some(Link::Exercise("alias-vs-root".into(), None))
        );
        assert!(decode_link("#exercise=").is_err());
        assert!(decode_link("#exercise=a&s1=@@").is_err());
        assert_eq!(decode_link("#top").unwrap(), None);
    }

    #[test]
    fn damaged_links_are_errors() {
        let link = encode(&sample());
        let cut = &link[..link.len() / 2];
        assert!(decode(cut).is_err());
        assert!(decode("s1=@@@").is_err());
        assert!(decode("s9=abc").is_err());
        assert_eq!(decode("").unwrap(), None);
        assert_eq!(decode("#section-2").unwrap(), None);
        let empty = Workspace {
            files: vec![],
            ..sample()
        };
        assert!(decode(&encode(&empty)).is_err());
    }
}
