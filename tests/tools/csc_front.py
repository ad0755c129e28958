#!/usr/bin/env python3
"""A CSC (Cloud Signature Consortium API v1) service on 127.0.0.1 for vbdt's tests.

Two servers in one process:
  * the dummy: certomancer-csc-dummy (PyPI, MIT), a real CSC implementation that signs
    hashes with the keys of a Certomancer PKI made here (fresh RSA keys, a root CA and
    signer certificates: `signer` valid, `ec-signer` valid with an ECDSA P-256 key,
    `expired` expired, `revoked` reported revoked);
  * the front: what the dummy lacks. It checks service authorization (a bearer token, or
    one issued by `oauth2/token` for OAuth2 client credentials), asks for a PIN and/or an
    OTP in `credentials/info` (authMode "explicit") and checks them in
    `credentials/authorize` before forwarding, sets `multisign`, and logs every request
    as one JSON line (path, whether it was authorized, and for authorize/signHash the
    number of hashes). Everything else is forwarded to the dummy. With
    --corrupt-signature N it damages the Nth signature of each signHash answer; with
    --only-credential ID, credentials/list names that one only; with --hang PATH, that
    path is answered only after two minutes. With --v2 it also offers API v2 at /csc/v2/
    (info says specs 2.0.0.2; credentials/info gives auth.mode and auth.objects with ids
    pin-1 and otp-1; authorize and signHash take hashes, hashAlgorithmOID and authData and
    refuse v1 fields), translated to the dummy's v1; without it /csc/v2/ answers 404.

Usage: csc_front.py --dir DIR [--token T] [--client-id ID --client-secret S] [--pin P]
                    [--otp O] [--multisign N]
Writes DIR/root.crt (DER), DIR/requests.log, and, when both servers listen,
DIR/ports.json {"front": PORT, "dummy": PORT}. Runs until killed.
"""

import argparse
import asyncio
import base64
import datetime
import json
import os
import secrets
import sys

import aiohttp
from aiohttp import web
from certomancer import registry
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec as ec_keys
from cryptography.hazmat.primitives.asymmetric import rsa
from csc_dummy.csc_dummy_server import CSCWithCertomancer, DummyServiceParams


def write_key(path, ec=False):
    key = ec_keys.generate_private_key(ec_keys.SECP256R1()) if ec else rsa.generate_private_key(public_exponent=65537, key_size=2048)
    with open(path, 'wb') as f:
        f.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                  serialization.NoEncryption()))


NAMES = ('root', 'signer', 'expired', 'revoked', 'ec-signer')


def certomancer_config(directory):
    keys = os.path.join(directory, 'keys')
    os.makedirs(keys, exist_ok=True)
    for name in NAMES:
        path = os.path.join(keys, name + '.key.pem')
        if not os.path.exists(path):
            write_key(path, ec=name == 'ec-signer')
    now = datetime.datetime.now(datetime.timezone.utc)
    fmt = lambda d: d.strftime('%Y-%m-%dT%H:%M:%S+0000')
    valid = {'valid-from': fmt(now - datetime.timedelta(days=30)), 'valid-to': fmt(now + datetime.timedelta(days=365))}
    signer_ext = [
        {'id': 'key_usage', 'critical': True, 'smart-value': {'schema': 'key-usage', 'params': ['digital_signature', 'non_repudiation']}},
    ]
    cfg = {
        'keysets': {'csc': {'path-prefix': keys, 'keys': {
            n: {'path': n + '.key.pem'} for n in NAMES}}},
        'pki-architectures': {'vbdt': {
            'keyset': 'csc',
            'entity-defaults': {'country-name': 'VN', 'organization-name': 'vbdt CSC test'},
            'entities': {
                'root': {'common-name': 'vbdt CSC test root'},
                'signer': {'common-name': 'Nguyen Van CSC'},
                'expired': {'common-name': 'Tran Thi Expired'},
                'revoked': {'common-name': 'Le Van Revoked'},
                'ec-signer': {'common-name': 'Pham Thi ECDSA'},
            },
            'certs': {
                'root': {'subject': 'root', 'issuer': 'root', 'validity': {
                    'valid-from': fmt(now - datetime.timedelta(days=60)), 'valid-to': fmt(now + datetime.timedelta(days=3650))},
                    'extensions': [
                        {'id': 'basic_constraints', 'critical': True, 'value': {'ca': True}},
                        {'id': 'key_usage', 'critical': True, 'smart-value': {
                            'schema': 'key-usage', 'params': ['digital_signature', 'key_cert_sign', 'crl_sign']}},
                    ]},
                'signer': {'subject': 'signer', 'issuer': 'root', 'validity': valid, 'extensions': signer_ext},
                'expired': {'subject': 'expired', 'issuer': 'root', 'validity': {
                    'valid-from': fmt(now - datetime.timedelta(days=50)), 'valid-to': fmt(now - datetime.timedelta(days=1))},
                    'extensions': signer_ext},
                'revoked': {'subject': 'revoked', 'issuer': 'root', 'validity': valid, 'extensions': signer_ext},
                'ec-signer': {'subject': 'ec-signer', 'issuer': 'root', 'validity': valid, 'extensions': signer_ext},
            },
        }},
    }
    return registry.CertomancerConfig(cfg, key_search_dir=directory)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--dir', required=True)
    ap.add_argument('--token')
    ap.add_argument('--client-id')
    ap.add_argument('--client-secret')
    ap.add_argument('--pin')
    ap.add_argument('--otp')
    ap.add_argument('--multisign', type=int, default=100)
    ap.add_argument('--only-credential', help='credentials/list answers this one credential only')
    ap.add_argument('--v2', action='store_true', help='also offer CSC API v2 at /csc/v2/ (translated to the dummy\'s v1)')
    ap.add_argument('--hang', help='never answer this path (e.g. /csc/v1/signatures/signHash) in time')
    ap.add_argument('--corrupt-signature', type=int, default=None,
                    help='flip a bit in the Nth signature (0-based) of every signHash answer')
    args = ap.parse_args()

    cfg = certomancer_config(args.dir)
    arch = cfg.get_pki_arch('vbdt')
    with open(os.path.join(args.dir, 'root.crt'), 'wb') as f:
        f.write(arch.get_cert('root').dump())
    log_path = os.path.join(args.dir, 'requests.log')
    tokens = set([args.token] if args.token else [])

    def log(entry):
        with open(log_path, 'a') as f:
            f.write(json.dumps(entry) + '\n')

    dummy = CSCWithCertomancer(cfg, service_params=DummyServiceParams(multisign=args.multisign))
    dummy.register_routes()

    def error(status, code, description):
        return web.json_response({'error': code, 'error_description': description}, status=status)

    async def oauth_token(request):
        form = await request.post()
        ok = (form.get('grant_type') == 'client_credentials' and args.client_id is not None
              and form.get('client_id') == args.client_id and form.get('client_secret') == args.client_secret)
        log({'path': request.path, 'authorized': ok})
        if not ok:
            return error(400, 'invalid_client', 'client authentication failed')
        token = secrets.token_urlsafe(24)
        tokens.add(token)
        return web.json_response({'access_token': token, 'token_type': 'Bearer', 'expires_in': 3600})

    def v2_to_v1(path, params):
        """A v2 request as the dummy's v1 takes it; None and a reason when v1 fields are used."""
        if any(k in params for k in ('hash', 'hashAlgo', 'PIN', 'OTP')):
            return None, 'v1 field in a v2 request'
        v1 = {k: v for k, v in params.items() if k not in ('hashes', 'hashAlgorithmOID', 'authData')}
        if path.endswith(('credentials/authorize', 'signatures/signHash')):
            if 'hashes' not in params or 'hashAlgorithmOID' not in params:
                return None, 'hashes and hashAlgorithmOID are required'
            v1['hash'] = params['hashes']
            if path.endswith('signHash'):
                v1['hashAlgo'] = params['hashAlgorithmOID']
        return v1, ''

    async def forward(request):
        body = await request.read()
        auth = request.headers.get('Authorization', '')
        authorized = auth.startswith('Bearer ') and auth[7:] in tokens
        params = json.loads(body) if body else {}
        entry = {'path': request.path, 'authorized': authorized}
        if 'hash' in params or 'hashes' in params:
            entry['hashes'] = len(params.get('hash', params.get('hashes', [])))
        v2 = request.path.startswith('/csc/v2/')
        if v2 and not args.v2:
            log(entry)
            return error(404, 'not_found', 'no API v2 here')
        public = request.path in ('/csc/v1/info', '/csc/v2/info')
        if not authorized and not public:
            log(entry)
            return error(401, 'invalid_token', 'missing or invalid access token')
        if v2:
            auth_data = {a.get('id'): a.get('value') for a in params.get('authData', [])}
            params, why = v2_to_v1(request.path, params)
            if params is None:
                entry['refused'] = why
                log(entry)
                return error(400, 'invalid_request', why)
            params['PIN'], params['OTP'] = auth_data.get('pin-1'), auth_data.get('otp-1')
            if not request.path.endswith('credentials/authorize'):
                params.pop('PIN')
                params.pop('OTP')
            body = json.dumps(params).encode()
        v1_path = request.path.replace('/csc/v2/', '/csc/v1/')
        if v1_path == '/csc/v1/credentials/authorize':
            pin_ok = args.pin is None or params.get('PIN') == args.pin
            otp_ok = args.otp is None or params.get('OTP') == args.otp
            entry['secrets_ok'] = pin_ok and otp_ok
            params.pop('PIN', None)
            params.pop('OTP', None)
            if not (pin_ok and otp_ok):
                log(entry)
                return error(400, 'invalid_request', 'Invalid PIN or OTP')
            body = json.dumps(params).encode()
        log(entry)
        if request.path == args.hang:
            await asyncio.sleep(120)
        async with aiohttp.ClientSession() as session:
            async with session.post(f'http://127.0.0.1:{dummy_port}{v1_path}', data=body,
                                    headers={'Content-Type': 'application/json'}) as resp:
                data = await resp.read()
                status = resp.status
        if request.path == '/csc/v2/info' and status == 200:
            data = json.dumps(dict(json.loads(data), specs='2.0.0.2')).encode()
        if v1_path == '/csc/v1/credentials/info' and status == 200:
            info = json.loads(data)
            if args.pin is not None or args.otp is not None:
                info['authMode'] = 'explicit'
                info['PIN'] = {'presence': 'true' if args.pin is not None else 'false', 'format': 'N', 'label': 'PIN'}
                info['OTP'] = {'presence': 'true' if args.otp is not None else 'false', 'type': 'offline',
                               'format': 'N', 'label': 'OTP', 'ID': 'otp-1', 'provider': 'vbdt-test'}
            info.setdefault('cert', {})['status'] = 'revoked' if params.get('credentialID', '').endswith('/revoked') else 'valid'
            if v2:
                mode = info.pop('authMode', 'implicit')
                pin, otp = info.pop('PIN', None), info.pop('OTP', None)
                objects = []
                if pin and pin['presence'] == 'true':
                    objects.append({'type': 'Password', 'id': 'pin-1', 'format': 'N', 'label': 'PIN'})
                if otp and otp['presence'] == 'true':
                    objects.append({'type': 'Otp', 'id': 'otp-1', 'format': 'N', 'label': 'OTP'})
                info['auth'] = {'mode': mode, 'objects': objects}
            data = json.dumps(info).encode()
        if v1_path == '/csc/v1/credentials/list' and status == 200 and args.only_credential:
            data = json.dumps({'credentialIDs': [args.only_credential]}).encode()
        if v1_path == '/csc/v1/signatures/signHash' and status == 200 and args.corrupt_signature is not None:
            answer = json.loads(data)
            sigs = answer['signatures']
            if args.corrupt_signature < len(sigs):
                raw = bytearray(base64.b64decode(sigs[args.corrupt_signature]))
                raw[len(raw) // 2] ^= 0x01
                sigs[args.corrupt_signature] = base64.b64encode(bytes(raw)).decode()
            data = json.dumps(answer).encode()
        return web.Response(body=data, status=status, content_type='application/json')

    front = web.Application(client_max_size=16 << 20)
    front.add_routes([web.post('/csc/v1/oauth2/token', oauth_token), web.post('/csc/v2/oauth2/token', oauth_token),
                      web.post('/{tail:.*}', forward)])

    dummy_port = None

    async def run():
        nonlocal dummy_port
        runners = []
        ports = {}
        for name, app in (('dummy', dummy.app), ('front', front)):
            runner = web.AppRunner(app)
            await runner.setup()
            site = web.TCPSite(runner, '127.0.0.1', 0)
            await site.start()
            ports[name] = runner.addresses[0][1]
            runners.append(runner)
        dummy_port = ports['dummy']
        tmp = os.path.join(args.dir, 'ports.json.tmp')
        with open(tmp, 'w') as f:
            json.dump(ports, f)
        os.replace(tmp, os.path.join(args.dir, 'ports.json'))
        while True:
            await asyncio.sleep(3600)

    asyncio.run(run())


if __name__ == '__main__':
    sys.exit(main())
