//! The Lua scripts behind every multi-key job transition, loaded once per process.
//!
//! Each script is `keys::lua_prelude()` + `lib.lua` + its own file, so helpers and
//! key prefixes are shared without Redis having an include mechanism. `redis::Script`
//! sends EVALSHA and loads the source on NOSCRIPT (after a Redis restart, say).

use std::sync::OnceLock;

use redis::Script;

use super::keys;

/// Every script bench runs.
pub struct Scripts {
    pub enqueue: Script,
    pub claim: Script,
    pub finish: Script,
    pub giveback: Script,
    pub reap: Script,
    pub lease: Script,
    pub fire: Script,
    pub promote: Script,
    pub requeue: Script,
    pub purge: Script,
    pub cancel: Script,
}

fn build(body: &str) -> Script {
    Script::new(&format!(
        "{}{}{}",
        keys::lua_prelude(),
        include_str!("lua/lib.lua"),
        body
    ))
}

/// The process-wide script set.
pub fn scripts() -> &'static Scripts {
    static SCRIPTS: OnceLock<Scripts> = OnceLock::new();
    SCRIPTS.get_or_init(|| Scripts {
        enqueue: build(include_str!("lua/enqueue.lua")),
        claim: build(include_str!("lua/claim.lua")),
        finish: build(include_str!("lua/finish.lua")),
        giveback: build(include_str!("lua/giveback.lua")),
        reap: build(include_str!("lua/reap.lua")),
        lease: build(include_str!("lua/lease.lua")),
        fire: build(include_str!("lua/fire.lua")),
        promote: build(include_str!("lua/promote.lua")),
        requeue: build(include_str!("lua/requeue.lua")),
        purge: build(include_str!("lua/purge.lua")),
        cancel: build(include_str!("lua/cancel.lua")),
    })
}
