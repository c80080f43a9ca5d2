//! The Redis ACL rule a bench user needs: every command bench sends (inside its Lua
//! scripts too, which Redis checks against the caller's rule), on `rq:*` keys and
//! `rq:pubsub:*` channels, and nothing else. `bench doctor --acl` prints it; a
//! refused command is explained against it instead of surfacing a bare NOPERM.

/// Commands bench sends, in Redis 7's ACL spelling (`container|subcommand`), each
/// with arguments shaped as bench sends them (`K` a key under `rq:`), for
/// [`Store::missing_permissions`] to ask Redis about.
pub const COMMANDS: &[(&str, &[&str])] = &[
    // connection, scripts, transactions
    ("ping", &[]),
    ("echo", &["x"]),
    ("select", &["0"]),
    ("eval", &["return 1", "0"]),
    (
        "evalsha",
        &["0000000000000000000000000000000000000000", "0"],
    ),
    ("script|load", &["return 1"]),
    ("multi", &[]),
    ("exec", &[]),
    // behind sentinels: the master's role is checked; with min_replicas_ack, WAIT
    ("role", &[]),
    ("wait", &["0", "0"]),
    // keys and strings
    ("del", &["K"]),
    ("exists", &["K"]),
    ("type", &["K"]),
    ("expire", &["K", "1"]),
    ("pexpire", &["K", "1"]),
    ("persist", &["K"]),
    ("ttl", &["K"]),
    ("pttl", &["K"]),
    ("scan", &["0"]),
    ("get", &["K"]),
    ("set", &["K", "v"]),
    ("incr", &["K"]),
    // hashes
    ("hget", &["K", "f"]),
    ("hset", &["K", "f", "v"]),
    ("hsetnx", &["K", "f", "v"]),
    ("hmset", &["K", "f", "v"]),
    ("hmget", &["K", "f"]),
    ("hgetall", &["K"]),
    ("hdel", &["K", "f"]),
    ("hexists", &["K", "f"]),
    ("hincrby", &["K", "f", "1"]),
    ("hincrbyfloat", &["K", "f", "1"]),
    // lists
    ("lpush", &["K", "v"]),
    ("rpush", &["K", "v"]),
    ("lpop", &["K"]),
    ("lrange", &["K", "0", "1"]),
    ("llen", &["K"]),
    ("lrem", &["K", "1", "v"]),
    ("ltrim", &["K", "0", "1"]),
    ("lindex", &["K", "0"]),
    ("blmove", &["K", "K", "LEFT", "RIGHT", "0"]),
    // sets
    ("sadd", &["K", "m"]),
    ("srem", &["K", "m"]),
    ("smembers", &["K"]),
    ("scard", &["K"]),
    ("sismember", &["K", "m"]),
    // sorted sets
    ("zadd", &["K", "1", "m"]),
    ("zrem", &["K", "m"]),
    ("zrange", &["K", "0", "1"]),
    ("zrangebyscore", &["K", "0", "1"]),
    ("zremrangebyscore", &["K", "0", "1"]),
    ("zcard", &["K"]),
    ("zcount", &["K", "0", "1"]),
    ("zscore", &["K", "m"]),
    ("zmscore", &["K", "m"]),
    ("zscan", &["K", "0"]),
    // streams (RQ 2's results)
    ("xadd", &["K", "*", "f", "v"]),
    ("xrange", &["K", "-", "+"]),
    ("xrevrange", &["K", "+", "-"]),
    // workers' command channel
    ("publish", &["rq:pubsub:acl-check", "m"]),
    ("subscribe", &["rq:pubsub:acl-check"]),
    ("unsubscribe", &[]),
];

/// The key the checks name: any key bench writes looks like it.
pub const CHECK_KEY: &str = "rq:acl-check";

/// The rule, ready for `ACL SETUSER <name> on ><password> <rule>`.
pub fn rule() -> String {
    let mut r = String::from("resetkeys ~rq:* resetchannels &rq:pubsub:* -@all");
    for (c, _) in COMMANDS {
        r.push_str(" +");
        r.push_str(c);
    }
    r
}

/// Asks Redis (`redis.acl_check_cmd`, Redis 7+) which of [`COMMANDS`] the user may
/// not run; an older Redis, which has no ACL check, answers none.
pub(super) const CHECK_SCRIPT: &str = r#"
if not redis.acl_check_cmd then return {} end
local missing = {}
local i = 1
while i <= #ARGV do
  local name, n = ARGV[i], tonumber(ARGV[i + 1])
  local args = {}
  for c in string.gmatch(name, '[^|]+') do args[#args + 1] = c end
  for j = 1, n do args[#args + 1] = ARGV[i + 1 + j] end
  local ok, allowed = pcall(redis.acl_check_cmd, unpack(args))
  if not ok or not allowed then missing[#missing + 1] = name end
  i = i + 2 + n
end
return missing
"#;

impl super::Store {
    /// The commands of [`COMMANDS`] this connection's Redis user may not run, checked
    /// in one round trip before anything is written: a refusal halfway through a
    /// script would leave a job half-changed.
    ///
    /// # Errors
    /// Redis failures, and a refused EVAL (explained like any NOPERM).
    async fn missing_permissions(&self) -> super::Result<Vec<String>> {
        let mut cmd = redis::cmd("EVAL");
        cmd.arg(CHECK_SCRIPT).arg(0);
        for (name, args) in COMMANDS {
            cmd.arg(*name).arg(args.len());
            for a in *args {
                cmd.arg(if *a == "K" { CHECK_KEY } else { a });
            }
        }
        Ok(cmd.query_async(&mut self.conn()).await?)
    }
}

/// Commands on the workers' command channel. Jobs run without them; only RQ's
/// stop-job, kill-horse and shutdown commands (and `bench jobs stop` of a running
/// job) go unheard. Frappe's `bench create-rq-users` grants no channel, so on Redis 7
/// its users lack them.
const CHANNEL: &[&str] = &["publish", "subscribe", "unsubscribe"];

/// Permissions a Redis user lacks, by what they cost.
#[derive(Debug, Default)]
pub struct Missing {
    /// Without these bench cannot work: a job could be refused halfway.
    pub required: Vec<String>,
    /// The workers' command channel (see [`channel_refused`]).
    pub channel: Vec<String>,
}

impl super::Store {
    /// What this connection's user lacks. ROLE is needed only behind sentinels, where
    /// a master is checked before it is written to.
    ///
    /// # Errors
    /// Redis failures, and a refused EVAL (explained like any NOPERM).
    pub async fn permissions(&self) -> super::Result<Missing> {
        let behind_sentinels = self.endpoint().is_sentinel();
        let (channel, required) = self
            .missing_permissions()
            .await?
            .into_iter()
            .filter(|m| behind_sentinels || m != "role")
            .partition(|m| CHANNEL.contains(&m.as_str()));
        Ok(Missing { required, channel })
    }

    /// Refuses to go on, naming what to grant, when the user lacks a permission a
    /// long-running service would otherwise discover halfway through a job. Returns
    /// the channel commands it lacks, for the caller to warn about.
    ///
    /// # Errors
    /// [`super::StoreError::Permissions`] with the explanation, or the Redis failure
    /// of the check itself.
    pub async fn check_permissions(&self) -> super::Result<Vec<String>> {
        let missing = self.permissions().await?;
        if missing.required.is_empty() {
            Ok(missing.channel)
        } else {
            Err(super::StoreError::Permissions(lacking(&missing.required)))
        }
    }
}

/// What a user without the command channel misses, and the grant that gives it.
pub fn channel_refused(missing: &[String]) -> String {
    format!(
        "the Redis user may not run {} on rq:pubsub:* channels (Frappe's `bench create-rq-users` grants none on Redis 7): jobs run, but `bench jobs stop` of a running job and RQ's stop-job, kill-horse and shutdown commands cannot reach workers; grant the channels with ACL SETUSER <user> &rq:pubsub:*",
        upper(missing)
    )
}

fn upper(commands: &[String]) -> String {
    commands
        .iter()
        .map(|m| m.to_ascii_uppercase())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The message for a user that lacks `missing`: what to grant.
pub fn lacking(missing: &[String]) -> String {
    format!(
        "the Redis user may not run {}; grant it bench's ACL rule, which `bench doctor --acl` prints: ACL SETUSER <user> {}",
        upper(missing),
        rule()
    )
}

/// What a NOPERM reply means for an operator: which permission is missing, and the
/// rule that grants everything bench needs.
pub fn explain(message: &str) -> String {
    let lower = message.to_ascii_lowercase();
    let missing = if let Some(cmd) = lower
        .split("to run the '")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
    {
        format!("permission to run {}", cmd.to_ascii_uppercase())
    } else if lower.contains("access a key") {
        "access to a key (bench uses keys matching rq:*)".to_owned()
    } else if lower.contains("access a channel") {
        "access to a channel (bench uses rq:pubsub:*)".to_owned()
    } else {
        "a permission".to_owned()
    };
    format!(
        "the Redis user lacks {missing} ({}); grant it bench's ACL rule, which `bench doctor --acl` prints: ACL SETUSER <user> {}",
        message.trim(),
        rule()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_what_is_missing() {
        let e = explain("NOPERM User bench has no permissions to run the 'xadd' command");
        assert!(e.contains("permission to run XADD"), "{e}");
        assert!(e.contains("~rq:*"), "{e}");
        let e = explain("NOPERM No permissions to access a key");
        assert!(e.contains("keys matching rq:*"), "{e}");
        assert!(rule().starts_with("resetkeys ~rq:* resetchannels &rq:pubsub:* -@all +ping"));
    }
}
