//! Value parsers for flags: a bad value is a usage error (exit 2) naming the flag, before
//! anything runs, and never reaches a file.

use hsm_schema::{EnvName, GitUrl, Implication, PackageIndex, ParamMerge, RequirementSpec};

/// `--pypi SPEC`: a specifier or requirement, or empty for "any version".
#[derive(Debug, Clone)]
pub struct PypiSpec(pub Option<RequirementSpec>);

pub fn pypi(s: &str) -> Result<PypiSpec, String> {
    if s.trim().is_empty() {
        return Ok(PypiSpec(None));
    }
    RequirementSpec::parse(s).map(|r| PypiSpec(Some(r)))
}

pub fn git_url(s: &str) -> Result<GitUrl, String> {
    GitUrl::parse(s)
}

/// `KEY=VALUE` with a valid variable name.
pub fn env_pair(s: &str) -> Result<(EnvName, String), String> {
    let (k, v) = s
        .split_once('=')
        .ok_or_else(|| format!("`{s}` is not `KEY=VALUE`"))?;
    Ok((EnvName::parse(k.trim())?, v.to_string()))
}

/// `KEY=VALUE` with any non-empty key (labels).
pub fn pair(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((k, v)) if !k.trim().is_empty() => Ok((k.trim().to_string(), v.to_string())),
        _ => Err(format!("`{s}` is not `KEY=VALUE`")),
    }
}

/// A port number, 1 to 65535.
pub fn port(s: &str) -> Result<u16, String> {
    s.parse::<u16>()
        .ok()
        .filter(|p| *p != 0)
        .ok_or_else(|| format!("`{s}` is not a port: expected a number from 1 to 65535"))
}

/// `NAME=HOST:PORT`.
pub fn external(s: &str) -> Result<(String, String, u16), String> {
    let bad = || format!("`{s}` is not `NAME=HOST:PORT`");
    let (name, hp) = s.split_once('=').ok_or_else(bad)?;
    let (host, port) = hp.rsplit_once(':').ok_or_else(bad)?;
    let port = self::port(port)?;
    if name.is_empty() || host.is_empty() {
        return Err(bad());
    }
    Ok((name.to_string(), host.to_string(), port))
}

/// `NAME`, `NAME=list` or `NAME=scalar`.
pub fn param(s: &str) -> Result<(String, ParamMerge), String> {
    let (name, merge) = s.split_once('=').unwrap_or((s, "list"));
    let merge = match merge {
        "list" => ParamMerge::List,
        "scalar" => ParamMerge::Scalar,
        other => {
            return Err(format!(
                "`{other}` is not a merge rule: expected `list` or `scalar`"
            ));
        }
    };
    if name.is_empty() {
        return Err(format!("`{s}` names no param"));
    }
    Ok((name.to_string(), merge))
}

/// `NAME=URL` of a package index.
pub fn index(s: &str) -> Result<PackageIndex, String> {
    match s.split_once('=') {
        Some((n, u))
            if !n.is_empty()
                && (u.starts_with("http://")
                    || u.starts_with("https://")
                    || u.starts_with("file://")) =>
        {
            Ok(PackageIndex {
                name: n.to_string(),
                url: u.to_string(),
            })
        }
        _ => Err(format!(
            "`{s}` is not `NAME=URL` with an http(s) or file URL"
        )),
    }
}

pub fn implication(s: &str) -> Result<Implication, String> {
    hsm_ops::registry::parse_implication(s)
}
