//! Whether a server accepts connections, asked in PostgreSQL's own protocol.
//!
//! A TCP connect is not enough: Docker's port proxy accepts connections before the server
//! in the container listens, and a server still recovering accepts the socket but refuses
//! the session. `pg_isready` would answer correctly but is a client tool the host may not
//! have (the container runtimes need no host PostgreSQL at all), and running it in the
//! container costs a `docker exec` per poll. So this sends a startup packet itself and reads
//! the first reply, as libpq's ping does: an authentication request means accepting;
//! an error other than "cannot connect now" (SQLSTATE `57P03`) means the server is up and
//! answering (it would also refuse a real client for that reason); anything else, or no
//! answer within a second, means not (yet) ready.

use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpStream};
use std::time::Duration;

/// How long one probe waits to connect and for each read or write.
const PROBE_TIMEOUT: Duration = Duration::from_secs(1);

/// The startup packet: protocol 3.0, user `sqlrs`, database `postgres`.
fn startup_packet() -> Vec<u8> {
    let mut body = Vec::new();
    body.extend_from_slice(&196_608u32.to_be_bytes());
    for s in [
        "user",
        "sqlrs",
        "database",
        "postgres",
        "application_name",
        "sqlrs-ready",
    ] {
        body.extend_from_slice(s.as_bytes());
        body.push(0);
    }
    body.push(0);
    let len = u32::try_from(body.len() + 4).unwrap_or(u32::MAX);
    let mut packet = len.to_be_bytes().to_vec();
    packet.extend(body);
    packet
}

/// Whether the PostgreSQL server on 127.0.0.1:`port` accepts connections.
pub fn accepting_connections(port: u16) -> bool {
    probe(port).unwrap_or(false)
}

fn probe(port: u16) -> std::io::Result<bool> {
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let mut stream = TcpStream::connect_timeout(&addr, PROBE_TIMEOUT)?;
    stream.set_read_timeout(Some(PROBE_TIMEOUT))?;
    stream.set_write_timeout(Some(PROBE_TIMEOUT))?;
    stream.write_all(&startup_packet())?;
    let mut head = [0u8; 5];
    stream.read_exact(&mut head)?;
    let len = u32::from_be_bytes([head[1], head[2], head[3], head[4]]);
    let answer = match head[0] {
        b'R' => true,
        b'E' => {
            // An ErrorResponse is small; read at most 8 KiB of it.
            let body_len = usize::try_from(len.saturating_sub(4).min(8192)).unwrap_or(8192);
            let mut body = vec![0u8; body_len];
            stream.read_exact(&mut body)?;
            sqlstate(&body).is_some_and(|code| code != "57P03")
        }
        _ => false,
    };
    // Terminate, so the server does not log an unexpected EOF.
    let _ = stream.write_all(&[b'X', 0, 0, 0, 4]);
    Ok(answer)
}

/// The `C` (SQLSTATE) field of an ErrorResponse body.
fn sqlstate(body: &[u8]) -> Option<&str> {
    let mut rest = body;
    while let Some((&kind, tail)) = rest.split_first() {
        if kind == 0 {
            return None;
        }
        let end = tail.iter().position(|&b| b == 0)?;
        if kind == b'C' {
            return std::str::from_utf8(&tail[..end]).ok();
        }
        rest = &tail[end + 1..];
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_startup_packet_is_length_prefixed_and_terminated() {
        let p = startup_packet();
        assert_eq!(
            u32::from_be_bytes([p[0], p[1], p[2], p[3]]) as usize,
            p.len()
        );
        assert_eq!(&p[4..8], &196_608u32.to_be_bytes());
        assert!(p.ends_with(b"sqlrs-ready\0\0"));
    }

    #[test]
    fn the_sqlstate_is_read_from_an_error_body() {
        let body = b"SFATAL\0VFATAL\0C57P03\0Mthe database system is starting up\0\0";
        assert_eq!(sqlstate(body), Some("57P03"));
        assert_eq!(sqlstate(b"SFATAL\0\0"), None);
        assert_eq!(sqlstate(b"SFATAL"), None);
    }

    #[test]
    fn nothing_listening_is_not_ready() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        drop(listener);
        assert!(!accepting_connections(port));
    }

    #[test]
    fn a_socket_that_closes_at_once_is_not_ready() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let server = std::thread::spawn(move || {
            let (conn, _) = listener.accept().unwrap();
            drop(conn);
        });
        assert!(!accepting_connections(port));
        server.join().unwrap();
    }
}
