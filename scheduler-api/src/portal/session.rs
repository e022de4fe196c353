//! Who is visiting the portal: the session cookie (HttpOnly, SameSite=Strict,
//! Path=/portail, Secure behind TLS) read into a [`Member`], and the CSRF
//! token every form carries. The API never reads this cookie: it takes
//! bearer tokens only, so no page can be used to forge an API call.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use greffe_models::access::Operation;
use greffe_store::sessions::{LIFETIME_HOURS, Session};

use crate::api::AppState;
use crate::api::extract::Caller;
use crate::error::Error;

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "greffe_session";
/// The cookie of the sign-in form's CSRF token (double submit: no session yet).
pub const SIGNIN_CSRF_COOKIE: &str = "greffe_csrf";

/// The value of cookie `name`, if the request has it.
pub fn cookie<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
}

/// Whether the request came through TLS (a reverse proxy says so with
/// `X-Forwarded-Proto: https`): the cookies are then marked `Secure`.
fn behind_tls(headers: &HeaderMap) -> bool {
    headers.get("x-forwarded-proto").and_then(|v| v.to_str().ok()).is_some_and(|v| v.eq_ignore_ascii_case("https"))
}

/// A `Set-Cookie` value for the portal.
pub fn set_cookie(headers: &HeaderMap, name: &str, value: &str, max_age_seconds: i64) -> HeaderValue {
    let secure = if behind_tls(headers) { "; Secure" } else { "" };
    let text = format!("{name}={value}; Path=/portail; HttpOnly; SameSite=Strict; Max-Age={max_age_seconds}{secure}");
    HeaderValue::from_str(&text).unwrap_or_else(|_| HeaderValue::from_static("greffe_invalid=; Max-Age=0"))
}

/// The session cookie for a new session.
pub fn session_cookie(headers: &HeaderMap, token: &str) -> HeaderValue {
    set_cookie(headers, SESSION_COOKIE, token, LIFETIME_HOURS * 3600)
}

/// A signed-in visitor.
#[derive(Debug, Clone)]
pub struct Member {
    /// The session (user and CSRF token).
    pub session: Session,
    /// The cookie's value (to sign out).
    pub token: String,
    /// Who reads what (the service's `Visibility`).
    pub visibility: std::sync::Arc<greffe_models::access::Visibility>,
}

impl Member {
    /// Whether the member's role may do `operation` (the one access table).
    pub fn may(&self, operation: Operation) -> bool {
        self.session.user.role.may(operation)
    }

    /// Whether the member's role reads `view` (the service's `Visibility`).
    pub fn reads(&self, view: greffe_models::access::View) -> bool {
        self.visibility.allows(self.session.user.role, view)
    }

    /// The member as the API's handlers see a caller: the same checks of
    /// role (`require`) and chambers (`require_chamber`, `scope`).
    pub fn caller(&self) -> Caller {
        Caller(self.session.user.clone())
    }

    /// Who is journaled as having acted.
    pub fn actor(&self) -> &str {
        &self.session.user.id
    }

    /// Refuses a form that does not carry this session's CSRF token.
    pub fn require_csrf(&self, sent: &str) -> Result<(), Error> {
        if self.csrf_matches(sent) {
            Ok(())
        } else {
            Err(Error::forbidden("formulaire sans jeton de session valide").action("recharger la page puis réessayer"))
        }
    }

    /// Whether a form's CSRF token is this session's.
    pub fn csrf_matches(&self, sent: &str) -> bool {
        constant_time_eq(sent.as_bytes(), self.session.csrf.as_bytes())
    }
}

/// Compares without stopping at the first difference.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0_u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Not signed in: sent to the sign-in page, then back where they were going.
#[derive(Debug)]
pub struct SignInFirst(String);

impl IntoResponse for SignInFirst {
    fn into_response(self) -> Response {
        let next: String = form_urlencoded::byte_serialize(self.0.as_bytes()).collect();
        Redirect::to(&format!("/portail/connexion?suite={next}")).into_response()
    }
}

impl FromRequestParts<AppState> for Member {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let wanted = parts.uri.path_and_query().map_or("/portail/", |p| p.as_str()).to_owned();
        let Some(token) = cookie(&parts.headers, SESSION_COOKIE).map(str::to_owned) else {
            return Err(SignInFirst(wanted).into_response());
        };
        match state.store.session(&token).await {
            Ok(Some(session)) => Ok(Self { session, token, visibility: std::sync::Arc::clone(&state.visibility) }),
            Ok(None) => Err(SignInFirst(wanted).into_response()),
            Err(error) => Err(super::pages::failure(&error.into())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_read_by_name_and_compared_in_constant_time() {
        let mut headers = HeaderMap::new();
        headers.insert(header::COOKIE, HeaderValue::from_static("a=1; greffe_session=abc; b=2"));
        assert_eq!(cookie(&headers, SESSION_COOKIE), Some("abc"));
        assert_eq!(cookie(&headers, "missing"), None);
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
        let value = session_cookie(&headers, "t");
        let text = value.to_str().unwrap_or("");
        assert!(text.contains("HttpOnly") && text.contains("SameSite=Strict") && text.contains("Path=/portail"));
        assert!(!text.contains("Secure"), "plain HTTP on loopback");
        headers.insert("x-forwarded-proto", HeaderValue::from_static("https"));
        assert!(session_cookie(&headers, "t").to_str().unwrap_or("").ends_with("; Secure"));
    }
}
