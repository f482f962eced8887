//! The service's one error type. Every failure a client can see becomes
//! `{"error": {"code": "...", "message": "..."}}` with a fitting status
//! (docs/contracts.md, contract 3). Messages are written for the client and never carry
//! internals (resolver texts, socket errors, addresses behind a name); the
//! cause goes to the log with `tracing` where the error is made. Codes a scan
//! failure shares with the CLI come from [`crate::ErrorKind`], so `scan
//! --json` and the API say the same.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::ErrorKind as K;

/// An error answer: status, stable machine code, human message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppError {
    /// HTTP status.
    pub status: StatusCode,
    /// Stable code for programs (`bad_input`, `refused`, `rate_limited`…).
    pub code: &'static str,
    /// A message safe to show to the user.
    pub message: String,
    /// Seconds for `Retry-After` (429 answers).
    pub retry_after: Option<u64>,
}

/// The error code an answer carried, left in the response's extensions for
/// the metrics layer (refusals by reason).
#[derive(Debug, Clone, Copy)]
pub struct ErrorCode(pub &'static str);

impl AppError {
    fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            retry_after: None,
        }
    }

    /// 400: the request is malformed.
    pub fn bad_input(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, K::BadInput.as_str(), message)
    }

    /// 401: the bearer token is missing or wrong.
    pub fn unauthorized() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "this relay needs a valid bearer token (Authorization: Bearer …)",
        )
    }

    /// 403: the target is not allowed (special-purpose address).
    pub fn refused(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, K::Refused.as_str(), message)
    }

    /// 403: the operator restricted ports and this one is not among them.
    pub fn port_not_allowed(port: u16) -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "port_not_allowed",
            format!("this relay does not scan port {port}"),
        )
    }

    /// 429: this client is over its rate limit.
    pub fn rate_limited(retry_after: u64, fresh: bool) -> Self {
        let what = if fresh {
            "too many fresh (uncached) scans from this client"
        } else {
            "too many scans from this client"
        };
        Self {
            retry_after: Some(retry_after.max(1)),
            ..Self::new(
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limited",
                format!("{what}; retry in {} s", retry_after.max(1)),
            )
        }
    }

    /// 429: every scan slot and queue place is taken.
    pub fn busy(retry_after: u64) -> Self {
        Self {
            retry_after: Some(retry_after.max(1)),
            ..Self::new(
                StatusCode::TOO_MANY_REQUESTS,
                "busy",
                "the relay is busy with other scans; retry shortly",
            )
        }
    }

    /// 502: the name does not resolve.
    pub fn unresolvable(host: &str) -> Self {
        Self::new(
            StatusCode::BAD_GATEWAY,
            K::Unresolvable.as_str(),
            format!("{host} does not resolve"),
        )
    }

    /// 502: no endpoint accepted a connection.
    pub fn unreachable(target: &str) -> Self {
        Self::new(
            StatusCode::BAD_GATEWAY,
            K::Unreachable.as_str(),
            format!("no address of {target} accepted a connection"),
        )
    }

    /// 504: the scan (or the request) took too long.
    pub fn timeout(target: &str) -> Self {
        Self::new(
            StatusCode::GATEWAY_TIMEOUT,
            K::Timeout.as_str(),
            format!("scanning {target} timed out"),
        )
    }

    /// 404: no such route.
    pub fn not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", "no such endpoint")
    }

    /// 405: wrong method.
    pub fn method_not_allowed() -> Self {
        Self::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
            "only GET is supported",
        )
    }

    /// 414: the query string is over the limit.
    pub fn uri_too_long(limit: usize) -> Self {
        Self::new(
            StatusCode::URI_TOO_LONG,
            "uri_too_long",
            format!("the request target is longer than {limit} bytes"),
        )
    }

    /// 500: a bug or an unexpected failure; details are in the log only.
    pub fn internal() -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            K::Internal.as_str(),
            "internal error (see the relay's log)",
        )
    }

    /// Maps a scanner error for `target` (`host:port`), logging the cause.
    /// The code is the error's [`crate::ErrorKind`], as the CLI's JSON error.
    pub fn from_scan(err: &crate::Error, host: &str, target: &str) -> Self {
        use crate::Error as E;
        let out = match (err.kind(), err) {
            (K::BadInput, E::BadInput(m)) => Self::bad_input(m.clone()),
            (K::BadInput, E::Target(e)) => Self::from(e.clone()),
            (K::Refused, E::Refused { reason, .. }) => Self::refused(format!(
                "{host} is or resolves to an address this relay does not scan ({reason})"
            )),
            (K::Unresolvable, _) => Self::unresolvable(host),
            (K::Timeout, _) => Self::timeout(target),
            (K::Unreachable, _) => Self::unreachable(target),
            _ => Self::internal(),
        };
        if out.status.is_server_error() {
            tracing::warn!(target = %target, code = out.code, cause = %err, "scan failed");
        } else {
            tracing::info!(target = %target, code = out.code, cause = %err, "scan refused");
        }
        out
    }

    /// The JSON body.
    pub fn body(&self) -> serde_json::Value {
        json!({"error": {"code": self.code, "message": self.message}})
    }
}

impl std::fmt::Display for AppError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {}: {}",
            self.status.as_u16(),
            self.code,
            self.message
        )
    }
}

impl std::error::Error for AppError {}

/// A host or port parameter that does not parse: 400 with what is wrong.
impl From<crate::resolve::TargetError> for AppError {
    fn from(e: crate::resolve::TargetError) -> Self {
        Self::bad_input(e.to_string())
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let mut res = (self.status, axum::Json(self.body())).into_response();
        let h = res.headers_mut();
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        if let Some(secs) = self.retry_after {
            h.insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        if self.status == StatusCode::UNAUTHORIZED {
            h.insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"tlslens-relay\""),
            );
        }
        res.extensions_mut().insert(ErrorCode(self.code));
        res
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use std::net::IpAddr;

    #[test]
    fn scan_errors_map_without_internals() {
        let ip: IpAddr = "10.0.0.7".parse().unwrap();
        let e = AppError::from_scan(
            &crate::Error::Refused {
                host: "intranet.example".into(),
                ip,
                reason: "private (10.0.0.0/8)",
            },
            "intranet.example",
            "intranet.example:443",
        );
        assert_eq!(e.status, StatusCode::FORBIDDEN);
        assert!(!e.message.contains("10.0.0.7"), "{e}");
        let e = AppError::from_scan(
            &crate::Error::Unresolvable {
                host: "x.test".into(),
                message: "failed to lookup address information: Name or service not known".into(),
            },
            "x.test",
            "x.test:443",
        );
        assert_eq!(e.status, StatusCode::BAD_GATEWAY);
        assert!(!e.message.contains("lookup"), "{e}");
        let e = AppError::from_scan(
            &crate::Error::Unreachable {
                target: "x.test:443".into(),
                message: "192.0.2.1: connect timed out".into(),
                timed_out: true,
            },
            "x.test",
            "x.test:443",
        );
        assert_eq!(e.status, StatusCode::GATEWAY_TIMEOUT);
        assert!(!e.message.contains("192.0.2.1"));
        let e = AppError::from_scan(
            &crate::Error::Unreachable {
                target: "x.test:443".into(),
                message: "192.0.2.1: connection refused".into(),
                timed_out: false,
            },
            "x.test",
            "x.test:443",
        );
        assert_eq!((e.status, e.code), (StatusCode::BAD_GATEWAY, "unreachable"));
        let e = AppError::from_scan(
            &crate::Error::Io(std::io::Error::other("secret /etc/path")),
            "x.test",
            "x.test:443",
        );
        assert_eq!(e.status, StatusCode::INTERNAL_SERVER_ERROR);
        assert!(!e.message.contains("secret"));
    }

    #[test]
    fn error_response_shape() {
        let res = AppError::rate_limited(7, false).into_response();
        assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(res.headers()[header::RETRY_AFTER], "7");
        let res = AppError::unauthorized().into_response();
        assert!(res.headers().contains_key(header::WWW_AUTHENTICATE));
        let body = AppError::bad_input("nope").body();
        assert_eq!(body["error"]["code"], "bad_input");
        assert_eq!(body["error"]["message"], "nope");
    }
}
