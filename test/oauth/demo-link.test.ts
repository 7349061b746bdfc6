import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { findUserByName } from '../../src/identity/index.ts';
import { createLoginLink } from '../../src/identity/sessions.ts';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';
import { Browser, hiddenFields } from './helpers.ts';

describe('demo mode: the one-time sign-in link', () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startTestGateway();
  });
  after(() => gw.close());

  test('is issued while the demo user has no password, works once, and only by POST with a CSRF token', async () => {
    const link = gw.gateway.demoLoginLink;
    assert.ok(link, 'a link in demo mode');
    assert.match(link, new RegExp(`^${gw.url}/login/link\\?token=[A-Za-z0-9_-]{43}$`));
    const browser = new Browser();
    const page = await browser.get(link);
    assert.equal(page.status, 200);
    assert.equal(page.headers.get('referrer-policy'), 'no-referrer', 'the token does not leak through Referer');
    const html = await page.text();
    assert.match(html, /signs you in as <strong>demo<\/strong>/);
    assert.equal((await browser.get(link)).status, 200, 'viewing the link does not use it up');
    const fields = hiddenFields(html, '/login/link');
    assert.equal(
      (await browser.post(`${gw.url}/login/link`, { token: fields.token! })).status,
      403,
      'CSRF token needed',
    );
    const signedIn = await browser.post(`${gw.url}/login/link`, fields);
    assert.equal(signedIn.status, 303);
    assert.equal(signedIn.headers.get('location'), '/console');
    const consolePage = await browser.get(`${gw.url}/console`);
    assert.equal(consolePage.status, 200);
    assert.match(await consolePage.text(), /Signed in as demo/);
    const again = await new Browser().get(link);
    assert.equal(again.status, 400, 'single use');
  });

  test('signing out ends the session', async () => {
    const demo = await findUserByName(gw.gateway.store.db, 'demo');
    const token = await createLoginLink(gw.gateway.store.db, demo!.id, 60);
    const browser = new Browser();
    assert.equal((await browser.get(`${gw.url}/console`)).status, 303, 'the console needs a session');
    const page = await browser.get(`${gw.url}/login/link?token=${token}`);
    assert.equal(
      (await browser.post(`${gw.url}/login/link`, hiddenFields(await page.text(), '/login/link'))).status,
      303,
    );
    const consolePage = await browser.get(`${gw.url}/console`);
    assert.equal(consolePage.status, 200);
    const out = await browser.post(`${gw.url}/logout`, hiddenFields(await consolePage.text(), '/logout'));
    assert.equal(out.status, 303);
    assert.equal((await browser.get(`${gw.url}/console`)).status, 303, 'signed out');
  });
});
