#!/usr/bin/env python3
"""mkcreds.py DIR: a throwaway NATS operator, account and user made with
the openssl command (ed25519) and the standard library, for tests that
need decentralized (JWT) auth without nsc. Writes into DIR:

  server.conf   operator mode with a memory resolver holding the account
                and a system account (JetStream needs one)
  user.creds    the user's JWT and seed, as nsc writes a creds file
  user.seed     the user's seed alone
  other.creds   a user of an account the server does not know

Tokens are nats JWT v2 (header {"typ":"JWT","alg":"ed25519-nkey"}),
signed by the issuer's key: operator -> account -> user."""
import base64
import hashlib
import json
import os
import subprocess
import sys
import time

PREFIX = {"operator": 14 << 3, "account": 0, "user": 20 << 3}
SEED = 18 << 3


def crc16(data):
    crc = 0
    for b in data:
        crc ^= b << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021 if crc & 0x8000 else crc << 1) & 0xFFFF
    return crc


def b32(raw):
    raw += bytes([crc16(raw) & 0xFF, crc16(raw) >> 8])
    return base64.b32encode(raw).decode().rstrip("=")


def b64url(raw):
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


class Key:
    """An ed25519 key pair (an openssl PEM file) as nkey text."""

    def __init__(self, kind, path):
        subprocess.run(["openssl", "genpkey", "-algorithm", "ed25519",
                        "-out", path], check=True, capture_output=True)
        self.path = path
        priv = self._der(["-outform", "DER"])[-32:]
        pub = self._der(["-pubout", "-outform", "DER"])[-32:]
        p = PREFIX[kind]
        self.public = b32(bytes([p]) + pub)
        self.seed = b32(bytes([SEED | p >> 5, (p & 31) << 3]) + priv)

    def _der(self, args):
        return subprocess.run(["openssl", "pkey", "-in", self.path] + args,
                              check=True, capture_output=True).stdout

    def sign(self, data):
        # (ed25519 signs in one shot: openssl wants a file, not a pipe)
        path = self.path + ".in"
        with open(path, "wb") as f:
            f.write(data)
        try:
            return subprocess.run(["openssl", "pkeyutl", "-sign", "-rawin",
                                   "-inkey", self.path, "-in", path],
                                  check=True, capture_output=True).stdout
        finally:
            os.unlink(path)


def jwt(issuer, subject, name, nats):
    claims = {"iat": int(time.time()), "iss": issuer.public, "name": name,
              "sub": subject, "nats": dict(nats, version=2)}
    claims["jti"] = base64.b32encode(hashlib.sha256(
        json.dumps(claims, sort_keys=True).encode()).digest()).decode().rstrip("=")
    head = b64url(json.dumps({"typ": "JWT", "alg": "ed25519-nkey"}).encode())
    body = b64url(json.dumps(claims).encode())
    signed = (head + "." + body).encode()
    return head + "." + body + "." + b64url(issuer.sign(signed))


def creds(user_jwt, seed):
    return ("-----BEGIN NATS USER JWT-----\n%s\n------END NATS USER JWT------\n\n"
            "-----BEGIN USER NKEY SEED-----\n%s\n------END USER NKEY SEED------\n"
            % (user_jwt, seed))


def write(path, text):
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(text)


def main(out):
    unlimited = {"subs": -1, "data": -1, "payload": -1, "imports": -1,
                 "exports": -1, "wildcards": True, "conn": -1, "leaf": -1}
    op = Key("operator", os.path.join(out, "operator.pem"))
    acc = Key("account", os.path.join(out, "account.pem"))
    sys_acc = Key("account", os.path.join(out, "sys.pem"))
    stranger = Key("account", os.path.join(out, "stranger.pem"))
    user = Key("user", os.path.join(out, "user.pem"))
    other = Key("user", os.path.join(out, "other.pem"))
    user_nats = {"type": "user", "pub": {}, "sub": {}, "subs": -1,
                 "data": -1, "payload": -1}
    accounts = "".join('  %s: "%s"\n' % (a.public, jwt(
        op, a.public, name, {"type": "account", "limits": unlimited}))
        for a, name in ((acc, "lt-acc"), (sys_acc, "SYS")))
    write(os.path.join(out, "server.conf"),
          'operator: "%s"\nsystem_account: %s\nresolver: MEMORY\n'
          'resolver_preload: {\n%s}\n'
          % (jwt(op, op.public, "lt-op", {"type": "operator"}),
             sys_acc.public, accounts))
    write(os.path.join(out, "user.creds"),
          creds(jwt(acc, user.public, "lt-user", user_nats), user.seed))
    write(os.path.join(out, "user.seed"), user.seed + "\n")
    write(os.path.join(out, "other.creds"),
          creds(jwt(stranger, other.public, "lt-other", user_nats), other.seed))
    for k in (op, acc, sys_acc, stranger, user, other):
        os.unlink(k.path)


if __name__ == "__main__":
    main(sys.argv[1])
