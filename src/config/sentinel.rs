//! `redis+sentinel://` URLs: the one spelling of "find the master through these
//! sentinels", whether it came from `[redis] url`, `[redis] sentinels` or a Frappe
//! bench's `redis_queue_sentinels`.
//!
//! `redis+sentinel://[user:password@]host[:port],host[:port]/master_name[/db]`
//! (`rediss+sentinel://` for TLS to sentinels and master alike). The credentials are
//! the master's, as in a `redis://` URL; the sentinels' own come from
//! `[redis] sentinel_username` and `sentinel_password`. A port left out is 26379.

/// The sentinels' default port.
pub const SENTINEL_PORT: u16 = 26379;

/// A parsed `redis+sentinel://` URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentinelUrl {
    pub nodes: Vec<(String, u16)>,
    pub master: String,
    pub db: i64,
    pub username: Option<String>,
    pub password: Option<String>,
    pub tls: bool,
}

/// Whether `url` names sentinels rather than one server.
pub fn is_sentinel(url: &str) -> bool {
    url.starts_with("redis+sentinel://") || url.starts_with("rediss+sentinel://")
}

/// Parses a `redis+sentinel://` URL, saying what is wrong otherwise.
///
/// # Errors
/// A message naming the part that is missing or malformed.
pub fn parse(url: &str) -> Result<SentinelUrl, String> {
    let (tls, rest) = if let Some(r) = url.strip_prefix("redis+sentinel://") {
        (false, r)
    } else if let Some(r) = url.strip_prefix("rediss+sentinel://") {
        (true, r)
    } else {
        return Err("not a redis+sentinel:// URL".into());
    };
    let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
    let (userinfo, hosts) = match authority.rsplit_once('@') {
        Some((u, h)) => (Some(u), h),
        None => (None, authority),
    };
    let nodes = hosts
        .split(',')
        .map(str::trim)
        .filter(|h| !h.is_empty())
        .map(node)
        .collect::<Result<Vec<_>, _>>()?;
    if nodes.is_empty() {
        return Err("no sentinel given; expected host[:port],host[:port] after ://".into());
    }
    let mut segments = path.split('/').filter(|s| !s.is_empty());
    let master = segments
        .next()
        .ok_or("no master name given; expected /<master name>[/db] after the sentinels")?
        .to_owned();
    let db = match segments.next() {
        None => 0,
        Some(d) => d
            .parse::<i64>()
            .ok()
            .filter(|d| (0..=65535).contains(d))
            .ok_or_else(|| format!("`{d}` is not a database number"))?,
    };
    if let Some(extra) = segments.next() {
        return Err(format!(
            "unexpected `/{extra}`; expected /<master name>[/db]"
        ));
    }
    // Credentials are decoded as redis:// decodes them.
    let (username, password) = match userinfo {
        None => (None, None),
        Some(u) => {
            let info = redis::IntoConnectionInfo::into_connection_info(
                format!("redis://{u}@localhost/").as_str(),
            )
            .map_err(|e| format!("bad credentials: {e}"))?;
            let r = info.redis_settings();
            (
                r.username().map(str::to_owned),
                r.password().map(str::to_owned),
            )
        }
    };
    Ok(SentinelUrl {
        nodes,
        master,
        db,
        username,
        password,
        tls,
    })
}

/// `host[:port]`, also `[v6]:port`.
fn node(h: &str) -> Result<(String, u16), String> {
    let (host, port) = match h.rsplit_once(':') {
        Some((host, port)) if !host.ends_with(':') && !port.contains(']') => {
            let port = port
                .parse::<u16>()
                .ok()
                .filter(|p| *p > 0)
                .ok_or_else(|| format!("`{h}`: `{port}` is not a port"))?;
            (host, port)
        }
        _ => (h, SENTINEL_PORT),
    };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    if host.is_empty() {
        return Err(format!("`{h}` has no host"));
    }
    Ok((host.to_owned(), port))
}

/// The URL for `nodes` and `master`, keeping the credentials, database and TLS of
/// `base` (a `redis://` or `rediss://` URL, whose host is not used).
pub fn compose(nodes: &[String], master: &str, base: Option<&str>) -> String {
    let base = base.unwrap_or("redis://");
    let (scheme, rest) = if let Some(r) = base.strip_prefix("rediss://") {
        ("rediss+sentinel", r)
    } else {
        (
            "redis+sentinel",
            base.strip_prefix("redis://").unwrap_or(""),
        )
    };
    let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
    let userinfo = authority
        .rsplit_once('@')
        .map(|(u, _)| format!("{u}@"))
        .unwrap_or_default();
    let db = path.split('/').find(|s| !s.is_empty());
    let mut url = format!("{scheme}://{userinfo}{}/{master}", nodes.join(","));
    if let Some(db) = db {
        url.push('/');
        url.push_str(db);
    }
    url
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_nodes_master_db_and_credentials() {
        let u = parse("redis+sentinel://:p%40ss@h1:26380,h2/mymaster/3").unwrap();
        assert_eq!(
            u.nodes,
            vec![("h1".to_owned(), 26380), ("h2".to_owned(), SENTINEL_PORT)]
        );
        assert_eq!((u.master.as_str(), u.db, u.tls), ("mymaster", 3, false));
        assert_eq!(u.password.as_deref(), Some("p@ss"));
        assert_eq!(u.username, None);
        let u = parse("rediss+sentinel://bob:pw@[::1]:5000/m").unwrap();
        assert_eq!(u.nodes, vec![("::1".to_owned(), 5000)]);
        assert_eq!((u.db, u.tls), (0, true));
        assert_eq!(u.username.as_deref(), Some("bob"));
    }

    #[test]
    fn says_what_is_wrong() {
        for (url, says) in [
            ("redis+sentinel:///m", "no sentinel"),
            ("redis+sentinel://h1", "no master name"),
            ("redis+sentinel://h1/m/x", "not a database"),
            ("redis+sentinel://h1:99999/m", "not a port"),
            ("redis+sentinel://h1/m/0/z", "unexpected"),
        ] {
            let e = parse(url).unwrap_err();
            assert!(e.contains(says), "{url}: {e}");
        }
    }

    #[test]
    fn composes_from_a_base_url() {
        let nodes = ["a:1".to_owned(), "b".to_owned()];
        assert_eq!(
            compose(&nodes, "mm", Some("redis://u:p@ignored:6379/2")),
            "redis+sentinel://u:p@a:1,b/mm/2"
        );
        assert_eq!(compose(&nodes, "mm", None), "redis+sentinel://a:1,b/mm");
        assert_eq!(
            compose(&nodes, "mm", Some("rediss://x")),
            "rediss+sentinel://a:1,b/mm"
        );
        let back = parse(&compose(&nodes, "mm", Some("redis://u:p@h/2"))).unwrap();
        assert_eq!((back.master.as_str(), back.db), ("mm", 2));
    }
}
