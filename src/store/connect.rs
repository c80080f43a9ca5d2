//! Opening connections: the one place a Redis URL becomes a client, so Sentinel or
//! Cluster support can be added here without touching any caller.

use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig, MultiplexedConnection, PubSub};
use redis::{AsyncConnectionConfig, Client, IntoConnectionInfo};

use super::StoreError;
pub use crate::config::redact_url as redact;

/// How long an ordinary command may take before bench calls the server unresponsive.
/// Bulk scripts are chunked to stay far below it.
const RESPONSE_TIMEOUT: Duration = Duration::from_secs(30);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// A parsed Redis URL plus the client built from it.
#[derive(Clone)]
pub struct Endpoint {
    client: Client,
    shown: String,
}

impl Endpoint {
    /// Parses `redis://`, `rediss://` and `unix://` URLs with `user:password@` and `/db`.
    ///
    /// # Errors
    /// [`StoreError::BadUrl`] naming the URL (password hidden) and what is wrong.
    pub fn parse(url: &str) -> Result<Endpoint, StoreError> {
        let shown = redact(url);
        let info = url.into_connection_info().map_err(|e| StoreError::BadUrl {
            url: shown.clone(),
            reason: e.to_string(),
        })?;
        if url.starts_with("rediss://") {
            // rustls needs a process-wide crypto provider; installing twice is harmless.
            let _ = rustls::crypto::ring::default_provider().install_default();
        }
        let client = Client::open(info).map_err(|e| StoreError::BadUrl {
            url: shown.clone(),
            reason: e.to_string(),
        })?;
        Ok(Endpoint { client, shown })
    }

    /// The URL with any password replaced by `***`, for messages and logs.
    pub fn shown(&self) -> &str {
        &self.shown
    }

    /// A self-healing shared connection for ordinary commands.
    pub async fn manager(&self) -> Result<ConnectionManager, StoreError> {
        let cfg = ConnectionManagerConfig::new()
            .set_response_timeout(Some(RESPONSE_TIMEOUT))
            .set_connection_timeout(Some(CONNECT_TIMEOUT))
            .set_number_of_retries(2)
            .set_max_delay(Duration::from_secs(2));
        ConnectionManager::new_with_config(self.client.clone(), cfg)
            .await
            .map_err(|e| self.unreachable(e))
    }

    /// A connection of its own for a blocking command (BLMOVE), which would stall
    /// every other command queued behind it on a shared connection.
    pub async fn dedicated(&self) -> Result<MultiplexedConnection, StoreError> {
        let cfg = AsyncConnectionConfig::new()
            .set_response_timeout(None)
            .set_connection_timeout(Some(CONNECT_TIMEOUT));
        self.client
            .get_multiplexed_async_connection_with_config(&cfg)
            .await
            .map_err(|e| self.unreachable(e))
    }

    /// A pub/sub connection (worker commands from `rq`'s `send_*_command`).
    pub async fn pubsub(&self) -> Result<PubSub, StoreError> {
        self.client
            .get_async_pubsub()
            .await
            .map_err(|e| self.unreachable(e))
    }

    /// Turns a connection failure into an error that says where and what to check.
    pub fn unreachable(&self, e: redis::RedisError) -> StoreError {
        StoreError::Unreachable {
            url: self.shown.clone(),
            source: e,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_parse_or_say_why() {
        assert!(Endpoint::parse("redis://127.0.0.1:6379/3").is_ok());
        assert!(Endpoint::parse("rediss://user:pw@example.com:6380/0").is_ok());
        let err = Endpoint::parse("http://nope").err().unwrap().to_string();
        assert!(err.contains("http://nope"), "{err}");
    }
}
