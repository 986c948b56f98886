#!/usr/bin/env bash
# t8000-tls-auth: connecting through TLS with client verification and
# user/password, and with a token; wrong credentials and untrusted
# certificates exit 3 with one clear line; a creds file readable by others
# is warned about; no planted secret shows up in any output.
. "$LT_SRCDIR/tests/lib/lib.sh"

command -v openssl >/dev/null || { echo "1..0 # SKIP no openssl"; exit 0; }
PW=PlantedSecretPw4711
TOK=PlantedSecretTok0815
C=$TEST_DIR/certs
mkdir -p "$C"

# mkca NAME: a self-signed CA; mkcert CA NAME: a cert signed by it for
# 127.0.0.1/localhost.
mkca() {
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=$1" \
	    -keyout "$C/$1.key" -out "$C/$1.pem" 2>/dev/null
}
mkcert() {
	openssl req -newkey rsa:2048 -nodes -subj "/CN=$2" \
	    -keyout "$C/$2.key" -out "$C/$2.csr" 2>/dev/null &&
	printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' >"$C/$2.ext" &&
	openssl x509 -req -in "$C/$2.csr" -CA "$C/$1.pem" -CAkey "$C/$1.key" \
	    -CAcreateserial -days 2 -extfile "$C/$2.ext" -out "$C/$2.pem" 2>/dev/null
}
mkca ca && mkca rogue && mkcert ca server && mkcert ca client && mkcert rogue intruder
ok $? "certificates made with openssl"

cat >"$TEST_DIR/tls.conf" <<CONF
tls {
  cert_file: "$C/server.pem"
  key_file: "$C/server.key"
  ca_file: "$C/ca.pem"
  verify: true
  timeout: 5
}
authorization {
  users = [ { user: alice, password: "$PW" } ]
}
CONF
start_nats tls -c "$TEST_DIR/tls.conf"
TLS_URL=$NATS_URL
start_nats tok --auth "$TOK"
TOK_URL=$NATS_URL
unset NATS_URL

all_out=$TEST_DIR/all-output
# run NAME WANT-RC DESC ARGS...: latticectl ARGS (connect and exit after
# an idle moment), exit status WANT-RC; output kept for the secret scan.
run() {
	local name=$1 want=$2 desc=$3
	shift 3
	lt "$@" >"$TEST_DIR/$name.out" 2>"$TEST_DIR/$name.err"
	is "$?" "$want" "$desc"
	cat "$TEST_DIR/$name.out" "$TEST_DIR/$name.err" >>"$all_out"
}
TLS=(--tlsca "$C/ca.pem" --tlscert "$C/client.pem" --tlskey "$C/client.key")
W=(watch --idle 100ms)

run tls-ok 0 "TLS with a verified client certificate and user/password" \
    -s "$TLS_URL" "${TLS[@]}" --user alice --password "$PW" "${W[@]}"
NATS_USER=alice NATS_PASSWORD=$PW run tls-env 0 "user/password from the environment" \
    -s "$TLS_URL" "${TLS[@]}" "${W[@]}"
run tls-badpw 3 "wrong password exits 3" \
    -s "$TLS_URL" "${TLS[@]}" --user alice --password "wrong-$PW" "${W[@]}"
like "$(cat "$TEST_DIR/tls-badpw.err")" "^latticectl: .*(uthori|auth)" "the error says authorization failed"
is "$(lines "$TEST_DIR/tls-badpw.err")" 1 "in one line"
run tls-nouser 3 "no credentials at all exits 3" \
    -s "$TLS_URL" "${TLS[@]}" "${W[@]}"
run tls-noclient 3 "no client certificate exits 3" \
    -s "$TLS_URL" --tlsca "$C/ca.pem" --user alice --password "$PW" "${W[@]}"
run tls-untrusted-server 3 "server certificate from an untrusted CA exits 3" \
    -s "$TLS_URL" --tlsca "$C/rogue.pem" --tlscert "$C/client.pem" \
    --tlskey "$C/client.key" --user alice --password "$PW" "${W[@]}"
like "$(cat "$TEST_DIR/tls-untrusted-server.err")" "^latticectl: .*(SSL|TLS|certificate|verif)" \
    "the error names the TLS failure"
run tls-untrusted-client 3 "client certificate from an untrusted CA exits 3" \
    -s "$TLS_URL" --tlsca "$C/ca.pem" --tlscert "$C/intruder.pem" \
    --tlskey "$C/intruder.key" --user alice --password "$PW" "${W[@]}"
run tls-badca 3 "a CA file that is not PEM exits 3" \
    -s "$TLS_URL" --tlsca "$TEST_DIR/tls.conf" --user alice --password "$PW" "${W[@]}"
like "$(cat "$TEST_DIR/tls-badca.err")" "TLS CA file .* not a usable PEM" "and says so"

run tok-ok 0 "token auth" -s "$TOK_URL" --token "$TOK" "${W[@]}"
NATS_TOKEN=$TOK run tok-env 0 "token from the environment" -s "$TOK_URL" "${W[@]}"
run tok-bad 3 "wrong token exits 3" -s "$TOK_URL" --token "x$TOK" "${W[@]}"
run tok-none 3 "missing token exits 3" -s "$TOK_URL" "${W[@]}"

# A creds file others can read: a warning before anything else happens.
printf -- '-----BEGIN USER NKEY SEED-----\nSUAPLANTEDSECRETSEED\n------END USER NKEY SEED------\n' \
    >"$TEST_DIR/open.creds"
chmod 644 "$TEST_DIR/open.creds"
run creds-open 3 "an unusable creds file exits 3" -s "$TOK_URL" --creds "$TEST_DIR/open.creds" "${W[@]}"
like "$(cat "$TEST_DIR/creds-open.err")" "warning: creds file '.*open.creds' is readable by others" \
    "a creds file readable by others is warned about"
chmod 600 "$TEST_DIR/open.creds"
run creds-closed 3 "the same file at mode 600" -s "$TOK_URL" --creds "$TEST_DIR/open.creds" "${W[@]}"
unlike "$(cat "$TEST_DIR/creds-closed.err")" "readable by others" "no warning at mode 600"
run creds-missing 3 "a missing creds file exits 3" -s "$TOK_URL" --creds "$TEST_DIR/nope.creds" "${W[@]}"
like "$(cat "$TEST_DIR/creds-missing.err")" "creds file '.*nope.creds'" "naming the file"

# Settings display and verbose runs never show a secret either.
run show 0 "config show with secrets set" -s "$TOK_URL" --token "$TOK" --user alice \
    --password "$PW" config show
run verbose 3 "verbose run with a wrong password" -v -s "$TLS_URL" "${TLS[@]}" \
    --user alice --password "$PW-x" "${W[@]}"
run json 3 "JSON error object with a wrong token" -o json -s "$TOK_URL" --token "y$TOK" "${W[@]}"
unlike "$(cat "$all_out")" "PlantedSecret|SUAPLANTED" "no planted secret in any output or error"

done_testing
