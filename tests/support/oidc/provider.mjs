// A real OpenID provider for the single sign-on tests (tests/support/oidc_provider.py
// starts it): node provider.mjs PORT. It prints "ready <issuer>" once listening.
//
// Interactions are answered at once for the account named by ``login_hint`` (no
// login page to drive). A test can make the next token response misbehave, as a
// broken or hostile provider might, with POST /__test/tamper?mode=...: the ID token
// is then signed again with the provider's own key with a wrong audience, a wrong
// nonce or an expiry in the past, so only the relying party's checks can refuse it.
import { generateKeyPair, exportJWK, SignJWT, decodeJwt, decodeProtectedHeader, importJWK } from 'jose';
import Provider from 'oidc-provider';

const port = Number(process.argv[2]);
const issuer = `http://127.0.0.1:${port}`;

const ACCOUNTS = {
  alice: { email: 'alice@council.example', name: 'Alice Officer', groups: ['send-officers'] },
  bob: { email: 'bob@council.example', name: 'Bob Admin', groups: ['send-admins', 'send-officers'] },
  carol: { email: 'carol@council.example', name: 'Carol Nobody', groups: ['finance'] },
};

const { privateKey } = await generateKeyPair('RS256', { extractable: true });
const privateJwk = { ...(await exportJWK(privateKey)), kid: 'test-key', alg: 'RS256', use: 'sig' };
const signingKey = await importJWK(privateJwk, 'RS256');

const configuration = {
  clients: [
    {
      client_id: 'feedback',
      client_secret: 'feedback-test-secret',
      redirect_uris: ['http://localhost/staff/sso/callback'],
      post_logout_redirect_uris: ['http://localhost/staff/login'],
      grant_types: ['authorization_code'],
      response_types: ['code'],
    },
  ],
  jwks: { keys: [privateJwk] },
  // Claims in the ID token itself, as Entra ID sends groups (its optional claims).
  conformIdTokenClaims: false,
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'], groups: ['groups'] },
  scopes: ['openid', 'email', 'profile', 'groups'],
  features: {
    devInteractions: { enabled: false },
    rpInitiatedLogout: { enabled: true },
  },
  ttl: { IdToken: 60, AccessToken: 60, AuthorizationCode: 60, Session: 600, Interaction: 600, Grant: 600 },
  async findAccount(ctx, id) {
    if (!ACCOUNTS[id]) return undefined;
    return {
      accountId: id,
      async claims() {
        return { sub: id, email_verified: true, ...ACCOUNTS[id] };
      },
    };
  },
  async loadExistingGrant(ctx) {
    // Every client here is first-party: consent is implied.
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope('openid email profile groups');
    await grant.save();
    return grant;
  },
};

const provider = new Provider(issuer, configuration);
provider.proxy = false;
let tamper = null;

provider.use(async (ctx, next) => {
  if (ctx.path === '/__test/tamper' && ctx.method === 'POST') {
    tamper = ctx.query.mode || null;
    ctx.status = 204;
    return;
  }
  if (ctx.path.startsWith('/interaction/')) {
    const details = await provider.interactionDetails(ctx.req, ctx.res);
    const account = details.params.login_hint;
    const result = ACCOUNTS[account]
      ? { login: { accountId: account } }
      : { error: 'access_denied', error_description: 'unknown test account' };
    await provider.interactionFinished(ctx.req, ctx.res, result, { mergeWithLastSubmission: false });
    ctx.respond = false;
    return;
  }
  await next();
  if (ctx.path === '/token' && tamper && ctx.body && ctx.body.id_token) {
    const claims = decodeJwt(ctx.body.id_token);
    const header = decodeProtectedHeader(ctx.body.id_token);
    if (tamper === 'audience') claims.aud = 'someone-else';
    if (tamper === 'nonce') claims.nonce = 'not-the-nonce-sent';
    if (tamper === 'expired') {
      claims.iat = Math.floor(Date.now() / 1000) - 7200;
      claims.exp = Math.floor(Date.now() / 1000) - 3600;
    }
    ctx.body = { ...ctx.body, id_token: await new SignJWT(claims).setProtectedHeader(header).sign(signingKey) };
    tamper = null;
  }
});

provider.listen(port, '127.0.0.1', () => {
  console.log(`ready ${issuer}`);
});
