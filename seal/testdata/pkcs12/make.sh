#!/bin/sh
# Regenerates the PKCS#12 fixtures of seal's tests (password "motdepasse").
# ecdsa-chain.p12: an ECDSA P-256 institution certificate issued by a root CA,
#   with the root in the file, classic 3DES encryption.
# rsa.p12: a self-signed RSA-2048 certificate, classic 3DES encryption.
# aes.p12: the same RSA key with OpenSSL 3's default AES encryption (PBES2),
#   which golang.org/x/crypto/pkcs12 cannot read.
set -eu
cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
legacy="-keypbe PBE-SHA1-3DES -certpbe PBE-SHA1-3DES -macalg sha1"

openssl ecparam -name prime256v1 -genkey -noout -out "$tmp/ca.key"
openssl req -x509 -new -key "$tmp/ca.key" -days 10950 -out "$tmp/ca.pem" \
  -subj "/C=FR/O=Université d'exemple/CN=Autorité de test" -utf8 \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign"
openssl ecparam -name prime256v1 -genkey -noout -out "$tmp/inst.key"
openssl req -new -key "$tmp/inst.key" -out "$tmp/inst.csr" -utf8 \
  -subj "/C=FR/O=Université d'exemple/OU=Service de formation continue/CN=Université d'exemple"
openssl x509 -req -in "$tmp/inst.csr" -CA "$tmp/ca.pem" -CAkey "$tmp/ca.key" \
  -CAcreateserial -days 10950 -out "$tmp/inst.pem"
openssl pkcs12 -export $legacy -inkey "$tmp/inst.key" -in "$tmp/inst.pem" \
  -certfile "$tmp/ca.pem" -passout pass:motdepasse -out ecdsa-chain.p12
cp "$tmp/ca.pem" ecdsa-root.pem

openssl req -x509 -newkey rsa:2048 -nodes -keyout "$tmp/rsa.key" -days 10950 \
  -out "$tmp/rsa.pem" -utf8 -subj "/C=FR/O=Université d'exemple/CN=Présidence"
openssl pkcs12 -export $legacy -inkey "$tmp/rsa.key" -in "$tmp/rsa.pem" \
  -passout pass:motdepasse -out rsa.p12
openssl pkcs12 -export -inkey "$tmp/rsa.key" -in "$tmp/rsa.pem" \
  -passout pass:motdepasse -out aes.p12
