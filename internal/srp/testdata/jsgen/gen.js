// gen.js writes the golden vectors in ../vectors.json that internal/srp's Go
// tests read. It drives amazon-cognito-identity-js's own CognitoUser, exactly as
// an application does (authenticateUser with USER_SRP_AUTH, ConfirmDevice after
// NewDeviceMetadata, DEVICE_SRP_AUTH on the next sign-in), against a fake
// Cognito transport written here. The library computes A, x, u, S, the HKDF key,
// the device verifier and PASSWORD_CLAIM_SIGNATURE with its own code; the fake
// server only picks salts and b, computes B = k*v + g^b and checks every
// signature the library sends, so a vector is written only if the library and
// the server formulas agree.
//
// Randomness is made deterministic by replacing crypto.getRandomValues (the
// library's only source) with a SHA-256 counter stream per case, and the clock
// by replacing Date, so the library's DateHelper formats a fixed instant.
//
// Regenerate (Node 18 or later):
//
//	cd internal/srp/testdata/jsgen && npm ci && node gen.js > ../vectors.json
'use strict';

const nodeCrypto = require('crypto');
const {
	CognitoUserPool,
	CognitoUser,
	AuthenticationDetails,
	AuthenticationHelper,
	DateHelper,
} = require('amazon-cognito-identity-js');
const BigInteger = require('amazon-cognito-identity-js/lib/BigInteger').default;
const libVersion = require('amazon-cognito-identity-js/package.json').version;

// Deterministic randomness: every draw the library makes goes through
// globalThis.crypto.getRandomValues.
let stream = null;
function seed(label) {
	stream = { label, counter: 0, buf: Buffer.alloc(0) };
}
function drbg(n) {
	while (stream.buf.length < n) {
		const block = nodeCrypto
			.createHash('sha256')
			.update(`${stream.label}/${stream.counter++}`)
			.digest();
		stream.buf = Buffer.concat([stream.buf, block]);
	}
	const out = stream.buf.subarray(0, n);
	stream.buf = stream.buf.subarray(n);
	return Buffer.from(out);
}
globalThis.crypto.getRandomValues = arr => {
	const bytes = drbg(arr.byteLength);
	new Uint8Array(arr.buffer, arr.byteOffset, arr.byteLength).set(bytes);
	return arr;
};

// Deterministic clock for DateHelper.getNowString.
const RealDate = Date;
function freezeClock(ms) {
	globalThis.Date = class extends RealDate {
		constructor(...args) {
			if (args.length === 0) super(ms);
			else super(...args);
		}
		static now() {
			return ms;
		}
	};
}

// Record what the library computes internally: x (through calculateS) and u
// (UValue, set by calculateU just before calculateS runs).
const seen = [];
const origCalculateS = AuthenticationHelper.prototype.calculateS;
AuthenticationHelper.prototype.calculateS = function (x, B, cb) {
	return origCalculateS.call(this, x, B, (err, S) => {
		seen.push({ helper: this, x, u: this.UValue, S });
		cb(err, S);
	});
};

seed('ref');
const ref = new AuthenticationHelper('ref');
const N = ref.N;
const g = ref.g;
const k = ref.k;
const hex = bi => bi.toString(16);
const padHex = bi => ref.padHex(bi);
const modPow = (base, e) => {
	let out;
	base.modPow(e, N, (err, r) => {
		if (err) throw err;
		out = r;
	});
	return out;
};
function hmac(key, ...parts) {
	const h = nodeCrypto.createHmac('sha256', key);
	for (const p of parts) h.update(p);
	return h.digest();
}

// serverRound is the fake Cognito server's half of one SRP exchange. It
// returns the challenge parameters and a check function for the response.
function serverRound({ label, A, v, saltHex, poolName, userId }) {
	const b = new BigInteger(drbg(32).toString('hex'), 16);
	const B = k.multiply(v).add(modPow(g, b)).mod(N);
	const secretBlock = drbg(72);
	return {
		b,
		B,
		secretBlock,
		params: { SALT: saltHex, SRP_B: hex(B), SECRET_BLOCK: secretBlock.toString('base64') },
		check(resp) {
			const u = new BigInteger(ref.hexHash(padHex(A) + padHex(B)), 16);
			const S = modPow(A.multiply(modPow(v, u)).mod(N), b);
			const K = hmac(
				hmac(Buffer.from(padHex(u), 'hex'), Buffer.from(padHex(S), 'hex')),
				Buffer.from('Caldera Derived Key\u0001', 'utf8')
			).subarray(0, 16);
			const sig = hmac(
				K,
				Buffer.from(poolName, 'utf8'),
				Buffer.from(userId, 'utf8'),
				secretBlock,
				Buffer.from(resp.TIMESTAMP, 'utf8')
			).toString('base64');
			if (sig !== resp.PASSWORD_CLAIM_SIGNATURE) {
				throw new Error(`${label}: signature mismatch: server ${sig}, library ${resp.PASSWORD_CLAIM_SIGNATURE}`);
			}
			return { u, S, K };
		},
	};
}

// userVerifier computes the verifier the server stores for a user password:
// v = g^x with x = H(PAD(salt) | H(poolName | userId | ":" | password)).
function userVerifier(poolName, userId, password, saltHex) {
	const inner = ref.hash(`${poolName}${userId}:${password}`);
	const x = new BigInteger(ref.hexHash(padHex(new BigInteger(saltHex, 16)) + inner), 16);
	return { x, v: modPow(g, x) };
}

const fakeJwt = payload =>
	['e30', Buffer.from(JSON.stringify(payload)).toString('base64url'), 'c2ln'].join('.');

function authResult(extra) {
	const now = Math.floor(RealDate.now() / 1000);
	return {
		AccessToken: fakeJwt({ exp: now + 3600, iat: now }),
		IdToken: fakeJwt({ exp: now + 3600, iat: now }),
		RefreshToken: 'refresh',
		ExpiresIn: 3600,
		TokenType: 'Bearer',
		...extra,
	};
}

function signIn(user, password) {
	return new Promise((resolve, reject) => {
		user.authenticateUser(new AuthenticationDetails({ Username: user.username, Password: password }), {
			onSuccess: resolve,
			onFailure: reject,
		});
	});
}

function srpVector(label, round, resp, clientA, helperSeen, extra) {
	const { u, S, K } = round.check(resp);
	if (helperSeen.u.compareTo(u) !== 0 || helperSeen.S.compareTo(S) !== 0) {
		throw new Error(`${label}: library u/S differ from the server's`);
	}
	return {
		name: label,
		...extra,
		a: hex(helperSeen.helper.getSmallAValue()),
		SRP_A: clientA,
		b: hex(round.b),
		SRP_B: round.params.SRP_B,
		u: hex(u),
		S: hex(S),
		K: K.toString('hex'),
		SECRET_BLOCK: round.params.SECRET_BLOCK,
		TIMESTAMP: resp.TIMESTAMP,
		PASSWORD_CLAIM_SIGNATURE: resp.PASSWORD_CLAIM_SIGNATURE,
	};
}

// userCase runs one USER_SRP_AUTH sign-in. If withDevice is set, the server
// also hands out NewDeviceMetadata, the library confirms the device, and a
// second sign-in goes through DEVICE_SRP_AUTH; the device vector is returned
// too.
async function userCase({ label, poolId, username, userId, password, saltHex, clock, withDevice }) {
	const poolName = poolId.split('_')[1];
	const { x, v } = userVerifier(poolName, userId, password, saltHex);
	const pool = new CognitoUserPool({ UserPoolId: poolId, ClientId: '1example23456789' });
	const vectors = [];
	let device = null; // { groupKey, key, saltB64, verifierB64, v, saltHex }
	let pending = null;
	let initiations = 0;

	const transport = {
		request(op, params, cb) {
			try {
				cb(null, handle(op, params));
			} catch (err) {
				cb(err, null);
			}
		},
	};
	function handle(op, params) {
		switch (op) {
			case 'InitiateAuth': {
				initiations++;
				seed(`${label}/server/${initiations}`);
				const A = new BigInteger(params.AuthParameters.SRP_A, 16);
				const round = serverRound({ label, A, v, saltHex, poolName, userId });
				pending = { kind: 'user', A, round, clientA: params.AuthParameters.SRP_A };
				return {
					ChallengeName: 'PASSWORD_VERIFIER',
					ChallengeParameters: { ...round.params, USER_ID_FOR_SRP: userId, USERNAME: userId },
					Session: 'session-1',
				};
			}
			case 'RespondToAuthChallenge': {
				const r = params.ChallengeResponses;
				if (params.ChallengeName === 'PASSWORD_VERIFIER') {
					const helperSeen = seen[seen.length - 1];
					if (helperSeen.x.compareTo(x) !== 0) throw new Error(`${label}: library x differs from the verifier's`);
					vectors.push(
						srpVector(`${label}/user/${initiations}`, pending.round, r, pending.clientA, helperSeen, {
							kind: 'user',
							poolId,
							poolName,
							userId,
							password,
							SALT: saltHex,
							x: hex(x),
							verifier: hex(v),
						})
					);
					if (!withDevice) return { AuthenticationResult: authResult() };
					if (!device) {
						// First sign-in: hand out a new device; the library
						// generates its verifier and calls ConfirmDevice.
						seed(`${label}/client-device`);
						device = { groupKey: '-DeviceGroupKey7x', key: 'us-east-1_4f7c21d3-9a4b-4c11-8e35-0b2f6f1d9c27' };
						return {
							AuthenticationResult: authResult({
								NewDeviceMetadata: { DeviceGroupKey: device.groupKey, DeviceKey: device.key },
							}),
						};
					}
					if (r.DEVICE_KEY !== device.key) throw new Error(`${label}: DEVICE_KEY not sent`);
					return { ChallengeName: 'DEVICE_SRP_AUTH', Session: 'session-2', ChallengeParameters: {} };
				}
				if (params.ChallengeName === 'DEVICE_SRP_AUTH') {
					seed(`${label}/server/device`);
					const A = new BigInteger(r.SRP_A, 16);
					const round = serverRound({
						label,
						A,
						v: device.v,
						saltHex: device.saltHex,
						poolName: device.groupKey,
						userId: device.key,
					});
					pending = { kind: 'device', A, round, clientA: r.SRP_A };
					return {
						ChallengeName: 'DEVICE_PASSWORD_VERIFIER',
						ChallengeParameters: { ...round.params, USERNAME: userId },
						Session: 'session-3',
					};
				}
				if (params.ChallengeName === 'DEVICE_PASSWORD_VERIFIER') {
					const helperSeen = seen[seen.length - 1];
					vectors.push(
						srpVector(`${label}/device`, pending.round, r, pending.clientA, helperSeen, {
							kind: 'device',
							poolName: device.groupKey,
							userId: device.key,
							password: device.randomPassword,
							SALT: device.saltHex,
							DeviceSecretVerifierConfig: { Salt: device.saltB64, PasswordVerifier: device.verifierB64 },
							x: hex(helperSeen.x),
							verifier: hex(device.v),
						})
					);
					return { AuthenticationResult: authResult() };
				}
				throw new Error(`${label}: unexpected challenge ${params.ChallengeName}`);
			}
			case 'ConfirmDevice': {
				const cfg = params.DeviceSecretVerifierConfig;
				device.saltB64 = cfg.Salt;
				device.verifierB64 = cfg.PasswordVerifier;
				// What the Go server does with ConfirmDevice: keep the bytes,
				// send them back as hex in SALT.
				device.saltHex = Buffer.from(cfg.Salt, 'base64').toString('hex');
				device.v = new BigInteger(Buffer.from(cfg.PasswordVerifier, 'base64').toString('hex'), 16);
				return { UserConfirmationNecessary: false };
			}
			default:
				throw new Error(`${label}: unexpected operation ${op}`);
		}
	}

	const user = new CognitoUser({ Username: username, Pool: pool });
	user.client = transport;
	freezeClock(clock);
	seed(`${label}/client/1`);
	await signIn(user, password);
	if (withDevice) {
		device.randomPassword = user.randomPassword;
		const again = new CognitoUser({ Username: username, Pool: pool });
		again.client = transport;
		freezeClock(clock + 61 * 1000);
		seed(`${label}/client/2`);
		await signIn(again, password);
	}
	globalThis.Date = RealDate;
	return vectors;
}

// timestampVectors formats fixed instants with the library's DateHelper.
function timestampVectors() {
	const instants = [
		Date.UTC(2026, 10, 3, 1, 7, 5), // single-digit day and hour
		Date.UTC(2026, 8, 5, 9, 3, 7),
		Date.UTC(2026, 0, 1, 0, 0, 0),
		Date.UTC(2027, 11, 31, 23, 59, 59),
		Date.UTC(2028, 1, 29, 12, 30, 0), // leap day
		Date.UTC(2026, 5, 14, 18, 45, 9),
	];
	return instants.map(ms => {
		freezeClock(ms);
		const s = new DateHelper().getNowString();
		globalThis.Date = RealDate;
		return { unix: ms / 1000, TIMESTAMP: s };
	});
}

async function main() {
	const cases = [
		{
			label: 'plain',
			poolId: 'us-east-1_AbCdEfGhI',
			username: 'alice',
			userId: 'alice',
			password: 'Correct-Horse-42!',
			saltHex: '3a5f0c7e91d24b68a0c3e5f7192b4d6f',
			clock: Date.UTC(2026, 10, 3, 1, 7, 5),
		},
		{
			label: 'salt-high-bit',
			poolId: 'eu-west-1_Zx9Yw8Vu7',
			username: 'bob@example.com',
			userId: '7d1f6a2c-3b4e-4f50-9a61-b2c3d4e5f607',
			password: 'p@ssw0rd with spaces',
			saltHex: '00f3a1b2c3d4e5f60718293a4b5c6d7e8f',
			clock: Date.UTC(2026, 8, 5, 9, 3, 7),
		},
		{
			label: 'salt-low-nibble',
			poolId: 'ap-southeast-2_q1W2e3R4t',
			username: 'Zoë',
			userId: 'Zoë',
			password: 'pässwörd✓-ünïcödé',
			saltHex: '0a1b2c3d4e5f60718293a4b5c6d7e8',
			clock: Date.UTC(2027, 11, 31, 23, 59, 59),
		},
		{
			label: 'device',
			poolId: 'us-east-1_AbCdEfGhI',
			username: 'carol',
			userId: 'b0c1d2e3-f405-4617-a829-3a4b5c6d7e8f',
			password: 'Tr0ub4dor&3',
			saltHex: '5e6f708192a3b4c5d6e7f8091a2b3c4d',
			clock: Date.UTC(2026, 5, 14, 18, 45, 9),
			withDevice: true,
		},
	];
	// More sign-ins with other seeds, so that every padding branch (A, B, u, S
	// with and without a leading 00 byte, an odd-length SRP_A) shows up.
	for (let i = 0; i < 8; i++) {
		cases.push({
			label: `extra-${i}`,
			poolId: 'us-west-2_EXAMPLE',
			username: `user${i}`,
			userId: `user${i}`,
			password: `Password-${i}!`,
			saltHex: drbgHex(`extra-salt-${i}`),
			clock: Date.UTC(2026, 2, 1 + i, i, 10 + i, 20 + i),
		});
	}
	const srp = [];
	for (const c of cases) srp.push(...(await userCase(c)));
	// An S below 2^3064 (a leading zero byte in 384 bytes) happens once in
	// 256 sign-ins; search for one, as its padded form is shorter.
	for (let i = 0; ; i++) {
		const [v] = await userCase({
			label: `short-S-${i}`,
			poolId: 'us-west-2_EXAMPLE',
			username: 'dave',
			userId: 'dave',
			password: 'Short-S-1',
			saltHex: drbgHex('short-S-salt'),
			clock: Date.UTC(2026, 3, 2, 3, 4, 5),
		});
		if (v.S.length <= 766) {
			srp.push(v);
			break;
		}
	}
	const out = {
		generator: 'internal/srp/testdata/jsgen/gen.js',
		library: `amazon-cognito-identity-js@${libVersion}`,
		N: ref.N.toString(16),
		g: ref.g.toString(16),
		k: ref.k.toString(16),
		srp,
		timestamps: timestampVectors(),
	};
	process.stdout.write(JSON.stringify(out, null, '\t') + '\n');
}

// drbgHex returns a canonical salt (as the library's padHex writes it) from a
// label, like the 16 random bytes a server draws.
function drbgHex(label) {
	seed(label);
	return padHex(new BigInteger(drbg(16).toString('hex'), 16));
}

main().catch(err => {
	console.error(err);
	process.exit(1);
});
