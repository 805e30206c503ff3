import * as openid from 'openid-client';
import type { OidcConfig } from '../../config.js';
import type { Db } from '../../db/connection.js';
import { randomToken, sha256 } from '../../platform/crypto.js';
import { AppError } from '../../platform/errors.js';
import type { Logger } from '../../platform/logger.js';

/**
 * The deployment's OpenID Connect provider, through openid-client: discovery (at start-up, and
 * again on the next use while it has failed), the authorisation request (code flow with PKCE,
 * state and nonce) and the callback (code exchange; ID token checked for issuer, audience, expiry,
 * signature through the provider's JWKS, and nonce). One per app, made by the auth routes.
 */
export interface OidcProvider {
  readonly settings: OidcConfig;
  readonly redirectUrl: string;
  /** The discovered configuration; `oidc_unavailable` while the provider cannot be reached. */
  configuration(): Promise<openid.Configuration>;
}

/** A provider account as its ID token describes it, after every check passed. */
export interface VerifiedIdentity {
  issuer: string;
  subject: string;
  /** Lower case; '' when the provider gave none. */
  email: string;
  /** Only a verified address ever links or matches an account. */
  emailVerified: boolean;
  name: string;
}

export type SignInPurpose = 'sign_in' | 'link' | 'invitation';

/** What the browser came back for, as recorded when it left. */
export interface SignInRequest {
  purpose: SignInPurpose;
  userId: string | null;
  invitationToken: string | null;
  /** The practice whose own provider the browser went to; null: the deployment's. */
  practiceId: string | null;
}

/** For a practice's provider, where OIDC_CLOCK_TOLERANCE_SECONDS and OIDC_TIMEOUT_SECONDS are not set. */
export const DEFAULT_CLOCK_TOLERANCE_SECONDS = 60;
export const DEFAULT_TIMEOUT_SECONDS = 8;

const REQUEST_TTL_MS = 10 * 60_000;
const SCOPES = 'openid email profile';

/**
 * The provider's discovery document, and a client for it. Plain http only for a provider on this
 * machine: config.ts (the deployment's) and practice-providers.ts (a practice's) allow nothing else.
 */
export async function discover(settings: OidcConfig): Promise<openid.Configuration> {
  const server = new URL(settings.issuer);
  const configuration = await openid.discovery(
    server,
    settings.clientId,
    { client_secret: settings.clientSecret, [openid.clockTolerance]: settings.clockToleranceSeconds },
    openid.ClientSecretPost(settings.clientSecret),
    {
      timeout: settings.timeoutSeconds,
      ...(server.protocol === 'http:' ? { execute: [openid.allowInsecureRequests] } : {}),
    },
  );
  configuration.timeout = settings.timeoutSeconds;
  // The ID token's signature is checked against the provider's JWKS too: by default openid-client
  // trusts a token endpoint's answer on the strength of TLS alone (OpenID Connect Core 3.1.3.7).
  openid.enableNonRepudiationChecks(configuration);
  return configuration;
}

/**
 * Saving a practice's provider: its issuer must answer with an OpenID Connect discovery document
 * for itself. The answer says which of the two failed, never what the address answered.
 */
export async function checkDiscovery(settings: OidcConfig): Promise<{ issuer: string }> {
  try {
    const configuration = await discover(settings);
    const metadata = configuration.serverMetadata();
    if (!metadata.authorization_endpoint || !metadata.token_endpoint || !metadata.jwks_uri)
      throw new AppError('oidc_provider_invalid', {
        detail: 'The issuer does not publish an authorisation endpoint, a token endpoint and its keys (JWKS)',
        extra: { reason: 'not_oidc' },
      });
    // As its tokens will name it (`iss`), which is how linked accounts are found.
    return { issuer: metadata.issuer };
  } catch (err) {
    if (err instanceof AppError) throw err;
    const code = (err as { code?: string; cause?: { code?: string } }).code;
    const answered = typeof code === 'string' && code.startsWith('OAUTH_');
    throw new AppError('oidc_provider_invalid', {
      detail: answered
        ? 'This address is not an OpenID Connect issuer (no valid discovery document for it at /.well-known/openid-configuration)'
        : 'The issuer did not answer; check the address',
      extra: { reason: answered ? 'not_oidc' : 'unreachable' },
    });
  }
}

export function createOidcProvider(settings: OidcConfig, publicUrl: string, logger: Logger): OidcProvider {
  let discovered: Promise<openid.Configuration> | undefined;
  return {
    settings,
    redirectUrl: `${publicUrl}/api/v1/auth/oidc/callback`,
    configuration() {
      if (!discovered) {
        discovered = discover(settings).catch((err: unknown) => {
          // Forget the failure: the next sign-in tries again (the provider may be back).
          discovered = undefined;
          logger.warn({ err: describe(err), issuer: settings.issuer }, 'the OpenID Connect provider cannot be reached');
          throw new AppError('oidc_unavailable', {
            detail: 'The identity provider is not answering; try again shortly, or sign in with your password',
          });
        });
      }
      return discovered;
    },
  };
}

/**
 * Starts a sign-in at the provider: the state, nonce and PKCE verifier are kept server-side under
 * a hash of the state, bound to this browser by `browserToken` (a short-lived cookie). Returns the
 * provider's URL to send the browser to.
 */
export async function startAuthorization(
  db: Db,
  provider: OidcProvider,
  request: SignInRequest,
): Promise<{ url: string; browserToken: string }> {
  const configuration = await provider.configuration();
  const state = openid.randomState();
  const nonce = openid.randomNonce();
  const codeVerifier = openid.randomPKCECodeVerifier();
  const browserToken = randomToken();
  await db.deleteFrom('oidcSignInRequests').where('expiresAt', '<', new Date()).execute();
  await db
    .insertInto('oidcSignInRequests')
    .values({
      stateHash: sha256(state),
      browserHash: sha256(browserToken),
      purpose: request.purpose,
      nonce,
      codeVerifier,
      userId: request.userId,
      invitationToken: request.invitationToken,
      practiceId: request.practiceId,
      expiresAt: new Date(Date.now() + REQUEST_TTL_MS),
    })
    .execute();
  const url = openid.buildAuthorizationUrl(configuration, {
    redirect_uri: provider.redirectUrl,
    scope: SCOPES,
    state,
    nonce,
    code_challenge: await openid.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
  });
  return { url: url.href, browserToken };
}

/**
 * The provider's answer: the request it belongs to is taken (deleted, so a replay finds nothing),
 * the code exchanged with the provider the request went to (`providerOf`: the deployment's, or the
 * practice's) and the ID token checked. Any failure is an AppError and nothing is signed in.
 */
export async function finishAuthorization(
  db: Db,
  providerOf: (practiceId: string | null) => Promise<OidcProvider>,
  input: { callbackUrl: URL; browserToken: string | undefined },
  logger: Logger,
): Promise<{ request: SignInRequest; identity: VerifiedIdentity; provider: OidcProvider }> {
  const state = input.callbackUrl.searchParams.get('state');
  if (!state || !input.browserToken) throw stateInvalid();
  const row = await db
    .deleteFrom('oidcSignInRequests')
    .where('stateHash', '=', sha256(state))
    .returningAll()
    .executeTakeFirst();
  if (!row || row.expiresAt <= new Date() || !row.browserHash.equals(sha256(input.browserToken))) throw stateInvalid();
  const provider = await providerOf(row.practiceId);
  const configuration = await provider.configuration();
  let tokens: Awaited<ReturnType<typeof openid.authorizationCodeGrant>>;
  try {
    tokens = await openid.authorizationCodeGrant(
      configuration,
      input.callbackUrl,
      { pkceCodeVerifier: row.codeVerifier, expectedState: state, expectedNonce: row.nonce, idTokenExpected: true },
      { redirect_uri: provider.redirectUrl },
    );
  } catch (err) {
    throw callbackError(err);
  }
  const claims = tokens.claims();
  if (!claims) throw new AppError('oidc_token_invalid', { detail: 'The provider sent no ID token' });
  // openid-client checks expiry (with the tolerance) but not a token issued in the future: a
  // provider whose clock runs ahead of ours by more than the tolerance is refused as well.
  const now = Math.floor(Date.now() / 1000);
  if (typeof claims.iat !== 'number' || claims.iat > now + provider.settings.clockToleranceSeconds)
    throw new AppError('oidc_token_invalid', {
      detail: "The provider's clock is too far from ours (the ID token was issued in the future)",
      extra: { reason: 'clock_skew' },
    });
  // Providers that keep the ID token small (oidc-provider by default, Okta, some Entra set-ups) give
  // the email only at the userinfo endpoint: asked there, with the access token, before any decision.
  // The address and whether it is verified are taken as a pair from one place, never mixed.
  let profile: Record<string, unknown> = claims;
  if (typeof claims.email !== 'string' || (claims.email_verified === undefined && claims.xms_edov === undefined)) {
    const answer = await userInfo(configuration, tokens.access_token, claims.sub, logger);
    profile = { name: claims.name ?? answer.name, email: answer.email, email_verified: answer.email_verified };
  }
  const verified = profile.email_verified === true || profile.email_verified === 'true' || profile.xms_edov === true;
  return {
    request: {
      purpose: row.purpose,
      userId: row.userId,
      invitationToken: row.invitationToken,
      practiceId: row.practiceId,
    },
    identity: {
      issuer: claims.iss,
      subject: claims.sub,
      email: typeof profile.email === 'string' ? profile.email.trim().toLowerCase() : '',
      emailVerified: verified && typeof profile.email === 'string',
      name: typeof profile.name === 'string' ? profile.name.trim().slice(0, 120) : '',
    },
    provider,
  };
}

/**
 * The userinfo endpoint's claims for this subject (openid-client refuses an answer about another
 * subject). None when the provider has no such endpoint or does not answer: the sign-in goes on
 * without an email, so nothing is linked through one.
 */
async function userInfo(
  configuration: openid.Configuration,
  accessToken: string,
  subject: string,
  logger: Logger,
): Promise<Record<string, unknown>> {
  if (!configuration.serverMetadata().userinfo_endpoint) return {};
  try {
    const answer = await openid.fetchUserInfo(configuration, accessToken, subject);
    // The email and whether it is verified, and the name: nothing else is read from it.
    return { email: answer.email, email_verified: answer.email_verified, name: answer.name };
  } catch (err) {
    logger.warn({ err: describe(err) }, "the identity provider's userinfo endpoint did not answer");
    return {};
  }
}

const stateInvalid = () =>
  new AppError('oidc_state_invalid', {
    detail: 'This sign-in link is not valid (used already, expired, or started in another browser); start again',
  });

/** openid-client's errors as ours: what went wrong, in words a person and a script can use. */
function callbackError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (err instanceof openid.AuthorizationResponseError) {
    return new AppError('oidc_denied', {
      detail: 'The identity provider did not sign you in',
      extra: { reason: err.error },
    });
  }
  if (err instanceof openid.ResponseBodyError) {
    // The provider refused the code: tampered, replayed at the provider, or not ours.
    return new AppError('oidc_token_invalid', {
      detail: 'The identity provider refused this sign-in; start again',
      extra: { reason: err.error },
    });
  }
  // openid-client's ClientError carries the check that failed as its cause (oauth4webapi's error).
  const outer = err as { code?: string; message?: string; cause?: unknown };
  const inner = (outer.cause ?? outer) as { code?: string; message?: string; cause?: { claim?: string } };
  const reason = reasonOf(outer.code ?? inner.code, inner.message ?? '', inner.cause?.claim);
  if (reason === 'unreachable')
    return new AppError('oidc_unavailable', {
      detail: 'The identity provider is not answering; try again shortly, or sign in with your password',
    });
  return new AppError('oidc_token_invalid', { detail: DETAILS[reason], extra: { reason } });
}

type Reason = 'unreachable' | 'audience' | 'issuer' | 'nonce' | 'expired' | 'signature' | 'state' | 'response';

const DETAILS: Record<Exclude<Reason, 'unreachable'>, string> = {
  audience: 'The ID token was issued to another application',
  issuer: 'The ID token comes from another issuer',
  nonce: 'The ID token does not belong to this sign-in',
  expired: "The ID token has expired, or the provider's clock is too far from ours",
  signature: "The ID token's signature does not verify with the provider's keys",
  state: 'The answer does not belong to this sign-in',
  response: 'The identity provider answered with something that is not valid',
};

function reasonOf(code: string | undefined, message: string, claim: string | undefined): Reason {
  switch (code) {
    case 'OAUTH_JWT_TIMESTAMP_CHECK_FAILED':
      return 'expired';
    case 'OAUTH_JWT_CLAIM_COMPARISON_FAILED':
      if (claim === 'aud' || claim === 'azp') return 'audience';
      if (claim === 'iss') return 'issuer';
      if (claim === 'nonce') return 'nonce';
      return 'response';
    case 'OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED':
      return message.includes('"state"') ? 'state' : 'response';
    case 'OAUTH_KEY_SELECTION_FAILED':
      return 'signature';
    case 'OAUTH_INVALID_RESPONSE':
      return message.includes('signature') ? 'signature' : 'response';
  }
  // Anything that is not the protocol's own error: no connection, a timeout, a reset.
  return code?.startsWith('OAUTH_') ? 'response' : 'unreachable';
}

/** An error for the log: its name, code and message, never a token. */
function describe(err: unknown) {
  const e = err as { name?: string; code?: string; message?: string; cause?: { code?: string; message?: string } };
  return { name: e.name, code: e.code ?? e.cause?.code, message: e.message, cause: e.cause?.message };
}
