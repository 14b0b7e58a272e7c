//! Docker Compose port mappings (`ports:` entries), checked before they reach a compose file.
//!
//! Registry files used to carry ports as free text. A typo (`99999:80`, `8080:80/tpc`,
//! `::1:6001:80`) travelled unchecked into the generated compose file, where Compose rejected
//! the whole file with a message that names neither the registry file nor the entry. Parsing
//! here turns that into an error located at the entry when the registry is loaded, and gives
//! hsm typed access to the host port, container port and bind address it needs to export
//! connection variables.
//!
//! # Accepted forms
//!
//! Short syntax, `[HOST_IP:][HOST:]CONTAINER[/PROTOCOL]`, as a string or a YAML integer:
//!
//! | written               | meaning                                                        |
//! |-----------------------|----------------------------------------------------------------|
//! | `80`                  | container port 80, published on a host port Docker chooses     |
//! | `8000-8010`           | a container range, each on a host port Docker chooses          |
//! | `8080:80`             | host port 8080 to container port 80                            |
//! | `8000-8010:8000-8010` | ranges of the same length, port by port                        |
//! | `8000-8010:80`        | container port 80 on one free host port of the range           |
//! | `127.0.0.1:8080:80`   | bound to one host address                                      |
//! | `127.0.0.1::80`       | bound to one host address, host port chosen by Docker          |
//! | `[::1]:6001:80`       | IPv6 host addresses are written in brackets                    |
//! | `6060:6060/udp`       | protocol `tcp` (the default), `udp` or `sctp`, any case        |
//!
//! Long syntax, a mapping: `{target: 80, published: 8080 | "8000-8010", host_ip: 127.0.0.1,
//! protocol: tcp, mode: host | ingress, name: web, app_protocol: http}`; only `target` is
//! required. It becomes the same [`PortMapping`], with `mode`, `name` and `app_protocol` kept in
//! [`PortOptions`] so a generator can write them back.
//!
//! Entries holding a `$` (`"${PORT}:80"`, `"$PORT:80"`, `"${PORT:-8080}:80"`) are Compose or
//! hsm variable references that are only known later; they are kept verbatim as
//! [`PortSpec::Templated`]. Their placeholders must be closed, and a literal container side
//! (`"${PORT}:80"`) is still checked. A long-syntax entry with a `$` in `target`, `published`,
//! `host_ip` or `protocol` becomes [`PortSpec::Templated`] holding the equivalent short-syntax
//! text (`{target: 80, published: "${P}"}` gives `${P}:80`); it may then not set `mode`,
//! `name` or `app_protocol`, which short syntax cannot carry.
//!
//! # Where this is stricter than Compose
//!
//! * Port `0` is rejected everywhere, although Compose's parser accepts it. A container port
//!   `0` is meaningless, and for "let Docker choose the host port" omitting the host port says
//!   it plainly (`80`, `127.0.0.1::80`).
//! * IPv6 host addresses must be in brackets. Compose's parser (go-connections) has read
//!   `::1:6001:80` in two ways across versions (an error in v0.4, `[::1]:6001:80` later), and a
//!   reader cannot tell it from `[::1:6001]::80`; the error shows the bracketed spellings.
//! * No whitespace anywhere, no empty protocol (`80/`), digits only in ports (no `+80`).
//! * Long syntax: `x-` extension keys are rejected like any unknown key (this crate denies
//!   unknown fields everywhere), and `target` must be a single port, as in Compose.
//!
//! # The range rule
//!
//! As in Compose, a host range and a container range must have the same length, except that a
//! host range may go with a single container port: Docker then publishes that container port
//! on *one* free port of the host range (`8000-8010:80`). A single host port with a container
//! range (`8080:80-81`) is rejected.

use std::fmt;
use std::net::{IpAddr, Ipv6Addr};
use std::str::FromStr;

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::ser::{self, SerializeMap, Serializer};
use serde::{Deserialize, Serialize};

use crate::quote::{code, not_a};

const PORT_EXPECTED: &str = "expected a number from 1 to 65535";
const SHORT_FORMS: &str = "expected `CONTAINER`, `HOST:CONTAINER` or `HOST_IP:HOST:CONTAINER`, \
                           optionally followed by `/tcp`, `/udp` or `/sctp`";
const IP_EXPECTED: &str =
    "expected an IPv4 address such as `127.0.0.1` or an IPv6 address such as `[::1]`";

/// A transport protocol of a port mapping.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Protocol {
    /// `tcp` (Compose's default).
    Tcp,
    /// `udp`.
    Udp,
    /// `sctp`.
    Sctp,
}

impl Protocol {
    /// The lower-case name Compose expects.
    pub fn as_str(self) -> &'static str {
        match self {
            Protocol::Tcp => "tcp",
            Protocol::Udp => "udp",
            Protocol::Sctp => "sctp",
        }
    }

    /// Parses `tcp`, `udp` or `sctp` in any case (Compose lower-cases it too).
    pub fn parse(s: &str) -> Result<Self, String> {
        parse_protocol(s, s)
    }
}

fn parse_protocol(text: &str, whole: &str) -> Result<Protocol, String> {
    match text.to_ascii_lowercase().as_str() {
        "tcp" => Ok(Protocol::Tcp),
        "udp" => Ok(Protocol::Udp),
        "sctp" => Ok(Protocol::Sctp),
        _ => Err(format!(
            "{}: expected `tcp`, `udp` or `sctp`",
            not_a(text, whole, "a protocol")
        )),
    }
}

impl fmt::Display for Protocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Protocol {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Self::parse(s)
    }
}

impl Serialize for Protocol {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Protocol {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Protocol::parse(&text).map_err(de::Error::custom)
    }
}

/// A port or an inclusive range of ports, `80` or `8000-8010`. Never contains port 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PortRange {
    /// First port.
    pub start: u16,
    /// Last port (equal to `start` for a single port).
    pub end: u16,
}

impl PortRange {
    /// A checked range: both ends from 1 to 65535, `start <= end`.
    pub fn new(start: u16, end: u16) -> Result<Self, String> {
        for port in [start, end] {
            if port == 0 {
                return Err(format!("`0` is not a port: {PORT_EXPECTED}"));
            }
        }
        if end < start {
            return Err(format!(
                "`{start}-{end}` is not a port range: expected the lower port first, as in \
                 `{end}-{start}`"
            ));
        }
        Ok(Self { start, end })
    }

    /// A single port (checked: not 0).
    pub fn single(port: u16) -> Result<Self, String> {
        Self::new(port, port)
    }

    /// Parses `80` or `8000-8010`; `80-80` is the single port 80.
    pub fn parse(s: &str) -> Result<Self, String> {
        parse_range(s, s)
    }

    /// How many ports the range holds (1 for a single port).
    pub fn port_count(self) -> u32 {
        u32::from(self.end) - u32::from(self.start) + 1
    }

    /// Whether it is a single port.
    pub fn is_single(self) -> bool {
        self.start == self.end
    }

    /// Whether `port` is in the range.
    pub fn contains(self, port: u16) -> bool {
        (self.start..=self.end).contains(&port)
    }
}

impl fmt::Display for PortRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_single() {
            write!(f, "{}", self.start)
        } else {
            write!(f, "{}-{}", self.start, self.end)
        }
    }
}

impl FromStr for PortRange {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Self::parse(s)
    }
}

fn parse_port(text: &str, whole: &str) -> Result<u16, String> {
    let number = if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
        text.parse::<u64>().ok()
    } else {
        None
    };
    match number.and_then(|n| u16::try_from(n).ok()) {
        Some(port) if port > 0 => Ok(port),
        _ => Err(format!("{}: {PORT_EXPECTED}", not_a(text, whole, "a port"))),
    }
}

fn parse_range(text: &str, whole: &str) -> Result<PortRange, String> {
    if text.is_empty() {
        return Err(format!("an empty port: {PORT_EXPECTED}"));
    }
    let Some((first, last)) = text.split_once('-') else {
        let port = parse_port(text, whole)?;
        return Ok(PortRange {
            start: port,
            end: port,
        });
    };
    if first.is_empty() && !last.is_empty() && last.bytes().all(|b| b.is_ascii_digit()) {
        // A negative number, not a range with a missing start.
        return Err(format!("{}: {PORT_EXPECTED}", not_a(text, whole, "a port")));
    }
    if first.is_empty() || last.is_empty() {
        return Err(format!(
            "{}: expected two ports joined by `-`, as in `8000-8010`",
            not_a(text, whole, "a port range")
        ));
    }
    let start = parse_port(first, whole)?;
    let end = parse_port(last, whole)?;
    if end < start {
        return Err(format!(
            "{}: expected the lower port first, as in `{end}-{start}`",
            not_a(text, whole, "a port range")
        ));
    }
    Ok(PortRange { start, end })
}

fn parse_ip(text: &str, whole: &str) -> Result<String, String> {
    let bare = text
        .strip_prefix('[')
        .and_then(|t| t.strip_suffix(']'))
        .unwrap_or(text);
    bare.parse::<IpAddr>()
        .map(|ip| ip.to_string())
        .map_err(|_| format!("{}: {IP_EXPECTED}", not_a(text, whole, "an IP address")))
}

/// How a published port is exposed (long syntax `mode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PortMode {
    /// Publish on every node's host port (`host`).
    Host,
    /// Load-balanced through the swarm routing mesh (`ingress`).
    Ingress,
}

impl PortMode {
    /// The lower-case name Compose expects.
    pub fn as_str(self) -> &'static str {
        match self {
            PortMode::Host => "host",
            PortMode::Ingress => "ingress",
        }
    }
}

/// Long-syntax keys that have no short-syntax spelling, kept so they can be written back.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct PortOptions {
    /// `mode`.
    pub mode: Option<PortMode>,
    /// `name`: a human-readable name of the mapping.
    pub name: Option<String>,
    /// `app_protocol`: the application protocol (`http`, `grpc`, …).
    pub app_protocol: Option<String>,
}

impl PortOptions {
    /// Whether none is set (the mapping can then be written in short syntax).
    pub fn is_empty(&self) -> bool {
        self.mode.is_none() && self.name.is_none() && self.app_protocol.is_none()
    }
}

/// One fully known port mapping.
///
/// A Compose `ports:` entry always publishes: without a host port Docker picks a free one
/// when the container starts. hsm cannot know that port in advance, so the helpers below treat
/// a mapping without a fixed host port as *not reachable at a known address*.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PortMapping {
    /// Host address to bind, in its canonical text form and without brackets (`::1`); `None`
    /// binds every interface.
    pub host_ip: Option<String>,
    /// Host port or range; `None` lets Docker choose.
    pub host: Option<PortRange>,
    /// Container port or range.
    pub container: PortRange,
    /// Protocol as written; `None` means `tcp`.
    pub protocol: Option<Protocol>,
    /// Long-syntax-only keys (empty for short syntax).
    pub options: PortOptions,
}

struct ShortParts<'a> {
    ip: Option<&'a str>,
    host: Option<&'a str>,
    container: &'a str,
}

fn non_empty(s: &str) -> Option<&str> {
    (!s.is_empty()).then_some(s)
}

fn check_plain(s: &str) -> Result<(), String> {
    if s.is_empty() {
        return Err(
            "an empty port mapping: expected a port such as `80` or a mapping such as `8080:80`"
                .into(),
        );
    }
    if s.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(format!(
            "{} is not a port mapping: it contains whitespace; {SHORT_FORMS}",
            code(s)
        ));
    }
    Ok(())
}

fn split_short(s: &str) -> Result<ShortParts<'_>, String> {
    if let Some(rest) = s.strip_prefix('[') {
        let Some((ip, after)) = rest.split_once(']') else {
            return Err(format!(
                "{} has an unclosed `[`: expected an IPv6 address in brackets, as in \
                 `[::1]:8080:80`",
                code(s)
            ));
        };
        let split = after.strip_prefix(':').and_then(|a| a.split_once(':'));
        return match split {
            Some((host, container)) if !container.contains(':') => Ok(ShortParts {
                ip: Some(&s[..ip.len() + 2]),
                host: non_empty(host),
                container,
            }),
            _ => {
                let port = after.trim_start_matches(':');
                let port = if port.is_empty() { "80" } else { port };
                Err(format!(
                    "{} is not a port mapping: expected a host port and a container port after \
                     the address, as in `[{ip}]:{port}:{port}`, or `[{ip}]::{port}` to let \
                     Docker choose the host port",
                    code(s)
                ))
            }
        };
    }
    let parts: Vec<&str> = s.split(':').collect();
    match parts.as_slice() {
        [container] => Ok(ShortParts {
            ip: None,
            host: None,
            container,
        }),
        [host, container] => {
            if host.parse::<IpAddr>().is_ok() {
                return Err(format!(
                    "{} is not a port mapping: {} is an address, not a host port; write \
                     `{host}:{container}:{container}` to publish on the same port or \
                     `{host}::{container}` to let Docker choose the host port",
                    code(s),
                    code(host)
                ));
            }
            Ok(ShortParts {
                ip: None,
                host: non_empty(host),
                container,
            })
        }
        [ip, host, container] => Ok(ShortParts {
            ip: non_empty(ip),
            host: non_empty(host),
            container,
        }),
        _ => Err(unbracketed_ipv6(s, &parts)),
    }
}

/// The error for more than two `:` outside brackets, suggesting bracketed readings.
fn unbracketed_ipv6(s: &str, parts: &[&str]) -> String {
    let n = parts.len();
    let mut readings = Vec::new();
    let with_host = parts[..n - 2].join(":");
    if with_host.parse::<Ipv6Addr>().is_ok() {
        readings.push(format!("`[{with_host}]:{}:{}`", parts[n - 2], parts[n - 1]));
    }
    let without_host = parts[..n - 1].join(":");
    if without_host.parse::<Ipv6Addr>().is_ok() {
        readings.push(format!("`[{without_host}]::{}`", parts[n - 1]));
    }
    if readings.is_empty() {
        format!("{} is not a port mapping: {SHORT_FORMS}", code(s))
    } else {
        format!(
            "{} is ambiguous: write the IPv6 address in brackets, as in {}",
            code(s),
            readings.join(" or ")
        )
    }
}

/// Parses the container side, `PORT[-PORT][/PROTOCOL]`.
fn parse_container(text: &str, whole: &str) -> Result<(PortRange, Option<Protocol>), String> {
    let (ports, protocol) = match text.split_once('/') {
        None => (text, None),
        Some((_, "")) => {
            return Err(format!(
                "{} ends with `/`: expected `tcp`, `udp` or `sctp` after it",
                code(whole)
            ));
        }
        Some((ports, protocol)) => (ports, Some(parse_protocol(protocol, whole)?)),
    };
    if ports.is_empty() {
        return Err(format!(
            "{} has no container port: {SHORT_FORMS}",
            code(whole)
        ));
    }
    Ok((parse_range(ports, whole)?, protocol))
}

impl PortMapping {
    /// Parses the Compose short syntax (see the module documentation for the forms).
    ///
    /// A `$` (a variable reference) is an error here; [`PortSpec::parse`] keeps such entries
    /// as [`PortSpec::Templated`].
    pub fn parse_short(s: &str) -> Result<Self, String> {
        check_plain(s)?;
        if s.contains('$') {
            return Err(format!(
                "{} holds a `$` variable reference: substitute it before parsing the mapping",
                code(s)
            ));
        }
        let parts = split_short(s)?;
        let host_ip = parts.ip.map(|ip| parse_ip(ip, s)).transpose()?;
        let host = parts.host.map(|h| parse_range(h, s)).transpose()?;
        let (container, protocol) = parse_container(parts.container, s)?;
        if let Some(host) = host
            && host.port_count() != container.port_count()
            && !container.is_single()
        {
            return Err(format!(
                "{} is not a port mapping: the host side `{host}` and the container side \
                 `{container}` differ in length; expected ranges of the same length, or a single \
                 container port (Docker then publishes it on one free port of the host range)",
                code(s)
            ));
        }
        Ok(Self {
            host_ip,
            host,
            container,
            protocol,
            options: PortOptions::default(),
        })
    }

    /// The first port of the host range; `None` when Docker chooses the host port.
    ///
    /// For `8000-8010:80` Docker uses the first *free* port of the range, which is 8000 only
    /// when 8000 is free.
    pub fn host_port(&self) -> Option<u16> {
        self.host.map(|h| h.start)
    }

    /// The first port of the container range.
    pub fn container_port(&self) -> u16 {
        self.container.start
    }

    /// The host address the mapping binds, without brackets; `None` binds every interface.
    pub fn host_ip(&self) -> Option<&str> {
        self.host_ip.as_deref()
    }

    /// Whether the mapping fixes a host port, so a local process knows where to connect.
    pub fn published_to_host(&self) -> bool {
        self.host.is_some()
    }

    /// The address a local process should connect to: the bound address when it is a
    /// specific one (`127.0.0.1`, `::1`, `192.168.1.5`; IPv6 without brackets), `127.0.0.1`
    /// when bound to every interface (no address, `0.0.0.0` or `::`), `None` without a fixed
    /// host port.
    ///
    /// For `::` this assumes the host accepts IPv4 on IPv6 wildcard sockets, which is Linux's
    /// default; a client that needs IPv6 can use `::1` instead.
    pub fn local_address(&self) -> Option<String> {
        if !self.published_to_host() {
            return None;
        }
        let specific = self
            .host_ip
            .as_deref()
            .filter(|ip| ip.parse::<IpAddr>().is_ok_and(|a| !a.is_unspecified()));
        Some(specific.unwrap_or("127.0.0.1").to_string())
    }
}

impl fmt::Display for PortMapping {
    /// The canonical short syntax. Long-syntax [`PortOptions`] have no short spelling and are
    /// not shown; serialize the value to keep them.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(ip) = &self.host_ip {
            if ip.contains(':') {
                write!(f, "[{ip}]:")?;
            } else {
                write!(f, "{ip}:")?;
            }
            if let Some(host) = self.host {
                write!(f, "{host}")?;
            }
            f.write_str(":")?;
        } else if let Some(host) = self.host {
            write!(f, "{host}:")?;
        }
        write!(f, "{}", self.container)?;
        if let Some(p) = self.protocol {
            write!(f, "/{p}")?;
        }
        Ok(())
    }
}

impl FromStr for PortMapping {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Self::parse_short(s)
    }
}

impl Serialize for PortMapping {
    /// Short syntax as a string when the options are empty, the long syntax otherwise.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.options.is_empty() {
            return s.collect_str(self);
        }
        if !self.container.is_single() {
            return Err(ser::Error::custom(format!(
                "the port mapping `{self}` has a container range and long-syntax options; the \
                 long syntax takes a single `target` port"
            )));
        }
        let o = &self.options;
        let len = 1
            + usize::from(self.host.is_some())
            + usize::from(self.host_ip.is_some())
            + usize::from(self.protocol.is_some())
            + usize::from(o.mode.is_some())
            + usize::from(o.name.is_some())
            + usize::from(o.app_protocol.is_some());
        let mut map = s.serialize_map(Some(len))?;
        map.serialize_entry("target", &self.container.start)?;
        match self.host {
            Some(h) if h.is_single() => map.serialize_entry("published", &h.start)?,
            Some(h) => map.serialize_entry("published", &h.to_string())?,
            None => {}
        }
        if let Some(ip) = &self.host_ip {
            map.serialize_entry("host_ip", ip)?;
        }
        if let Some(p) = self.protocol {
            map.serialize_entry("protocol", p.as_str())?;
        }
        if let Some(m) = o.mode {
            map.serialize_entry("mode", m.as_str())?;
        }
        if let Some(n) = &o.name {
            map.serialize_entry("name", n)?;
        }
        if let Some(a) = &o.app_protocol {
            map.serialize_entry("app_protocol", a)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for PortMapping {
    /// Like [`PortSpec`], but a `$` variable reference is an error.
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match PortSpec::deserialize(d)? {
            PortSpec::Mapping(m) => Ok(m),
            PortSpec::Templated(t) => Err(de::Error::custom(format!(
                "{} holds a `$` variable reference, which is not allowed here",
                code(&t)
            ))),
        }
    }
}

/// A `ports:` entry: a mapping known now, or text with variable references known later.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PortSpec {
    /// A checked mapping.
    Mapping(PortMapping),
    /// Short-syntax text holding `$` references (`${PORT}:80`), kept verbatim. Substitute
    /// the variables and call [`PortMapping::parse_short`] to check the result.
    Templated(String),
}

/// Checks that every `${` is closed (defaults may nest: `${A:-${B}}`).
fn check_placeholders(s: &str) -> Result<(), String> {
    let bytes = s.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        match (bytes[i], bytes.get(i + 1)) {
            (b'$', Some(b'$')) => i += 2,
            (b'$', Some(b'{')) => {
                depth += 1;
                i += 2;
            }
            (b'}', _) if depth > 0 => {
                depth -= 1;
                i += 1;
            }
            _ => i += 1,
        }
    }
    if depth > 0 {
        return Err(format!(
            "{} has an unclosed `${{`: expected a `}}` closing it",
            code(s)
        ));
    }
    Ok(())
}

/// Splits at `sep` outside `${…}` and `[…]`.
fn split_top_level(s: &str, sep: u8) -> Vec<&str> {
    let bytes = s.as_bytes();
    let mut parts = Vec::new();
    let mut depth = 0usize;
    let mut brackets = 0usize;
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        match (bytes[i], bytes.get(i + 1)) {
            (b'$', Some(b'{')) => {
                depth += 1;
                i += 1;
            }
            (b'}', _) if depth > 0 => depth -= 1,
            (b'[', _) if depth == 0 => brackets += 1,
            (b']', _) if depth == 0 && brackets > 0 => brackets -= 1,
            (c, _) if c == sep && depth == 0 && brackets == 0 => {
                parts.push(&s[start..i]);
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    parts.push(&s[start..]);
    parts
}

/// The container side of templated text, if it holds no variable reference.
fn literal_container_side(s: &str) -> Option<&str> {
    split_top_level(s, b':')
        .last()
        .copied()
        .filter(|c| !c.contains('$'))
}

impl PortSpec {
    /// Parses a short-syntax entry; text holding a `$` becomes [`PortSpec::Templated`] after
    /// checking its placeholders and any literal container side.
    pub fn parse(s: &str) -> Result<Self, String> {
        check_plain(s)?;
        if !s.contains('$') {
            return PortMapping::parse_short(s).map(PortSpec::Mapping);
        }
        check_placeholders(s)?;
        if let Some(container) = literal_container_side(s) {
            parse_container(container, s)?;
        }
        Ok(PortSpec::Templated(s.to_string()))
    }

    /// The mapping, unless the entry is templated.
    pub fn mapping(&self) -> Option<&PortMapping> {
        match self {
            PortSpec::Mapping(m) => Some(m),
            PortSpec::Templated(_) => None,
        }
    }

    /// Whether the entry holds variable references.
    pub fn is_templated(&self) -> bool {
        matches!(self, PortSpec::Templated(_))
    }

    /// See [`PortMapping::host_port`]; `None` for templated entries.
    pub fn host_port(&self) -> Option<u16> {
        self.mapping().and_then(PortMapping::host_port)
    }

    /// The first container port. For a templated entry it is known when the container side
    /// is literal (`${PORT}:7474` gives 7474).
    pub fn container_port(&self) -> Option<u16> {
        match self {
            PortSpec::Mapping(m) => Some(m.container_port()),
            PortSpec::Templated(t) => literal_container_side(t)
                .and_then(|c| parse_container(c, t).ok())
                .map(|(range, _)| range.start),
        }
    }

    /// See [`PortMapping::host_ip`]; `None` for templated entries.
    pub fn host_ip(&self) -> Option<&str> {
        self.mapping().and_then(PortMapping::host_ip)
    }

    /// See [`PortMapping::published_to_host`]; `false` for templated entries.
    pub fn published_to_host(&self) -> bool {
        self.mapping().is_some_and(PortMapping::published_to_host)
    }

    /// See [`PortMapping::local_address`]; `None` for templated entries.
    pub fn local_address(&self) -> Option<String> {
        self.mapping().and_then(PortMapping::local_address)
    }
}

impl fmt::Display for PortSpec {
    /// The canonical short syntax of a mapping (see [`PortMapping`]'s `Display`), or the
    /// templated text as written.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PortSpec::Mapping(m) => m.fmt(f),
            PortSpec::Templated(t) => f.write_str(t),
        }
    }
}

impl FromStr for PortSpec {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Self::parse(s)
    }
}

impl Serialize for PortSpec {
    /// A string in short syntax when representable, the long syntax when the mapping has
    /// [`PortOptions`]; templated text as written.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            PortSpec::Mapping(m) => m.serialize(s),
            PortSpec::Templated(t) => s.serialize_str(t),
        }
    }
}

struct PortSpecVisitor;

impl<'de> Visitor<'de> for PortSpecVisitor {
    type Value = PortSpec;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(
            "a port mapping: a port, a string such as \"8080:80\" or a mapping with `target`",
        )
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<PortSpec, E> {
        PortSpec::parse(v).map_err(E::custom)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<PortSpec, E> {
        self.visit_str(&v.to_string())
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<PortSpec, E> {
        self.visit_str(&v.to_string())
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<PortSpec, E> {
        self.visit_str(&v.to_string())
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<PortSpec, A::Error> {
        let long = LongSyntax::deserialize(de::value::MapAccessDeserializer::new(map))?;
        long.into_spec().map_err(de::Error::custom)
    }
}

impl<'de> Deserialize<'de> for PortSpec {
    /// A string or integer in short syntax, or a long-syntax mapping.
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(PortSpecVisitor)
    }
}

/// The long syntax as written; fields check themselves so errors carry their key path.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LongSyntax {
    target: LongField<TargetPort>,
    #[serde(default)]
    published: Option<LongField<PortRange>>,
    #[serde(default)]
    host_ip: Option<LongField<HostIp>>,
    #[serde(default)]
    protocol: Option<LongField<Protocol>>,
    #[serde(default)]
    mode: Option<PortMode>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    app_protocol: Option<String>,
}

impl LongSyntax {
    fn into_spec(self) -> Result<PortSpec, String> {
        let target = match &self.target {
            LongField::Value(TargetPort(port), _) => Some(*port),
            LongField::Templated(_) => None,
        };
        let others_templated = self.published.as_ref().is_some_and(LongField::is_templated)
            || self.host_ip.as_ref().is_some_and(LongField::is_templated)
            || self.protocol.as_ref().is_some_and(LongField::is_templated);
        let options = PortOptions {
            mode: self.mode,
            name: self.name.clone(),
            app_protocol: self.app_protocol.clone(),
        };
        match target {
            Some(port) if !others_templated => Ok(PortSpec::Mapping(PortMapping {
                host_ip: self.host_ip.and_then(LongField::into_value).map(|ip| ip.0),
                host: self.published.and_then(LongField::into_value),
                container: PortRange {
                    start: port,
                    end: port,
                },
                protocol: self.protocol.and_then(LongField::into_value),
                options,
            })),
            _ if !options.is_empty() => Err("a long-syntax port with `$` variable references \
                                             cannot also set `mode`, `name` or `app_protocol`: \
                                             hsm keeps it as short-syntax text until the \
                                             variables are known; drop those keys or write the \
                                             values literally"
                .into()),
            _ => Ok(PortSpec::Templated(self.short_text())),
        }
    }

    /// The equivalent short-syntax text, from the fields as written.
    fn short_text(&self) -> String {
        let mut out = String::new();
        if let Some(ip) = &self.host_ip {
            match ip {
                LongField::Value(HostIp(canonical), _) if canonical.contains(':') => {
                    out.push_str(&format!("[{canonical}]:"));
                }
                _ => out.push_str(&format!("{}:", ip.raw())),
            }
            if let Some(p) = &self.published {
                out.push_str(p.raw());
            }
            out.push(':');
        } else if let Some(p) = &self.published {
            out.push_str(&format!("{}:", p.raw()));
        }
        out.push_str(self.target.raw());
        if let Some(p) = &self.protocol {
            out.push_str(&format!("/{}", p.raw()));
        }
        out
    }
}

/// A long-syntax value: checked, or holding a `$` reference and kept as text.
enum LongField<T> {
    /// The checked value and the text it was read from.
    Value(T, String),
    /// Text with a variable reference.
    Templated(String),
}

impl<T> LongField<T> {
    fn is_templated(&self) -> bool {
        matches!(self, LongField::Templated(_))
    }

    fn raw(&self) -> &str {
        match self {
            LongField::Value(_, raw) | LongField::Templated(raw) => raw,
        }
    }

    fn into_value(self) -> Option<T> {
        match self {
            LongField::Value(v, _) => Some(v),
            LongField::Templated(_) => None,
        }
    }
}

/// A long-syntax value type: how it is parsed and described.
trait LongValue: Sized {
    const EXPECTING: &'static str;
    fn parse_long(text: &str) -> Result<Self, String>;
}

/// `target`: one container port.
struct TargetPort(u16);

impl LongValue for TargetPort {
    const EXPECTING: &'static str = "a container port";
    fn parse_long(text: &str) -> Result<Self, String> {
        if text.contains('-') && parse_range(text, text).is_ok() {
            return Err(format!(
                "{} is not a single port: the long syntax's `target` takes one port; use the \
                 short syntax for ranges",
                code(text)
            ));
        }
        parse_port(text, text).map(TargetPort)
    }
}

impl LongValue for PortRange {
    const EXPECTING: &'static str = "a host port or range";
    fn parse_long(text: &str) -> Result<Self, String> {
        PortRange::parse(text)
    }
}

/// `host_ip`: an address, brackets optional for IPv6.
struct HostIp(String);

impl LongValue for HostIp {
    const EXPECTING: &'static str = "an IP address";
    fn parse_long(text: &str) -> Result<Self, String> {
        parse_ip(text, text).map(HostIp)
    }
}

impl LongValue for Protocol {
    const EXPECTING: &'static str = "`tcp`, `udp` or `sctp`";
    fn parse_long(text: &str) -> Result<Self, String> {
        Protocol::parse(text)
    }
}

struct LongFieldVisitor<T>(std::marker::PhantomData<T>);

impl<T: LongValue> Visitor<'_> for LongFieldVisitor<T> {
    type Value = LongField<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(T::EXPECTING)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<LongField<T>, E> {
        if v.contains('$') {
            check_placeholders(v).map_err(E::custom)?;
            return Ok(LongField::Templated(v.to_string()));
        }
        T::parse_long(v)
            .map(|t| LongField::Value(t, v.to_string()))
            .map_err(E::custom)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<LongField<T>, E> {
        self.visit_str(&v.to_string())
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<LongField<T>, E> {
        self.visit_str(&v.to_string())
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<LongField<T>, E> {
        self.visit_str(&v.to_string())
    }
}

impl<'de, T: LongValue> Deserialize<'de> for LongField<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(LongFieldVisitor(std::marker::PhantomData))
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    fn mapping(s: &str) -> PortMapping {
        PortMapping::parse_short(s).unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    fn err(s: &str) -> String {
        PortSpec::parse(s).unwrap_err()
    }

    fn range(start: u16, end: u16) -> PortRange {
        PortRange { start, end }
    }

    #[test]
    fn short_forms() {
        let m = mapping("80");
        assert_eq!(
            (m.host_ip.as_deref(), m.host, m.container),
            (None, None, range(80, 80))
        );
        let m = mapping("8000-8010");
        assert_eq!((m.host, m.container), (None, range(8000, 8010)));
        let m = mapping("8080:80");
        assert_eq!(
            (m.host, m.container),
            (Some(range(8080, 8080)), range(80, 80))
        );
        let m = mapping("8000-8010:8000-8010");
        assert_eq!(
            (m.host, m.container),
            (Some(range(8000, 8010)), range(8000, 8010))
        );
        let m = mapping("127.0.0.1:8080:80");
        assert_eq!(m.host_ip.as_deref(), Some("127.0.0.1"));
        assert_eq!(m.host, Some(range(8080, 8080)));
        let m = mapping("127.0.0.1::80");
        assert_eq!((m.host_ip.as_deref(), m.host), (Some("127.0.0.1"), None));
        let m = mapping("[::1]:6001:80");
        assert_eq!(m.host_ip.as_deref(), Some("::1"));
        assert_eq!(
            (m.host, m.container),
            (Some(range(6001, 6001)), range(80, 80))
        );
        let m = mapping("[::1]::80");
        assert_eq!((m.host_ip.as_deref(), m.host), (Some("::1"), None));
        let m = mapping("6060:6060/udp");
        assert_eq!(m.protocol, Some(Protocol::Udp));
        assert_eq!(mapping("80/SCTP").protocol, Some(Protocol::Sctp));
        assert_eq!(mapping("80").protocol, None);
    }

    #[test]
    fn host_range_with_single_container_port() {
        let m = mapping("8000-8010:80");
        assert_eq!(
            (m.host, m.container),
            (Some(range(8000, 8010)), range(80, 80))
        );
        assert_eq!(m.host_port(), Some(8000));
    }

    #[test]
    fn display_is_canonical_short_syntax() {
        for (written, canonical) in [
            ("80", "80"),
            ("8000-8010", "8000-8010"),
            ("8080:80", "8080:80"),
            ("127.0.0.1:8080:80", "127.0.0.1:8080:80"),
            ("127.0.0.1::80", "127.0.0.1::80"),
            ("[::1]:6001:80", "[::1]:6001:80"),
            ("[0:0::1]::80", "[::1]::80"),
            ("[127.0.0.1]:1:2", "127.0.0.1:1:2"),
            ("6060:6060/UDP", "6060:6060/udp"),
            ("080:80-80", "80:80"),
            (":80", "80"),
            ("::80", "80"),
            (":8080:80", "8080:80"),
        ] {
            assert_eq!(mapping(written).to_string(), canonical, "{written}");
            assert_eq!(mapping(canonical).to_string(), canonical, "{canonical}");
        }
    }

    #[test]
    fn port_errors() {
        assert_eq!(
            err("99999"),
            "`99999` is not a port: expected a number from 1 to 65535"
        );
        assert_eq!(
            err("8080:99999"),
            "`99999` in `8080:99999` is not a port: expected a number from 1 to 65535"
        );
        assert_eq!(
            err("0:80"),
            "`0` in `0:80` is not a port: expected a number from 1 to 65535"
        );
        assert_eq!(
            err("-1"),
            "`-1` is not a port: expected a number from 1 to 65535"
        );
        assert_eq!(
            err("http"),
            "`http` is not a port: expected a number from 1 to 65535"
        );
        assert_eq!(
            err("8010-8000:80"),
            "`8010-8000` in `8010-8000:80` is not a port range: expected the lower port first, \
             as in `8000-8010`"
        );
        assert!(err("80-:80").contains("expected two ports joined by `-`"));
        assert!(err("1-2-3").contains("is not a port"));
    }

    #[test]
    fn range_length_errors() {
        assert_eq!(
            err("8000-8010:80-81"),
            "`8000-8010:80-81` is not a port mapping: the host side `8000-8010` and the \
             container side `80-81` differ in length; expected ranges of the same length, or a \
             single container port (Docker then publishes it on one free port of the host range)"
        );
        assert!(err("8080:80-81").contains("differ in length"));
    }

    #[test]
    fn protocol_errors() {
        assert_eq!(
            err("8080:80/tpc"),
            "`tpc` in `8080:80/tpc` is not a protocol: expected `tcp`, `udp` or `sctp`"
        );
        assert!(err("80/").contains("ends with `/`"));
        assert!(err("80/tcp/x").contains("`tcp/x`"));
    }

    #[test]
    fn address_errors() {
        assert_eq!(
            err("::1:6001:80"),
            "`::1:6001:80` is ambiguous: write the IPv6 address in brackets, as in \
             `[::1]:6001:80` or `[::1:6001]::80`"
        );
        assert!(
            err("fe80::1::80").contains("`[fe80::1]::80`"),
            "{}",
            err("fe80::1::80")
        );
        assert_eq!(
            err("127.0.0.1:80"),
            "`127.0.0.1:80` is not a port mapping: `127.0.0.1` is an address, not a host port; \
             write `127.0.0.1:80:80` to publish on the same port or `127.0.0.1::80` to let \
             Docker choose the host port"
        );
        assert!(
            err("300.0.0.1:80:80").starts_with("`300.0.0.1` in `300.0.0.1:80:80` is not an IP")
        );
        assert!(err("localhost:80:80").contains("is not an IP address"));
        assert!(err("[::1:80").contains("unclosed `[`"));
        assert!(
            err("[::1]:80").contains("`[::1]:80:80`"),
            "{}",
            err("[::1]:80")
        );
        assert!(err("a:b:c:d").contains("is not a port mapping"));
        assert!(err("[fe80::1%eth0]:80:80").contains("is not an IP address"));
    }

    #[test]
    fn shape_errors() {
        assert_eq!(
            err(""),
            "an empty port mapping: expected a port such as `80` or a mapping such as `8080:80`"
        );
        assert!(err("80 :80").contains("contains whitespace"));
        assert!(err("8080:").contains("has no container port"));
        assert!(err("8080:80\n").contains("`8080:80\\n`"));
    }

    #[test]
    fn templated_entries_are_kept_and_partly_checked() {
        let t = PortSpec::parse("${NEO4J_PORT}:7474").unwrap();
        assert_eq!(t, PortSpec::Templated("${NEO4J_PORT}:7474".into()));
        assert_eq!(t.container_port(), Some(7474));
        assert_eq!(t.host_port(), None);
        assert!(!t.published_to_host());
        assert_eq!(t.to_string(), "${NEO4J_PORT}:7474");
        for ok in [
            "${P:-8080}:80",
            "$P:80",
            "127.0.0.1:${P}:80/udp",
            "[::1]:${P}:80",
            "${A:-${B}}:80",
            "${P}",
            "8080:${TARGET}",
        ] {
            assert!(PortSpec::parse(ok).unwrap().is_templated(), "{ok}");
        }
        assert_eq!(
            PortSpec::parse("[::1]:${P}:80").unwrap().container_port(),
            Some(80)
        );
        assert_eq!(PortSpec::parse("${P}").unwrap().container_port(), None);
        assert_eq!(
            err("${P:80"),
            "`${P:80` has an unclosed `${`: expected a `}` closing it"
        );
        assert_eq!(
            err("${P}:99999"),
            "`99999` in `${P}:99999` is not a port: expected a number from 1 to 65535"
        );
        assert!(err("${P}:80/tpc").contains("is not a protocol"));
        assert!(
            PortMapping::parse_short("${P}:80")
                .unwrap_err()
                .contains("variable reference")
        );
    }

    #[test]
    fn helpers() {
        let m = mapping("127.0.0.1:8080:80");
        assert_eq!(m.host_port(), Some(8080));
        assert_eq!(m.container_port(), 80);
        assert_eq!(m.host_ip(), Some("127.0.0.1"));
        assert!(m.published_to_host());
        assert_eq!(m.local_address().as_deref(), Some("127.0.0.1"));

        for (s, local) in [
            ("8080:80", Some("127.0.0.1")),
            ("0.0.0.0:8080:80", Some("127.0.0.1")),
            ("[::]:8080:80", Some("127.0.0.1")),
            ("[::1]:8080:80", Some("::1")),
            ("192.168.1.5:8080:80", Some("192.168.1.5")),
            ("80", None),
            ("127.0.0.1::80", None),
        ] {
            assert_eq!(mapping(s).local_address().as_deref(), local, "{s}");
            assert_eq!(mapping(s).published_to_host(), local.is_some(), "{s}");
        }
        let spec = PortSpec::parse("8000-8010:9000-9010").unwrap();
        assert_eq!(spec.host_port(), Some(8000));
        assert_eq!(spec.container_port(), Some(9000));
        assert_eq!(spec.host_ip(), None);
    }

    #[test]
    fn port_range_api() {
        assert_eq!(PortRange::parse("8000-8010").unwrap().port_count(), 11);
        assert!(PortRange::parse("80-80").unwrap().is_single());
        assert!(PortRange::parse("80-90").unwrap().contains(85));
        assert_eq!(
            PortRange::new(0, 1).unwrap_err(),
            "`0` is not a port: expected a number from 1 to 65535"
        );
        assert!(PortRange::new(2, 1).unwrap_err().contains("`1-2`"));
        assert_eq!(PortRange::single(65535).unwrap().to_string(), "65535");
        assert_eq!(
            PortRange::parse("").unwrap_err(),
            "an empty port: expected a number from 1 to 65535"
        );
        assert_eq!("udp".parse::<Protocol>(), Ok(Protocol::Udp));
    }

    // --- serde ---------------------------------------------------------------------------

    #[derive(Debug, Deserialize, Serialize, PartialEq)]
    struct Doc {
        ports: Vec<PortSpec>,
    }

    fn load(text: &str) -> Result<Doc, infra_yaml::YamlError> {
        infra_yaml::from_str(Path::new("c.yaml"), text)
    }

    #[test]
    fn yaml_short_forms_strings_and_integers() {
        let d = load("ports:\n  - 5432\n  - \"8080:80\"\n  - 6060:6060/udp\n  - \"${P}:7474\"\n")
            .unwrap();
        assert_eq!(d.ports[0], PortSpec::parse("5432").unwrap());
        assert_eq!(d.ports[1].host_port(), Some(8080));
        assert_eq!(d.ports[2].to_string(), "6060:6060/udp");
        assert!(d.ports[3].is_templated());
    }

    #[test]
    fn yaml_bad_entry_is_located() {
        let e = load("ports:\n  - \"8080:80\"\n  - \"8080:99999\"\n").unwrap_err();
        assert_eq!(e.key.as_deref(), Some("ports[1]"), "{e:?}");
        assert_eq!(e.line, Some(3), "{e:?}");
        assert_eq!(
            e.message,
            "`99999` in `8080:99999` is not a port: expected a number from 1 to 65535"
        );
        let e = load("ports: [80, 99999]\n").unwrap_err();
        assert_eq!(e.key.as_deref(), Some("ports[1]"), "{e:?}");
        assert!(e.message.starts_with("`99999` is not a port"), "{e:?}");
        let e = load("ports: [true]\n").unwrap_err();
        assert_eq!(e.key.as_deref(), Some("ports[0]"), "{e:?}");
    }

    #[test]
    fn yaml_long_syntax() {
        let d = load(
            "ports:\n  - target: 80\n    published: 8080\n    host_ip: 127.0.0.1\n    \
             protocol: tcp\n    mode: host\n    name: web\n    app_protocol: http\n  \
             - {target: \"80\", published: \"8000-8010\"}\n  - {target: 53, host_ip: \"::1\", \
             protocol: udp}\n",
        )
        .unwrap();
        let PortSpec::Mapping(m) = &d.ports[0] else {
            panic!("{d:?}")
        };
        assert_eq!(m.to_string(), "127.0.0.1:8080:80/tcp");
        assert_eq!(
            m.options,
            PortOptions {
                mode: Some(PortMode::Host),
                name: Some("web".into()),
                app_protocol: Some("http".into()),
            }
        );
        assert_eq!(d.ports[1].to_string(), "8000-8010:80");
        assert_eq!(d.ports[2].to_string(), "[::1]::53/udp");
    }

    #[test]
    fn yaml_long_syntax_errors_name_the_key() {
        let e = load("ports:\n  - 80\n  - target: 80\n    published: 99999\n").unwrap_err();
        assert_eq!(e.key.as_deref(), Some("ports[1].published"), "{e:?}");
        assert_eq!(e.line, Some(4), "{e:?}");
        assert_eq!(
            e.message,
            "`99999` is not a port: expected a number from 1 to 65535"
        );
        let e = load("ports:\n  - {target: 80-81}\n").unwrap_err();
        assert_eq!(e.key.as_deref(), Some("ports[0].target"), "{e:?}");
        assert!(e.message.contains("takes one port"), "{e:?}");
        let e = load("ports:\n  - {target: 80, host_ip: localhost}\n").unwrap_err();
        assert_eq!(e.key.as_deref(), Some("ports[0].host_ip"), "{e:?}");
        let e = load("ports:\n  - {target: 80, mode: bridge}\n").unwrap_err();
        assert_eq!(e.key.as_deref(), Some("ports[0].mode"), "{e:?}");
        let e = load("ports:\n  - {target: 80, publish: 80}\n").unwrap_err();
        assert!(e.message.contains("publish"), "{e:?}");
        let e = load("ports:\n  - {published: 80}\n").unwrap_err();
        assert!(e.message.contains("target"), "{e:?}");
    }

    #[test]
    fn yaml_long_syntax_with_placeholders() {
        let d = load(
            "ports:\n  - {target: 7474, published: \"${P}\"}\n  - {target: 80, host_ip: \"::1\", \
             published: \"${P:-1}\", protocol: udp}\n  - {target: 80, host_ip: \"${IP}\"}\n",
        )
        .unwrap();
        assert_eq!(d.ports[0], PortSpec::Templated("${P}:7474".into()));
        assert_eq!(
            d.ports[1],
            PortSpec::Templated("[::1]:${P:-1}:80/udp".into())
        );
        assert_eq!(d.ports[2], PortSpec::Templated("${IP}::80".into()));
        let e = load("ports:\n  - {target: 80, published: \"${P}\", name: web}\n").unwrap_err();
        assert_eq!(e.key.as_deref(), Some("ports[0]"), "{e:?}");
        assert!(e.message.contains("cannot also set"), "{e:?}");
    }

    #[test]
    fn serialize_round_trips() {
        let text = "ports:\n  - 80\n  - \"[::1]:6001:80/udp\"\n  - \"${P}:7474\"\n  - target: 80\n    \
                    published: 8000-8010\n    host_ip: \"::1\"\n    mode: ingress\n  - \
                    {target: 81, name: x}\n";
        let doc = load(text).unwrap();
        let yaml = serde_saphyr::to_string(&doc).unwrap();
        assert_eq!(load(&yaml).unwrap(), doc, "{yaml}");
        assert!(yaml.contains("target: 80"), "{yaml}");
        assert!(yaml.contains("[::1]:6001:80/udp"), "{yaml}");
    }

    #[test]
    fn unrepresentable_long_form_is_a_serialize_error() {
        let mut m = mapping("80-81");
        m.options.name = Some("x".into());
        assert!(serde_saphyr::to_string(&PortSpec::Mapping(m)).is_err());
    }

    #[test]
    fn port_mapping_rejects_templates_in_yaml() {
        #[derive(Debug, Deserialize)]
        struct One {
            #[allow(dead_code, reason = "only deserialised")]
            port: PortMapping,
        }
        let e =
            infra_yaml::from_str::<One>(Path::new("x.yaml"), "port: \"${P}:80\"\n").unwrap_err();
        assert_eq!(e.key.as_deref(), Some("port"), "{e:?}");
        assert!(e.message.contains("not allowed here"), "{e:?}");
    }
}
