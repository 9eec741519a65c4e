#!/usr/bin/env python3
# tests/unit/noise-interop.py UNIT: bin/ddns-syncd/noise.c (the responder
# mode of the unit driver tests/unit/noise.c) against an initiator of
# Noise_NNpsk0_25519_ChaChaPoly_SHA256 written here from the specification
# (revision 34) on other primitives: Python's cryptography (OpenSSL) for
# X25519 and ChaCha20-Poly1305, hashlib and hmac for SHA-256 and HKDF.
# Then a message 1 with one bit changed must be refused.
import sys, os, subprocess, hashlib, hmac
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives import serialization

def H(b): return hashlib.sha256(b).digest()
def HM(k, b): return hmac.new(k, b, hashlib.sha256).digest()
def hkdf(ck, ikm, n):
    t = HM(ck, ikm); o1 = HM(t, b'\x01'); o2 = HM(t, o1 + b'\x02')
    return (o1, o2) if n == 2 else (o1, o2, HM(t, o2 + b'\x03'))
def nonce(n): return b'\0' * 4 + n.to_bytes(8, 'little')
raw = lambda k: k.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)

psk = os.urandom(32)
prologue = b'interop'
name = b'Noise_NNpsk0_25519_ChaChaPoly_SHA256'
h = H(name); ck = h
h = H(h + prologue)
# -> psk, e
ck, th, k = hkdf(ck, psk, 3); h = H(h + th); n = 0
e = X25519PrivateKey.generate(); epub = raw(e)
h = H(h + epub); ck, k = hkdf(ck, epub, 2); n = 0
tag = ChaCha20Poly1305(k).encrypt(nonce(n), b'', h); n += 1; h = H(h + tag)
msg1 = epub + tag
p = subprocess.Popen([sys.argv[1], 'respond', psk.hex()], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
p.stdin.write(msg1.hex() + '\n'); p.stdin.flush()
msg2 = bytes.fromhex(p.stdout.readline().strip())
re = msg2[:32]
h = H(h + re); ck, k = hkdf(ck, re, 2); n = 0
dh = e.exchange(X25519PublicKey.from_public_bytes(re))
ck, k = hkdf(ck, dh, 2); n = 0
ChaCha20Poly1305(k).decrypt(nonce(n), msg2[32:], h)   # raises if wrong
k1, k2 = hkdf(ck, b'', 2)
msg = b'from python, initiator'
p.stdin.write(ChaCha20Poly1305(k1).encrypt(nonce(0), msg, b'').hex() + '\n'); p.stdin.flush()
got = bytes.fromhex(p.stdout.readline().strip())
back = ChaCha20Poly1305(k2).decrypt(nonce(0), bytes.fromhex(p.stdout.readline().strip()), b'')
assert got == msg, got
assert back == msg[::-1], back
p.stdin.close(); p.wait()

bad = bytearray(msg1)
bad[40] ^= 1
q = subprocess.run([sys.argv[1], 'respond', psk.hex()], input=bytes(bad).hex() + '\n',
                   capture_output=True, text=True)
assert q.returncode == 1 and q.stdout == '', (q.returncode, q.stdout)
print('interop ok')
