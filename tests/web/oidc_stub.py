"""A stub OpenID Connect provider for the sign-in tests: discovery, authorize (answered by
the test, as the person's browser and consent would), token (an RS256-signed id_token),
userinfo and JWKS, over real HTTP on localhost, so allauth talks to it as to Google or
Entra ID."""

from __future__ import annotations

import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm


class Stub:
    def __init__(self, client_id: str = "aimline-test", secret: str = "stub-secret") -> None:
        self.client_id, self.secret = client_id, secret
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.codes: dict[str, dict[str, Any]] = {}  # code -> claims (the signed-in person)
        self.tokens: dict[str, dict[str, Any]] = {}
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()

    def consent(self, authorize_url: str, person: dict[str, Any]) -> str:
        """The person signs in at the provider: the callback URL (path and query) their
        browser is sent back to."""
        q = {k: v[0] for k, v in parse_qs(urlparse(authorize_url).query).items()}
        assert q["client_id"] == self.client_id and q["response_type"] == "code"
        code = secrets.token_urlsafe(16)
        self.codes[code] = {**person, "nonce": q.get("nonce")}
        back = urlparse(q["redirect_uri"])
        return f"{back.path}?code={code}&state={q['state']}"

    def _id_token(self, claims: dict[str, Any]) -> str:
        now = int(time.time())
        body = {"iss": self.url, "aud": self.client_id, "iat": now, "exp": now + 300,
                **{k: v for k, v in claims.items() if v is not None}}
        return jwt.encode(body, self.key, algorithm="RS256", headers={"kid": "k1"})

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _json(self, body: Any, status: int = 200) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                path = urlparse(self.path).path
                if path == "/.well-known/openid-configuration":
                    self._json({"issuer": stub.url,
                                "authorization_endpoint": f"{stub.url}/authorize",
                                "token_endpoint": f"{stub.url}/token",
                                "userinfo_endpoint": f"{stub.url}/userinfo",
                                "jwks_uri": f"{stub.url}/jwks",
                                "token_endpoint_auth_methods_supported": [
                                    "client_secret_post"]})
                elif path == "/jwks":
                    jwk = json.loads(RSAAlgorithm.to_jwk(stub.key.public_key()))
                    self._json({"keys": [{**jwk, "kid": "k1", "use": "sig", "alg": "RS256"}]})
                elif path == "/userinfo":
                    token = self.headers.get("Authorization", "").removeprefix("Bearer ")
                    claims = stub.tokens.get(token)
                    if claims is None:
                        self._json({"error": "invalid_token"}, 401)
                    else:
                        self._json({k: v for k, v in claims.items() if k != "nonce"})
                else:
                    self._json({"error": "not_found"}, 404)

            def do_POST(self) -> None:
                n = int(self.headers.get("Content-Length", 0))
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(n).decode()).items()}
                claims = stub.codes.pop(form.get("code", ""), None)
                if (urlparse(self.path).path != "/token" or claims is None
                        or form.get("client_id") != stub.client_id
                        or form.get("client_secret") != stub.secret):
                    self._json({"error": "invalid_grant"}, 400)
                    return
                access = secrets.token_urlsafe(16)
                stub.tokens[access] = claims
                self._json({"access_token": access, "token_type": "Bearer",
                            "expires_in": 300, "id_token": stub._id_token(claims)})
        return Handler
