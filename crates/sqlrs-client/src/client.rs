//! The typed `/v1` client.

use std::io::{BufRead, BufReader};
use std::marker::PhantomData;
use std::time::Duration;

use reqwest::StatusCode;
use reqwest::blocking::{RequestBuilder, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;
use sqlrs_schema::{
    DeleteResult, ErrorResponse, Event, Health, InstanceEntry, NodeKind, PrepareAccepted,
    PrepareJobEntry, PrepareJobStatus, PrepareRequest, RunEvent, RunRequest, StateEntry, TaskEntry,
};

use crate::ClientError;

/// A client of one engine.
#[derive(Debug, Clone)]
pub struct Client {
    base: String,
    token: Option<String>,
    timeout: Duration,
    http: reqwest::blocking::Client,
    streams: reqwest::blocking::Client,
}

/// NDJSON lines of a streamed answer, decoded one at a time as they arrive.
pub struct Lines<T> {
    reader: BufReader<Response>,
    what: String,
    item: PhantomData<T>,
}

impl<T: DeserializeOwned> Iterator for Lines<T> {
    type Item = Result<T, ClientError>;

    fn next(&mut self) -> Option<Self::Item> {
        let mut line = String::new();
        loop {
            line.clear();
            match self.reader.read_line(&mut line) {
                Ok(0) => return None,
                Ok(_) if line.trim().is_empty() => {}
                Ok(_) => {
                    return Some(
                        serde_json::from_str(&line).map_err(|e| ClientError::Protocol {
                            what: self.what.clone(),
                            message: e.to_string(),
                        }),
                    );
                }
                Err(e) => {
                    return Some(Err(ClientError::Protocol {
                        what: self.what.clone(),
                        message: format!("the stream broke: {e}"),
                    }));
                }
            }
        }
    }
}

impl Client {
    /// A client of the engine at `base` (`http://127.0.0.1:PORT`), sending `token`;
    /// every request but streams gives up after `timeout`.
    pub fn new(base: &str, token: Option<String>, timeout: Duration) -> Result<Self, ClientError> {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let build = |timeout: Option<Duration>| {
            let b = reqwest::blocking::Client::builder().connect_timeout(Duration::from_secs(5));
            b.timeout(timeout)
                .build()
                .map_err(|e| ClientError::Protocol {
                    what: "client".into(),
                    message: e.to_string(),
                })
        };
        Ok(Self {
            base: base.trim_end_matches('/').to_string(),
            token,
            timeout,
            http: build(Some(timeout))?,
            streams: build(None)?,
        })
    }

    /// The base URL.
    pub fn base(&self) -> &str {
        &self.base
    }

    fn authed(&self, req: RequestBuilder) -> RequestBuilder {
        match &self.token {
            Some(t) => req.bearer_auth(t),
            None => req,
        }
    }

    /// Sends `req`; a 401, an error envelope or no answer become errors. `accept` lists
    /// statuses that are answers even though they are not 2xx (409 for a blocked delete).
    fn send(
        &self,
        req: RequestBuilder,
        what: &str,
        accept: &[StatusCode],
    ) -> Result<Response, ClientError> {
        let response = self.authed(req).send().map_err(|source| {
            if source.is_timeout() {
                ClientError::Timeout {
                    endpoint: self.base.clone(),
                    seconds: self.timeout.as_secs(),
                }
            } else {
                ClientError::Unreachable {
                    endpoint: self.base.clone(),
                    source,
                }
            }
        })?;
        let status = response.status();
        if status.is_success() || accept.contains(&status) {
            return Ok(response);
        }
        if status == StatusCode::UNAUTHORIZED {
            return Err(ClientError::Unauthorized {
                endpoint: self.base.clone(),
            });
        }
        let body = response.text().unwrap_or_default();
        match serde_json::from_str::<ErrorResponse>(&body) {
            Ok(error) => Err(ClientError::Api {
                status: status.as_u16(),
                error,
            }),
            Err(_) => Err(ClientError::Protocol {
                what: what.to_string(),
                message: format!(
                    "HTTP {status}: {}",
                    body.chars().take(200).collect::<String>()
                ),
            }),
        }
    }

    fn decode<T: DeserializeOwned>(response: Response, what: &str) -> Result<T, ClientError> {
        let bytes = response.bytes().map_err(|e| ClientError::Protocol {
            what: what.to_string(),
            message: e.to_string(),
        })?;
        serde_json::from_slice(&bytes).map_err(|e| ClientError::Protocol {
            what: what.to_string(),
            message: e.to_string(),
        })
    }

    fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, ClientError> {
        let what = format!("GET {path}");
        let r = self.send(self.http.get(format!("{}{path}", self.base)), &what, &[])?;
        Self::decode(r, &what)
    }

    fn post<B: Serialize, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
    ) -> Result<T, ClientError> {
        let what = format!("POST {path}");
        let r = self.send(
            self.http.post(format!("{}{path}", self.base)).json(body),
            &what,
            &[],
        )?;
        Self::decode(r, &what)
    }

    /// `GET /v1/health` (no token needed).
    pub fn health(&self) -> Result<Health, ClientError> {
        self.get("/v1/health")
    }

    /// Starts a prepare job.
    pub fn submit(&self, request: &PrepareRequest) -> Result<PrepareAccepted, ClientError> {
        self.post("/v1/prepare-jobs", request)
    }

    /// One job.
    pub fn job(&self, id: &str) -> Result<PrepareJobStatus, ClientError> {
        self.get(&format!("/v1/prepare-jobs/{id}"))
    }

    /// Asks a job to stop.
    pub fn cancel(&self, id: &str) -> Result<PrepareJobStatus, ClientError> {
        self.post(
            &format!("/v1/prepare-jobs/{id}/cancel"),
            &serde_json::Value::Null,
        )
    }

    /// A job's events, from the first, as they happen; ends when the job is over.
    pub fn events(&self, id: &str) -> Result<Lines<Event>, ClientError> {
        let what = format!("GET /v1/prepare-jobs/{id}/events");
        let url = format!("{}/v1/prepare-jobs/{id}/events", self.base);
        let r = self.send(self.streams.get(url), &what, &[])?;
        Ok(Lines {
            reader: BufReader::new(r),
            what,
            item: PhantomData,
        })
    }

    /// Every state.
    pub fn states(&self) -> Result<Vec<StateEntry>, ClientError> {
        self.get("/v1/states")
    }

    /// Every instance.
    pub fn instances(&self) -> Result<Vec<InstanceEntry>, ClientError> {
        self.get("/v1/instances")
    }

    /// `GET /v1/cache/status`.
    pub fn cache_status(&self) -> Result<sqlrs_schema::CacheStatus, ClientError> {
        self.get("/v1/cache/status")
    }

    /// Every name.
    pub fn names(&self) -> Result<Vec<sqlrs_schema::NameEntry>, ClientError> {
        self.get("/v1/names")
    }

    /// Every job.
    pub fn jobs(&self) -> Result<Vec<PrepareJobEntry>, ClientError> {
        self.get("/v1/prepare-jobs")
    }

    /// The tasks of one job or of all.
    pub fn tasks(&self, job: Option<&str>) -> Result<Vec<TaskEntry>, ClientError> {
        match job {
            Some(j) => self.get(&format!("/v1/tasks?job={j}")),
            None => self.get("/v1/tasks"),
        }
    }

    /// Deletes an instance, a state (tree) or a job; a blocked delete is an answer too.
    pub fn delete(
        &self,
        kind: NodeKind,
        id: &str,
        flags: [bool; 3],
    ) -> Result<DeleteResult, ClientError> {
        let [recurse, force, dry_run] = flags;
        let collection = match kind {
            NodeKind::Instance => "instances",
            NodeKind::State => "states",
            NodeKind::Job => "prepare-jobs",
        };
        let mut path = format!("/v1/{collection}/{id}?force={force}&dry_run={dry_run}");
        if kind == NodeKind::State {
            path.push_str(&format!("&recurse={recurse}"));
        }
        let what = format!("DELETE {path}");
        let r = self.send(
            self.http.delete(format!("{}{path}", self.base)),
            &what,
            &[StatusCode::CONFLICT],
        )?;
        Self::decode(r, &what)
    }

    /// `GET /v1/config`: every setting (`path` none) or one, overrides or `effective`.
    pub fn config_get(
        &self,
        path: Option<&str>,
        effective: bool,
    ) -> Result<serde_json::Value, ClientError> {
        let mut url = reqwest::Url::parse(&format!("{}/v1/config", self.base)).map_err(|e| {
            ClientError::Protocol {
                what: "config".into(),
                message: e.to_string(),
            }
        })?;
        url.query_pairs_mut()
            .append_pair("effective", &effective.to_string());
        if let Some(p) = path {
            url.query_pairs_mut().append_pair("path", p);
        }
        let r = self.send(self.http.get(url), "GET /v1/config", &[])?;
        Self::decode(r, "GET /v1/config")
    }

    /// `PATCH /v1/config`.
    pub fn config_set(
        &self,
        path: &str,
        value: &serde_json::Value,
    ) -> Result<serde_json::Value, ClientError> {
        let body = serde_json::json!({ "path": path, "value": value });
        let r = self.send(
            self.http
                .patch(format!("{}/v1/config", self.base))
                .json(&body),
            "PATCH /v1/config",
            &[],
        )?;
        Self::decode(r, "PATCH /v1/config")
    }

    /// `DELETE /v1/config?path=`.
    pub fn config_rm(&self, path: &str) -> Result<serde_json::Value, ClientError> {
        let mut url = reqwest::Url::parse(&format!("{}/v1/config", self.base)).map_err(|e| {
            ClientError::Protocol {
                what: "config".into(),
                message: e.to_string(),
            }
        })?;
        url.query_pairs_mut().append_pair("path", path);
        let r = self.send(self.http.delete(url), "DELETE /v1/config", &[])?;
        Self::decode(r, "DELETE /v1/config")
    }

    /// `GET /v1/config/schema`.
    pub fn config_schema(&self) -> Result<serde_json::Value, ClientError> {
        self.get("/v1/config/schema")
    }

    /// Runs a tool against an instance; its output arrives as lines.
    pub fn run(&self, request: &RunRequest) -> Result<Lines<RunEvent>, ClientError> {
        let what = "POST /v1/runs".to_string();
        let url = format!("{}/v1/runs", self.base);
        let r = self.send(self.streams.post(url).json(request), &what, &[])?;
        Ok(Lines {
            reader: BufReader::new(r),
            what,
            item: PhantomData,
        })
    }
}
