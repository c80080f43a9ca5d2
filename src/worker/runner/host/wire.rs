//! Bytes on the two kinds of channel between the worker and the Python host.
//!
//! The control socket is a `SOCK_SEQPACKET` pair, so each JSON message arrives whole
//! and file descriptors travel with the message that names them. Job channels are
//! stream sockets carrying frames `u32 length | u8 kind | body`, big-endian; the length
//! counts the body only.

use std::io::{self, IoSlice, IoSliceMut};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};

use nix::sys::socket::{self, AddressFamily, ControlMessageOwned, MsgFlags, SockFlag, SockType};
use serde::{Deserialize, Serialize};
use tokio::io::unix::AsyncFd;

/// Bytes of a frame header.
pub(super) const HEADER: usize = 5;
/// Frame kind: worker to child, run this job.
pub(super) const RUN: u8 = b'R';
/// Frame kind: child to worker, the job returned (body: u64 RSS, serialized value).
pub(super) const OK: u8 = b'O';
/// Frame kind: child to worker, the job raised (body: u64 RSS, traceback text).
pub(super) const ERR: u8 = b'E';
/// The largest frame a child may send: Redis keeps no bigger value.
pub(super) const MAX_FRAME: usize = 512 << 20;
/// The largest control message; they are small JSON objects.
const MAX_CONTROL: usize = 64 * 1024;

/// A control message from the host.
#[derive(Debug, Deserialize, PartialEq)]
#[serde(tag = "op", rename_all = "snake_case")]
pub(super) enum FromHost {
    Ready {
        pid: i32,
        python: String,
        seconds: f64,
        rss: u64,
    },
    PreloadFailed {
        module: String,
        traceback: String,
    },
    /// A child forked for request `seq`; its channel, stdout and stderr come attached.
    Child {
        seq: u64,
        pid: i32,
    },
    SpawnFailed {
        seq: u64,
        error: String,
    },
    Exited {
        pid: i32,
        code: Option<i32>,
        signal: Option<i32>,
    },
}

/// A control message to the host.
#[derive(Debug, Serialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub(super) enum ToHost {
    /// Fork a child that runs up to `max_jobs` jobs (0: until its channel closes).
    Spawn { seq: u64, max_jobs: u64 },
}

/// The worker's end of the control socket and the host's, which becomes its fd 3.
pub(super) fn control_pair() -> io::Result<(AsyncFd<OwnedFd>, OwnedFd)> {
    let (ours, theirs) = socket::socketpair(
        AddressFamily::Unix,
        SockType::SeqPacket,
        None,
        SockFlag::SOCK_CLOEXEC,
    )?;
    set_nonblocking(ours.as_raw_fd())?;
    // SAFETY: `ours` is an open socket owned by the AsyncFd from here on, and an
    // OwnedFd always answers the same descriptor.
    let ours = unsafe { AsyncFd::register(ours) }.map_err(io::Error::from)?;
    Ok((ours, theirs))
}

fn set_nonblocking(fd: RawFd) -> io::Result<()> {
    // SAFETY: fcntl on a descriptor this process owns; no memory is passed.
    unsafe {
        let flags = libc::fcntl(fd, libc::F_GETFL);
        if flags < 0 || libc::fcntl(fd, libc::F_SETFL, flags | libc::O_NONBLOCK) < 0 {
            return Err(io::Error::last_os_error());
        }
    }
    Ok(())
}

/// Sends one control message.
pub(super) async fn send(ctl: &AsyncFd<OwnedFd>, msg: &ToHost) -> io::Result<()> {
    let data = serde_json::to_vec(msg).map_err(io::Error::other)?;
    loop {
        let mut guard = ctl.writable().await?;
        match guard.try_io(|fd| {
            socket::sendmsg::<()>(
                fd.as_raw_fd(),
                &[IoSlice::new(&data)],
                &[],
                MsgFlags::MSG_NOSIGNAL,
                None,
            )
            .map_err(io::Error::from)
        }) {
            Ok(r) => return r.map(|_| ()),
            Err(_would_block) => continue,
        }
    }
}

/// Receives one control message and the descriptors sent with it; `None` once the host
/// has closed its end.
pub(super) async fn recv(ctl: &AsyncFd<OwnedFd>) -> io::Result<Option<(FromHost, Vec<OwnedFd>)>> {
    loop {
        let mut guard = ctl.readable().await?;
        match guard.try_io(|fd| recv_once(fd.as_raw_fd())) {
            Ok(r) => return r,
            Err(_would_block) => continue,
        }
    }
}

fn recv_once(fd: RawFd) -> io::Result<Option<(FromHost, Vec<OwnedFd>)>> {
    let mut buf = vec![0u8; MAX_CONTROL];
    let mut space = nix::cmsg_space!([RawFd; 8]);
    let (len, fds, truncated) = {
        let mut iov = [IoSliceMut::new(&mut buf)];
        let msg =
            socket::recvmsg::<()>(fd, &mut iov, Some(&mut space), MsgFlags::MSG_CMSG_CLOEXEC)?;
        let mut fds = Vec::new();
        for c in msg.cmsgs()? {
            if let ControlMessageOwned::ScmRights(raw) = c {
                // SAFETY: the kernel just installed these descriptors in this process
                // for this message; nothing else owns them.
                fds.extend(raw.into_iter().map(|r| unsafe { OwnedFd::from_raw_fd(r) }));
            }
        }
        let truncated = msg
            .flags
            .intersects(MsgFlags::MSG_TRUNC | MsgFlags::MSG_CTRUNC);
        (msg.bytes, fds, truncated)
    };
    if len == 0 && fds.is_empty() {
        return Ok(None);
    }
    if truncated {
        return Err(io::Error::other(
            "a control message from the Python host was cut short",
        ));
    }
    let msg = serde_json::from_slice(&buf[..len]).map_err(|e| {
        io::Error::other(format!(
            "unreadable control message from the Python host ({e}): {}",
            String::from_utf8_lossy(&buf[..len.min(200)])
        ))
    })?;
    Ok(Some((msg, fds)))
}

/// The header and fixed fields of a RUN frame; the job's data follows it on the wire.
pub(super) fn run_header(
    id: &str,
    json: bool,
    timeout_secs: u32,
    data_len: usize,
) -> io::Result<Vec<u8>> {
    let body = 1 + 4 + 4 + id.len() + data_len;
    let len = u32::try_from(body)
        .ok()
        .filter(|n| (*n as usize) <= MAX_FRAME)
        .ok_or_else(|| {
            io::Error::other(format!("job data of {data_len} bytes is too large to run"))
        })?;
    let id_len = u32::try_from(id.len()).map_err(io::Error::other)?;
    let mut h = Vec::with_capacity(HEADER + 9 + id.len());
    h.extend_from_slice(&len.to_be_bytes());
    h.push(RUN);
    h.push(u8::from(json));
    h.extend_from_slice(&timeout_secs.to_be_bytes());
    h.extend_from_slice(&id_len.to_be_bytes());
    h.extend_from_slice(id.as_bytes());
    Ok(h)
}

/// A frame taken whole from the front of `buf`.
#[derive(Debug, PartialEq)]
pub(super) enum Frame {
    /// `OK` or `ERR` with the child's resident memory and the payload.
    Result {
        ok: bool,
        rss: u64,
        payload: Vec<u8>,
    },
}

/// Why a child's bytes cannot be used.
#[derive(Debug, PartialEq, thiserror::Error)]
pub(super) enum FrameError {
    #[error("the job's result is {0} bytes; bench keeps at most {MAX_FRAME} (Redis' own limit)")]
    TooLarge(usize),
    #[error("the Python child sent an unknown frame kind {0}")]
    Kind(u8),
    #[error("the Python child sent a result frame of {0} bytes, too short to hold one")]
    Short(usize),
}

/// Takes one complete frame off the front of `buf`, if there is one.
pub(super) fn take_frame(buf: &mut Vec<u8>) -> Result<Option<Frame>, FrameError> {
    if buf.len() < HEADER {
        return Ok(None);
    }
    let len = u32::from_be_bytes([buf[0], buf[1], buf[2], buf[3]]) as usize;
    if len > MAX_FRAME {
        return Err(FrameError::TooLarge(len));
    }
    let kind = buf[4];
    if kind != OK && kind != ERR {
        return Err(FrameError::Kind(kind));
    }
    if len < 8 {
        return Err(FrameError::Short(len));
    }
    if buf.len() < HEADER + len {
        // Room for the rest at once, so a big result is not grown step by step.
        buf.reserve(HEADER + len - buf.len());
        return Ok(None);
    }
    let mut rss = [0u8; 8];
    rss.copy_from_slice(&buf[HEADER..HEADER + 8]);
    let payload = buf[HEADER + 8..HEADER + len].to_vec();
    buf.drain(..HEADER + len);
    Ok(Some(Frame::Result {
        ok: kind == OK,
        rss: u64::from_be_bytes(rss),
        payload,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(kind: u8, rss: u64, payload: &[u8]) -> Vec<u8> {
        let mut v = ((8 + payload.len()) as u32).to_be_bytes().to_vec();
        v.push(kind);
        v.extend_from_slice(&rss.to_be_bytes());
        v.extend_from_slice(payload);
        v
    }

    #[test]
    fn frames_are_taken_whole_and_only_whole() {
        let mut all = frame(OK, 7, b"value");
        all.extend(frame(ERR, 9, b"Traceback"));
        let mut buf = Vec::new();
        let mut got = Vec::new();
        for b in all {
            buf.push(b);
            while let Some(f) = take_frame(&mut buf).unwrap() {
                got.push(f);
            }
        }
        assert_eq!(
            got,
            [
                Frame::Result {
                    ok: true,
                    rss: 7,
                    payload: b"value".to_vec()
                },
                Frame::Result {
                    ok: false,
                    rss: 9,
                    payload: b"Traceback".to_vec()
                },
            ]
        );
        assert!(buf.is_empty());
    }

    #[test]
    fn hostile_headers_are_errors_not_allocations() {
        let mut buf = vec![0xff, 0xff, 0xff, 0xff, OK];
        assert!(matches!(take_frame(&mut buf), Err(FrameError::TooLarge(_))));
        let mut buf = vec![0, 0, 0, 1, b'Z', 0];
        assert_eq!(take_frame(&mut buf), Err(FrameError::Kind(b'Z')));
        let mut buf = vec![0, 0, 0, 3, OK, 0, 0, 0];
        assert_eq!(take_frame(&mut buf), Err(FrameError::Short(3)));
    }

    #[test]
    fn control_messages_parse() {
        let m: FromHost = serde_json::from_str(r#"{"op":"exited","pid":5,"signal":11}"#).unwrap();
        assert_eq!(
            m,
            FromHost::Exited {
                pid: 5,
                code: None,
                signal: Some(11)
            }
        );
        let s = serde_json::to_string(&ToHost::Spawn {
            seq: 3,
            max_jobs: 1,
        })
        .unwrap();
        assert_eq!(s, r#"{"op":"spawn","seq":3,"max_jobs":1}"#);
    }
}
