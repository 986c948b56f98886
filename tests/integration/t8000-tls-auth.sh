#!/usr/bin/env bash
# t8000-tls-auth: connecting through TLS with client verification and
# user/password, with a token, an nkey and a creds file (operator mode,
# JWTs made by tests/lib/mkcreds.py); wrong credentials and
# untrusted certificates exit 3 with one clear line; creds and nkey files
# readable by others are warned about; a subscription the server refuses
# is a visible gap; no planted secret shows up in any output.
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
# A password with '@' in it: nats.c splits the URL at the last '@'.
cat >"$TEST_DIR/at.conf" <<CONF
authorization {
  users = [ { user: carol, password: "p@$PW" } ]
}
CONF
start_nats at -c "$TEST_DIR/at.conf"
AT_URL=${NATS_URL/nats:\/\//nats://carol:p@$PW@}

# nkey_encode PREFIX-BYTES HEX: nkeys text (base32 of prefix, key and a
# CRC-16/XMODEM, little-endian), written here independently of latticectl.
nkey_encode() {
	python3 -c 'import base64, sys
b = bytes(int(x) for x in sys.argv[1].split(",")) + bytes.fromhex(sys.argv[2])
crc = 0
for c in b:
    crc ^= c << 8
    for _ in range(8):
        crc = ((crc << 1) ^ 0x1021 if crc & 0x8000 else crc << 1) & 0xffff
print(base64.b32encode(b + bytes([crc & 255, crc >> 8])).decode().rstrip("="))' "$@"
}
# A fresh ed25519 key pair from openssl as an nkey user seed and public key.
openssl genpkey -algorithm ed25519 -out "$C/nkey.pem" 2>/dev/null
NK_SEED=$(nkey_encode 149,0 "$(openssl pkey -in "$C/nkey.pem" -outform DER | tail -c 32 | od -An -tx1 | tr -d ' \n')")
NK_PUB=$(nkey_encode 160 "$(openssl pkey -in "$C/nkey.pem" -pubout -outform DER | tail -c 32 | od -An -tx1 | tr -d ' \n')")
like "$NK_SEED $NK_PUB" "^SU[A-Z2-7]{56} U[A-Z2-7]{55}$" "an nkey pair made with openssl"
( umask 077; echo "$NK_SEED" >"$TEST_DIR/user.nk" )
cat >"$TEST_DIR/nkey.conf" <<CONF
authorization {
  users = [
    { nkey: $NK_PUB }
    { user: bob, password: "$PW", permissions: { subscribe: { deny: "wasmbus.evt.>" } } }
  ]
}
CONF
start_nats nk -c "$TEST_DIR/nkey.conf"
NK_URL=$NATS_URL
# Decentralized auth: operator, account and user JWTs signed with openssl.
mkdir -p "$TEST_DIR/jwt"
python3 "$LT_SRCDIR/tests/lib/mkcreds.py" "$TEST_DIR/jwt"
ok $? "operator, account and user JWTs made"
start_nats op -c "$TEST_DIR/jwt/server.conf"
OP_URL=$NATS_URL
CREDS_SEED=$(sed -n '/BEGIN USER NKEY SEED/{n;p}' "$TEST_DIR/jwt/user.creds")
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

# nkey: the public key is derived from the seed; nats.c signs the nonce.
run nk-ok 0 "nkey auth with a seed file" -s "$NK_URL" --nkey "$TEST_DIR/user.nk" "${W[@]}"
unlike "$(cat "$TEST_DIR/nk-ok.err")" "warning" "no warning for a seed file at mode 600"
NATS_NKEY=$TEST_DIR/user.nk run nk-env 0 "nkey from the environment" -s "$NK_URL" "${W[@]}"
# the example seed of the NATS documentation: valid, but not a known user
echo SUACSSL3UAHUDXKFSNVUZRF5UHPMWZ6BFDTJ7M6USDXIEDNPPQYYYCU3VY >"$TEST_DIR/other.nk"
chmod 644 "$TEST_DIR/other.nk"
run nk-unknown 3 "an nkey the server does not know exits 3" -s "$NK_URL" \
    --nkey "$TEST_DIR/other.nk" "${W[@]}"
like "$(cat "$TEST_DIR/nk-unknown.err")" "warning: nkey file '.*other.nk' is readable by others" \
    "an nkey file readable by others is warned about"
like "$(tail -1 "$TEST_DIR/nk-unknown.err")" "^latticectl: .*(uthori|auth)" "the error says authorization failed"
( umask 077; echo "${NK_SEED%??}AA" >"$TEST_DIR/bad.nk" )
run nk-bad 3 "a damaged seed exits 3" -s "$NK_URL" --nkey "$TEST_DIR/bad.nk" "${W[@]}"
like "$(cat "$TEST_DIR/nk-bad.err")" "nkey file '.*bad.nk': .*(checksum|not an nkey seed)" \
    "naming the file and the fault"
printf -- '-----BEGIN NATS USER JWT-----\neyJ0eXAiOiJKV1QifQ.e30.x\n------END NATS USER JWT------\n' >"$TEST_DIR/user.creds"
cat "$TEST_DIR/open.creds" >>"$TEST_DIR/user.creds"
chmod 600 "$TEST_DIR/user.creds"
run nk-creds 3 "a creds file given as --nkey exits 3" -s "$NK_URL" --nkey "$TEST_DIR/user.creds" "${W[@]}"
like "$(cat "$TEST_DIR/nk-creds.err")" "use --creds" "and points to --creds"

# creds: a user JWT signed by an account the server's operator signed.
run creds-ok 0 "creds file auth (operator mode)" -s "$OP_URL" --creds "$TEST_DIR/jwt/user.creds" "${W[@]}"
unlike "$(cat "$TEST_DIR/creds-ok.err")" "warning" "no warning for a creds file at mode 600"
NATS_CREDS=$TEST_DIR/jwt/user.creds run creds-env 0 "creds file from the environment" -s "$OP_URL" "${W[@]}"
run creds-stranger 3 "a user of an account the server does not know exits 3" \
    -s "$OP_URL" --creds "$TEST_DIR/jwt/other.creds" "${W[@]}"
like "$(tail -1 "$TEST_DIR/creds-stranger.err")" "^latticectl: .*(uthori|auth)" "the error says authorization failed"
run creds-wrongserver 3 "a creds file against a server without operator mode exits 3" \
    -s "$TOK_URL" --creds "$TEST_DIR/jwt/user.creds" "${W[@]}"

# A subscription the server refuses (an asynchronous -ERR): a visible gap,
# not a silent watch.
run denied 0 "watch where subscribing to events is denied" -s "$NK_URL" \
    --user bob --password "$PW" watch --idle 1s
like "$(cat "$TEST_DIR/denied.out")" "-- gap: client-error .*Permissions Violation" \
    "the refused subscription is a gap line"
like "$(cat "$TEST_DIR/denied.err")" "1 gap" "and counted in the summary"

# A password holding '@' connects, and no output shows what follows it.
run at-doctor 1 "doctor with '@' in the URL's password" -s "$AT_URL" doctor --wait 100ms
like "$(cat "$TEST_DIR/at-doctor.out")" "^PASS  server +nats-server [0-9]+\.[0-9]+\.[0-9]+ at nats://127\.0\.0\.1:[0-9]+ " \
    "doctor reads the server version through it and shows the URL without it"
run at-bad 3 "a wrong password with '@'" -s "${AT_URL/@127/x@127}" "${W[@]}"
like "$(cat "$TEST_DIR/at-bad.err")" "'nats://127\.0\.0\.1:[0-9]+'" "the error shows the bare URL"
run at-rec 0 "a recording with '@' in the URL's password" -s "$AT_URL" \
    watch --idle 100ms --record "$TEST_DIR/at.rec" --server="$AT_URL" \
    --where "data.password=$PW" --where "data.url~https://h/?token=$PW"
cat "$TEST_DIR/at.rec" >>"$all_out"
like "$(head -1 "$TEST_DIR/at.rec")" '"argv":\[[^]]*"nats://127\.0\.0\.1:[0-9]+"' \
    "the recorded argv keeps the host"
like "$(head -1 "$TEST_DIR/at.rec")" '"data\.password=<redacted:[0-9a-f]{8}>"' \
    "and masks a secret in a filter"
like "$(head -1 "$TEST_DIR/at.rec")" '"server":\{[^}]*"version":"[0-9]+\.' \
    "and the meta record has the server's version"
run at-show 0 "config show with '@' in the URL's password" -s "$AT_URL" config show
like "$(cat "$TEST_DIR/at-show.out")" "^server +nats://127\.0\.0\.1:[0-9]+$" "config show keeps the host"

# Settings display and verbose runs never show a secret either.
run show 0 "config show with secrets set" -s "$TOK_URL" --token "$TOK" --user alice \
    --password "$PW" --nkey "$TEST_DIR/user.nk" config show
run verbose 3 "verbose run with a wrong password" -v -s "$TLS_URL" "${TLS[@]}" \
    --user alice --password "$PW-x" "${W[@]}"
run json 3 "JSON error object with a wrong token" -o ndjson -s "$TOK_URL" --token "y$TOK" "${W[@]}"
unlike "$(cat "$all_out")" "PlantedSecret|SUAPLANTED|${NK_SEED:0:20}|SUACSSL3UAHUD|${CREDS_SEED:0:20}" \
    "no planted secret or seed in any output or error"

done_testing
