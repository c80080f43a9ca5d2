//! The Lua scripts behind every multi-key job transition, loaded once per process.
//!
//! Each script is `keys::lua_prelude()` + `lib.lua` + its own file, so helpers and
//! key prefixes are shared without Redis having an include mechanism. The prelude also
//! says which RQ layout the set writes (`RQ1`), so there is one set per layout.
//! `redis::Script` sends EVALSHA and loads the source on NOSCRIPT (after a Redis
//! restart, say).

use std::sync::OnceLock;

use redis::Script;

use super::{Layout, keys};

/// Every script bench runs.
pub struct Scripts {
    pub enqueue: Script,
    pub claim: Script,
    pub finish: Script,
    pub finish_claim: Script,
    pub giveback: Script,
    pub reap: Script,
    pub lease: Script,
    pub fire: Script,
    pub promote: Script,
    pub requeue: Script,
    pub purge: Script,
    pub cancel: Script,
    pub clean: Script,
    pub register: Script,
    pub ghosts: Script,
}

const FINISH: &str = include_str!("lua/finish.lua");
const CLAIM: &str = include_str!("lua/claim.lua");

fn build(layout: Layout, body: &str) -> Script {
    Script::new(&format!(
        "{}local RQ1 = {}\nlocal STATS_BUCKET, STATS_KEEP = {}, {}\n{}{}",
        keys::lua_prelude(),
        layout == Layout::Rq1,
        keys::STATS_BUCKET,
        keys::STATS_KEEP,
        include_str!("lua/lib.lua"),
        body
    ))
}

/// The process-wide script set for `layout`.
pub fn scripts(layout: Layout) -> &'static Scripts {
    static RQ1: OnceLock<Scripts> = OnceLock::new();
    static RQ2: OnceLock<Scripts> = OnceLock::new();
    let cell = match layout {
        Layout::Rq1 => &RQ1,
        Layout::Rq2 => &RQ2,
    };
    cell.get_or_init(|| {
        let build = |body: &str| build(layout, body);
        Scripts {
            enqueue: build(include_str!("lua/enqueue.lua")),
            claim: build(&format!("{CLAIM}return claim_jobs(1)\n")),
            finish: build(&format!(
                "{FINISH}local out, err, settle = finish_batch(1)\nif not out then return err end\nsettle()\nreturn out\n"
            )),
            // A busy slot's one round trip: its job's end and its next job in one call.
            // The ends are written by then, so a claim refused for a key of the wrong
            // type claims nothing here; the worker's own claim reports it.
            finish_claim: build(&format!(
                "{FINISH}{CLAIM}local out, after, settle = finish_batch(1)\nif not out then return after end\n\
                 local claim = claim_jobs(after)\nif claim.err then claim = {{ 0, {{}} }} end\n\
                 if #claim == 2 then settle() end\nreturn {{ out, claim }}\n"
            )),
            giveback: build(include_str!("lua/giveback.lua")),
            reap: build(include_str!("lua/reap.lua")),
            lease: build(include_str!("lua/lease.lua")),
            fire: build(include_str!("lua/fire.lua")),
            promote: build(include_str!("lua/promote.lua")),
            requeue: build(include_str!("lua/requeue.lua")),
            purge: build(include_str!("lua/purge.lua")),
            cancel: build(include_str!("lua/cancel.lua")),
            clean: build(include_str!("lua/clean.lua")),
            register: build(include_str!("lua/register.lua")),
            ghosts: build(include_str!("lua/ghosts.lua")),
        }
    })
}
